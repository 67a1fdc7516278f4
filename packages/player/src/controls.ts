//! The player's control bar: play/pause, scrubber, clock and speed menu, as plain DOM.
//! It only renders state and reports intents; the player decides what they mean.

import { SPEED_CHOICES } from './playback-limits.ts';
import { formatClock } from './time-format.ts';

/** What the control bar asks the player to do. */
export interface ControlIntents {
  onTogglePlay(): void;
  onSeek(ms: number): void;
  onSpeed(speed: number): void;
}

/** A mounted control bar. */
export interface Controls {
  readonly element: HTMLElement;
  setPlaying(playing: boolean): void;
  setTime(ms: number): void;
  setDuration(ms: number): void;
  setSpeed(speed: number): void;
  /** Returns true when `node` is the scrubber, the button or the menu. */
  owns(node: EventTarget | null): boolean;
}

const PLAY_ICON = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2.5v11l9-5.5z"/></svg>';
const PAUSE_ICON =
  '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z"/></svg>';

function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className: string,
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  node.className = className;
  return node;
}

function speedLabel(speed: number): string {
  return `${speed}×`;
}

/** Builds the control bar; the caller appends `element` where it wants it. */
export function createControls(doc: Document, intents: ControlIntents): Controls {
  const bar = el(doc, 'div', 'td-controls');
  const button = el(doc, 'button', 'td-controls__play');
  button.type = 'button';

  const scrubber = el(doc, 'input', 'td-controls__scrubber');
  scrubber.type = 'range';
  scrubber.min = '0';
  scrubber.step = '1';
  scrubber.setAttribute('aria-label', 'Seek');

  const clock = el(doc, 'span', 'td-controls__clock');
  const speedMenu = el(doc, 'select', 'td-controls__speed');
  speedMenu.setAttribute('aria-label', 'Playback speed');
  for (const speed of SPEED_CHOICES) {
    const option = el(doc, 'option', '');
    option.value = String(speed);
    option.textContent = speedLabel(speed);
    speedMenu.append(option);
  }
  bar.append(button, scrubber, clock, speedMenu);

  let durationMs = 0;
  let timeMs = 0;
  let dragging = false;

  const renderClock = (ms: number): void => {
    clock.textContent = `${formatClock(ms)} / ${formatClock(durationMs)}`;
  };
  const renderProgress = (ms: number): void => {
    const fraction = durationMs > 0 ? Math.min(1, ms / durationMs) : 0;
    scrubber.style.setProperty('--td-progress', `${(fraction * 100).toFixed(3)}%`);
  };

  button.addEventListener('click', () => intents.onTogglePlay());
  // While the thumb is held, time updates from playback must not yank it back.
  scrubber.addEventListener('pointerdown', () => {
    dragging = true;
  });
  const endDrag = (): void => {
    dragging = false;
  };
  scrubber.addEventListener('pointerup', endDrag);
  scrubber.addEventListener('pointercancel', endDrag);
  scrubber.addEventListener('change', endDrag);
  scrubber.addEventListener('input', () => {
    const ms = Number(scrubber.value);
    renderClock(ms);
    renderProgress(ms);
    intents.onSeek(ms);
  });
  speedMenu.addEventListener('change', () => intents.onSpeed(Number(speedMenu.value)));

  const controls: Controls = {
    element: bar,
    setPlaying(playing) {
      button.innerHTML = playing ? PAUSE_ICON : PLAY_ICON;
      button.setAttribute('aria-label', playing ? 'Pause' : 'Play');
      button.title = playing ? 'Pause (space)' : 'Play (space)';
    },
    setTime(ms) {
      timeMs = ms;
      if (dragging) return;
      scrubber.value = String(Math.round(ms));
      renderClock(ms);
      renderProgress(ms);
    },
    setDuration(ms) {
      durationMs = ms;
      scrubber.max = String(Math.max(0, Math.round(ms)));
      controls.setTime(timeMs);
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
    owns(node) {
      return node === button || node === scrubber || node === speedMenu;
    },
  };
  controls.setPlaying(false);
  return controls;
}
