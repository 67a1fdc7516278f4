//! Public types of the replay component.

import type { eventWithTime } from '@rrweb/types';

/** Where the player is in its life. */
export type PlayerState = 'loading' | 'paused' | 'playing' | 'ended';

/** Options for `createPlayer`. */
export interface PlayerOptions {
  /** The recording: rrweb events of one window, any order (they are sorted by time). */
  events: eventWithTime[];
  /** Initial playback speed, clamped to 0.5–16. Default 1. */
  speed?: number;
  /** Milliseconds from the first event at which the first frame is shown. Default 0. */
  startAt?: number;
  /** Starts playing as soon as the first frame is painted. Default false. */
  autoplay?: boolean;
  /** Renders the replay alone at its recorded size, top-left, without controls. */
  embed?: boolean;
  /** Called with the current time (ms from the first event) while playing and after seeks. */
  onTimeUpdate?(ms: number): void;
  /** Called whenever the state changes. */
  onStateChange?(state: PlayerState): void;
}

/**
 * The automation API of SPEC §7, minus `loadSession`, which needs a server and so
 * belongs to the app that hosts the player. All times are milliseconds from the
 * session's first event.
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
  /** Returns the last event at or before `ms`, or null before the first event. */
  getEventAtTime(ms: number): eventWithTime | null;
}

/** A mounted player: the automation API plus teardown and state inspection. */
export interface Player extends SessionReplayAPI {
  getState(): PlayerState;
  getSpeed(): number;
  /** Removes the replay and controls from the container and stops all timers. */
  destroy(): void;
}
