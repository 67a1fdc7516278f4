//! Keyboard shortcuts: which key does what, the list the help overlay shows, and jumping
//! between timeline markers. Pure: no DOM.

import { SPEED_CHOICES } from './playback-limits.ts';
import type { TimelineMarker } from './types.ts';

/** What a shortcut asks the player to do. */
export type ShortcutAction =
  | 'toggle-play'
  | 'back'
  | 'forward'
  | 'previous-marker'
  | 'next-marker'
  | 'fullscreen'
  | 'help'
  | 'close'
  | 'slower'
  | 'faster';

/** The parts of a `KeyboardEvent` the mapping reads. */
export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

/** The shortcuts, in the order the help overlay lists them. */
export const SHORTCUTS: readonly { keys: string[]; action: ShortcutAction; description: string }[] = [
  { keys: ['Space'], action: 'toggle-play', description: 'Play or pause' },
  { keys: ['←'], action: 'back', description: 'Back 5 seconds' },
  { keys: ['→'], action: 'forward', description: 'Forward 5 seconds' },
  { keys: ['Shift', '←'], action: 'previous-marker', description: 'Previous event on the timeline' },
  { keys: ['Shift', '→'], action: 'next-marker', description: 'Next event on the timeline' },
  { keys: ['['], action: 'slower', description: 'Slower' },
  { keys: [']'], action: 'faster', description: 'Faster' },
  { keys: ['F'], action: 'fullscreen', description: 'Fullscreen on or off' },
  { keys: ['?'], action: 'help', description: 'Show or hide this help' },
  { keys: ['Esc'], action: 'close', description: 'Close this help' },
];

/**
 * Returns the action of a key press, or null for keys the player leaves alone (any with
 * Ctrl, Alt or Meta held, so browser and system shortcuts keep working).
 */
export function shortcutAction(press: KeyPress): ShortcutAction | null {
  if (press.ctrlKey || press.altKey || press.metaKey) return null;
  const shift = press.shiftKey === true;
  switch (press.key) {
    case ' ':
    case 'Spacebar':
      return shift ? null : 'toggle-play';
    case 'ArrowLeft':
      return shift ? 'previous-marker' : 'back';
    case 'ArrowRight':
      return shift ? 'next-marker' : 'forward';
    case 'f':
    case 'F':
      return 'fullscreen';
    case '?':
      return 'help';
    case 'Escape':
      return 'close';
    case '[':
      return 'slower';
    case ']':
      return 'faster';
    default:
      return null;
  }
}

/** A marker this close before the playhead counts as "here", so "previous" goes past it. */
export const MARKER_HERE_MS = 500;

/** Returns the first marker (sorted by `at`) after `ms`, or null. */
export function nextMarker(markers: readonly TimelineMarker[], ms: number): TimelineMarker | null {
  return markers.find((m) => m.at > ms) ?? null;
}

/** Returns the last marker (sorted by `at`) more than `MARKER_HERE_MS` before `ms`, or null. */
export function previousMarker(markers: readonly TimelineMarker[], ms: number): TimelineMarker | null {
  for (let i = markers.length - 1; i >= 0; i--) if (markers[i].at < ms - MARKER_HERE_MS) return markers[i];
  return null;
}

/** Returns the next speed of `SPEED_CHOICES` in `direction` (+1 faster, -1 slower) from `speed`. */
export function stepSpeed(speed: number, direction: 1 | -1): number {
  if (direction > 0) return SPEED_CHOICES.find((s) => s > speed) ?? SPEED_CHOICES[SPEED_CHOICES.length - 1];
  for (let i = SPEED_CHOICES.length - 1; i >= 0; i--) if (SPEED_CHOICES[i] < speed) return SPEED_CHOICES[i];
  return SPEED_CHOICES[0];
}
