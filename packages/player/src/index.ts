//! `@tapedeck/player`: the replay component. Import this module from a bundler that
//! handles CSS imports (Vite); the pure helpers are also exported for reuse and tests.

import '@rrweb/replay/dist/style.css';
import './player.css';

export { createPlayer, PlayerError } from './player.ts';
export type {
  InactiveSpan,
  MarkerKind,
  Player,
  PlayerOptions,
  PlayerState,
  RangeAnswer,
  RangeInfo,
  RangeRequest,
  RangeSource,
  SessionReplayAPI,
  TimelineData,
  TimelineMarker,
} from './types.ts';
export { formatClock } from './time-format.ts';
export { scaleToFit, type FitTransform, type Size } from './scale.ts';
export { clampSeek, clampSpeed, MIN_SPEED, MAX_SPEED, SPEED_CHOICES } from './playback-limits.ts';
export { eventAtOffset, lastIndexAtOrBefore } from './event-lookup.ts';
export { isScriptFreeSandbox } from './sandbox-policy.ts';
export { memorySource } from './memory-source.ts';
export { deriveMarkers } from './derive-timeline.ts';
export { inactiveSpans } from './inactivity.ts';
export { MARKER_NAMES } from './timeline-bar.ts';
export type { eventWithTime } from '@rrweb/types';
