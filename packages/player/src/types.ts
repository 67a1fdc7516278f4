//! Public types of the replay component.

import type { eventWithTime } from '@rrweb/types';

/** Where the player is in its life. */
export type PlayerState = 'loading' | 'paused' | 'playing' | 'ended';

/** What a range answer says about itself (the events API's `range`, docs/API.md). */
export interface RangeInfo {
  /** Player-clock time of the first event returned, null when none. */
  start_ms: number | null;
  /** Player-clock time of the last event returned, null when none. */
  end_ms: number | null;
  /** Equal to `start_ms` when the events start at a keyframe, else null. */
  keyframe_ms: number | null;
  /** Whether the window holds events after the last one returned. */
  has_more: boolean;
}

/**
 * A request for events: `from`/`to` starts at the last keyframe at or before `from`;
 * `after`/`to` continues strictly after `after`, without going back to a keyframe.
 */
export type RangeRequest = { from: number; to: number } | { after: number; to: number };

/** Events of one window for a request, in time order, and what they cover. */
export interface RangeAnswer {
  events: eventWithTime[];
  range: RangeInfo;
}

/**
 * Where a ranged player gets its events: one window of a session, fetched a range at a time
 * (the web app implements it on `GET /api/v1/sessions/{id}/events`). Times are on the player
 * clock: milliseconds since the session's first event.
 */
export interface RangeSource {
  /** The session's duration on the player clock. */
  durationMs: number;
  /** This window's first event on the player clock, when known (learned from answers otherwise). */
  windowStartMs?: number;
  /** Answers a request; `signal` aborts a fetch whose answer is no longer wanted. */
  fetch(request: RangeRequest, init?: { signal?: AbortSignal }): Promise<RangeAnswer>;
}

/** Kinds of timeline markers; each has its own colour on the timeline bar. */
export type MarkerKind = 'click' | 'rage_click' | 'navigation' | 'error' | 'custom' | 'note' | 'network' | 'console';

/** Something that happened at a moment of the session, shown on the timeline bar. */
export interface TimelineMarker {
  id: string;
  /** Player-clock milliseconds. */
  at: number;
  kind: MarkerKind;
  /** Shown in the marker's tooltip. */
  label: string;
}

/** A stretch without user interaction, on the player clock. */
export interface InactiveSpan {
  from: number;
  to: number;
}

/** What `setTimeline` takes; a missing field keeps its current value. */
export interface TimelineData {
  markers?: TimelineMarker[];
  inactive?: InactiveSpan[];
}

/** Options for `createPlayer`: exactly one of `events` and `source`. */
export interface PlayerOptions {
  /**
   * The whole recording in memory: rrweb events of one window, any order (sorted by time).
   * The player clock then starts at the first event. Timeline markers and inactive spans are
   * derived from the events unless `markers`/`inactive` are given.
   */
  events?: eventWithTime[];
  /** Events fetched a range at a time: first frame on the first range, the rest loaded ahead. */
  source?: RangeSource;
  /** Initial playback speed, clamped to 0.5–16. Default 1. */
  speed?: number;
  /** Milliseconds on the player clock at which the first frame is shown. Default 0. */
  startAt?: number;
  /** Starts playing as soon as the first frame is painted. Default false. */
  autoplay?: boolean;
  /** Renders the replay alone at its recorded size, top-left, without controls. */
  embed?: boolean;
  /** Markers on the timeline bar (see `setTimeline`). */
  markers?: TimelineMarker[];
  /** Inactive spans, shaded on the timeline and skipped when skipping is on. */
  inactive?: InactiveSpan[];
  /** Starts with skipping inactivity on. Default false. */
  skipInactive?: boolean;
  /** Called with the current time (ms on the player clock) while playing and after seeks. */
  onTimeUpdate?(ms: number): void;
  /** Called whenever the state changes. */
  onStateChange?(state: PlayerState): void;
}

/**
 * The automation API of SPEC §7, minus `loadSession`, which needs a server and so
 * belongs to the app that hosts the player. All times are milliseconds on the player clock.
 */
export interface SessionReplayAPI {
  /** Resolves once the first frame is painted; rejects if the recording cannot be replayed. */
  readonly ready: Promise<void>;
  play(): void;
  pause(): void;
  /** Jumps to `ms` (clamped to the session), staying paused or playing as before. */
  seek(ms: number): void;
  /** Sets the playback speed, clamped to 0.5–16. */
  setSpeed(speed: number): void;
  getCurrentTime(): number;
  getDuration(): number;
  /** Returns the last loaded event at or before `ms`, or null when none is loaded there. */
  getEventAtTime(ms: number): eventWithTime | null;
}

/** A mounted player: the automation API plus controls, timeline data and teardown. */
export interface Player extends SessionReplayAPI {
  getState(): PlayerState;
  getSpeed(): number;
  /** Replaces the timeline markers and/or the inactive spans. */
  setTimeline(data: TimelineData): void;
  setSkipInactive(on: boolean): void;
  getSkipInactive(): boolean;
  /** Puts the player in fullscreen, or takes it out. */
  toggleFullscreen(): void;
  /** The loaded span on the player clock (`to` is Infinity up to the end), or null before any. */
  getLoadedRange(): { from: number; to: number } | null;
  /** Resolves when no seek or load is pending and the frame at the playhead is built. */
  settled(): Promise<void>;
  /** Removes the replay and controls from the container and stops all timers and fetches. */
  destroy(): void;
}
