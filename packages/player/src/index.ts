//! `@tapedeck/player`: the replay component. Import this module from a bundler that
//! handles CSS imports (Vite); the pure helpers are also exported for reuse and tests.

import '@rrweb/replay/dist/style.css';
import './player.css';

export { createPlayer, PlayerError } from './player.ts';
export type { Player, PlayerOptions, PlayerState, SessionReplayAPI } from './types.ts';
export { formatClock } from './time-format.ts';
export { scaleToFit, type FitTransform, type Size } from './scale.ts';
export { clampSeek, clampSpeed, MIN_SPEED, MAX_SPEED, SPEED_CHOICES } from './playback-limits.ts';
export { eventAtOffset, lastIndexAtOrBefore } from './event-lookup.ts';
export { isScriptFreeSandbox } from './sandbox-policy.ts';
export type { eventWithTime } from '@rrweb/types';
