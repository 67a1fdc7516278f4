//! The player's control bar, as plain DOM: the timeline bar on top; below it play/pause,
//! ±5 s, the clock, skip inactivity, speed, help and fullscreen. It only renders state and
//! reports intents; the player decides what they mean. Every button has a label and a
//! visible focus ring; sizes are fixed so nothing shifts as the state changes.

import { KEYBOARD_SEEK_STEP_MS, SPEED_CHOICES } from './playback-limits.ts';
import { formatClock } from './time-format.ts';
import { createTimelineBar, type TimelineBar } from './timeline-bar.ts';
import type { InactiveSpan, TimelineMarker } from './types.ts';

/** What the control bar asks the player to do. */
export interface ControlIntents {
  onTogglePlay(): void;
  onSeek(ms: number): void;
  /** The pointer rests on the timeline at `ms`. */
  onHover(ms: number): void;
  /** Jumps by `deltaMs` from the current time. */
  onStep(deltaMs: number): void;
  onSpeed(speed: number): void;
  onSkipInactive(on: boolean): void;
  onFullscreen(): void;
  onHelp(): void;
}

/** A mounted control bar. */
export interface Controls {
  readonly element: HTMLElement;
  readonly timeline: TimelineBar;
  setPlaying(playing: boolean): void;
  setTime(ms: number, playing: boolean): void;
  setDuration(ms: number): void;
  setSpeed(speed: number): void;
  setSkipInactive(on: boolean): void;
  setFullscreen(on: boolean): void;
  setMarkers(markers: readonly TimelineMarker[]): void;
  setInactive(spans: readonly InactiveSpan[]): void;
  setCoverage(coverage: { from: number; to: number } | null): void;
  /** Returns true when `node` is one of the bar's controls. */
  owns(node: EventTarget | null): boolean;
  destroy(): void;
}

const svg = (path: string): string => `<svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">${path}</svg>`;
const ICONS = {
  play: svg('<path d="M4 2.5v11l9-5.5z"/>'),
  pause: svg('<path d="M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z"/>'),
  back: svg('<path d="M7.5 3.5 2.5 8l5 4.5zM13.5 3.5 8.5 8l5 4.5z"/>'),
  forward: svg('<path d="M8.5 3.5 13.5 8l-5 4.5zM2.5 3.5 7.5 8l-5 4.5z"/>'),
  expand: svg('<path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4" fill="none" stroke="currentColor" stroke-width="1.6"/>'),
  shrink: svg('<path d="M6 2v4H2M14 6h-4V2M10 14v-4h4M2 10h4v4" fill="none" stroke="currentColor" stroke-width="1.6"/>'),
};

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  node.className = className;
  return node;
}

function button(doc: Document, className: string, label: string, html: string): HTMLButtonElement {
  const b = el(doc, 'button', className);
  b.type = 'button';
  b.setAttribute('aria-label', label);
  b.title = label;
  b.innerHTML = html;
  return b;
}

function speedLabel(speed: number): string {
  return `${speed}×`;
}

/** Builds the control bar; the caller appends `element` where it wants it. */
export function createControls(doc: Document, intents: ControlIntents): Controls {
  const bar = el(doc, 'div', 'td-controls');
  const timeline = createTimelineBar(doc, { onSeek: (ms) => intents.onSeek(ms), onHover: (ms) => intents.onHover(ms) });
  const top = el(doc, 'div', 'td-controls__timeline');
  top.append(timeline.element, timeline.zoomControls);

  const row = el(doc, 'div', 'td-controls__row');
  const play = button(doc, 'td-controls__play', 'Play', ICONS.play);
  const back = button(doc, 'td-icon-button', 'Back 5 seconds (←)', ICONS.back);
  const forward = button(doc, 'td-icon-button', 'Forward 5 seconds (→)', ICONS.forward);
  const clock = el(doc, 'span', 'td-controls__clock');
  clock.setAttribute('aria-live', 'off');
  const spacer = el(doc, 'span', 'td-controls__spacer');

  const skipLabel = el(doc, 'label', 'td-controls__skip');
  const skip = el(doc, 'input', 'td-controls__skip-box');
  skip.type = 'checkbox';
  skipLabel.append(skip, doc.createTextNode('Skip inactivity'));
  skipLabel.title = 'Jump over stretches without user activity (shaded on the timeline)';

  const speedMenu = el(doc, 'select', 'td-controls__speed');
  speedMenu.setAttribute('aria-label', 'Playback speed');
  speedMenu.title = 'Playback speed ([ slower, ] faster)';
  for (const speed of SPEED_CHOICES) {
    const option = el(doc, 'option', '');
    option.value = String(speed);
    option.textContent = speedLabel(speed);
    speedMenu.append(option);
  }
  const help = button(doc, 'td-icon-button td-controls__help', 'Keyboard shortcuts (?)', '?');
  const fullscreen = button(doc, 'td-icon-button', 'Fullscreen (F)', ICONS.expand);
  row.append(play, back, forward, clock, spacer, skipLabel, speedMenu, help, fullscreen);
  bar.append(top, row);

  let durationMs = 0;
  let lastClock = '';
  const renderClock = (ms: number): void => {
    const text = `${formatClock(ms)} / ${formatClock(durationMs)}`;
    if (text !== lastClock) clock.textContent = lastClock = text;
  };

  play.addEventListener('click', () => intents.onTogglePlay());
  back.addEventListener('click', () => intents.onStep(-KEYBOARD_SEEK_STEP_MS));
  forward.addEventListener('click', () => intents.onStep(KEYBOARD_SEEK_STEP_MS));
  skip.addEventListener('change', () => intents.onSkipInactive(skip.checked));
  speedMenu.addEventListener('change', () => intents.onSpeed(Number(speedMenu.value)));
  help.addEventListener('click', () => intents.onHelp());
  fullscreen.addEventListener('click', () => intents.onFullscreen());

  const controls: Controls = {
    element: bar,
    timeline,
    setPlaying(playing) {
      play.innerHTML = playing ? ICONS.pause : ICONS.play;
      play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
      play.title = playing ? 'Pause (space)' : 'Play (space)';
    },
    setTime(ms, playing) {
      renderClock(ms);
      timeline.setTime(ms, playing);
    },
    setDuration(ms) {
      durationMs = ms;
      timeline.setDuration(ms);
      lastClock = '';
    },
    setSpeed(speed) {
      const value = String(speed);
      if (![...speedMenu.options].some((o) => o.value === value)) {
        const option = el(doc, 'option', '');
        option.value = value;
        option.textContent = speedLabel(speed);
        speedMenu.append(option);
      }
      speedMenu.value = value;
    },
    setSkipInactive(on) {
      skip.checked = on;
    },
    setFullscreen(on) {
      fullscreen.innerHTML = on ? ICONS.shrink : ICONS.expand;
      const label = on ? 'Exit fullscreen (F)' : 'Fullscreen (F)';
      fullscreen.setAttribute('aria-label', label);
      fullscreen.title = label;
    },
    setMarkers: (markers) => timeline.setMarkers(markers),
    setInactive: (spans) => timeline.setInactive(spans),
    setCoverage: (coverage) => timeline.setCoverage(coverage),
    owns(node) {
      return node instanceof Node && bar.contains(node);
    },
    destroy: () => timeline.destroy(),
  };
  controls.setPlaying(false);
  return controls;
}
