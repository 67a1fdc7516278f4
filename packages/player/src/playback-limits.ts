//! Bounds on seek positions and playback speed. Pure: no DOM.

/** Slowest playback speed the player accepts. */
export const MIN_SPEED = 0.5;
/** Fastest playback speed the player accepts. */
export const MAX_SPEED = 16;
/** Speeds offered in the speed menu, slowest first. */
export const SPEED_CHOICES: readonly number[] = [0.5, 1, 2, 4, 8, 16];
/** How far the arrow keys jump, in milliseconds. */
export const KEYBOARD_SEEK_STEP_MS = 5000;

/** Returns `ms` clamped to `[0, durationMs]`; NaN reads as 0. */
export function clampSeek(ms: number, durationMs: number): number {
  const max = Number.isFinite(durationMs) && durationMs > 0 ? durationMs : 0;
  if (Number.isNaN(ms) || ms < 0) return 0;
  return ms > max ? max : ms;
}

/** Returns `speed` clamped to `[MIN_SPEED, MAX_SPEED]`; NaN reads as 1×. */
export function clampSpeed(speed: number): number {
  if (Number.isNaN(speed)) return 1;
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed));
}
