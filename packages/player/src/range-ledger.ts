//! Bookkeeping for progressive loading: which span of the player clock the loaded events
//! cover, what to fetch for a seek or to stay ahead of the playhead, and how far behind the
//! playhead events may be dropped. Pure: no DOM, no fetching. All times are milliseconds on
//! the player clock (since the session's first event).

import type { RangeInfo } from './types.ts';

/**
 * How much a seek (and the first frame) asks for past its target. Small, because the seek waits
 * for it (the keyframe before the target comes anyway); the load-ahead fetches more right after.
 */
export const SEEK_RANGE_MS = 30_000;
/** Load-ahead keeps at least this much ahead of the playhead at 1×. */
export const LOOKAHEAD_MS = 60_000;
/** …plus this much per unit of speed (at 16× it is 60 s + 16 × 20 s = 6 min 20 s). */
export const LOOKAHEAD_PER_SPEED_MS = 20_000;
/** A load-ahead asks for at least this much at a time. */
export const AHEAD_CHUNK_MS = 120_000;
/**
 * Events are kept from the last keyframe at least this far behind the playhead; older ones are
 * dropped. With rrweb's checkouts every 5 minutes (the SDK's setting) the player holds at most
 * about 6 minutes behind the playhead plus the look-ahead, whatever the session's length.
 */
export const KEEP_BEHIND_MS = 60_000;
/** Dropping waits until at least this many events can go, so it happens now and then, not per frame. */
export const MIN_TRIM_EVENTS = 2_000;

/**
 * The loaded span: every event of the window in `[from, to]` is held, so any time in it can be
 * rendered. `to` is `Infinity` once the window's last event is held.
 */
export interface Coverage {
  from: number;
  to: number;
}

/** Returns the request a seek to `ms` (or the first frame at `ms`) makes. */
export function seekRequest(ms: number): { from: number; to: number } {
  const from = Math.max(0, Math.floor(ms));
  return { from, to: from + SEEK_RANGE_MS };
}

/**
 * Returns what a `from`/`to` answer covers. The server starts it at the last keyframe at or
 * before `from`; when the window has none there (it starts later, or has no snapshot before
 * `from`), the answer starts at the window's first event, so nothing before it is missing.
 */
export function coverageOfRange(request: { from: number; to: number }, range: RangeInfo): Coverage {
  const to = range.has_more ? request.to : Infinity;
  const start = range.start_ms;
  if (start === null) return { from: 0, to }; // nothing in the window up to `to`
  const fromWindowStart = range.keyframe_ms === null || start > request.from;
  return { from: fromWindowStart ? 0 : start, to };
}

/** Returns the coverage after an `after`/`to` answer was appended to `coverage`. */
export function extendCoverage(coverage: Coverage, request: { after: number; to: number }, range: RangeInfo): Coverage {
  return { from: coverage.from, to: range.has_more ? Math.max(coverage.to, request.to) : Infinity };
}

/** Returns true when `ms` can be rendered from the loaded events. */
export function covers(coverage: Coverage | null, ms: number): boolean {
  return coverage !== null && coverage.from <= ms && ms <= coverage.to;
}

/** Returns how far ahead of the playhead the loaded span should reach at `speed`. */
export function lookaheadMs(speed: number): number {
  return LOOKAHEAD_MS + Math.max(1, speed) * LOOKAHEAD_PER_SPEED_MS;
}

/**
 * Returns the load-ahead request to make now, or null when the loaded span reaches far enough
 * past `playheadMs` (or to the window's end).
 */
export function loadAheadRequest(coverage: Coverage, playheadMs: number, speed: number): { after: number; to: number } | null {
  if (coverage.to === Infinity) return null;
  const want = lookaheadMs(speed);
  if (coverage.to - playheadMs >= want) return null;
  // One chunk at a time (the next is asked for as soon as it is in): a big answer would cost a
  // long frame to parse and hand to rrweb while playing.
  const after = coverage.to;
  return { after, to: after + AHEAD_CHUNK_MS };
}

/**
 * Returns the time of the keyframe the loaded events may be cut back to (everything before it
 * dropped), or null to keep them all: the last keyframe at or before `playheadMs - KEEP_BEHIND_MS`,
 * if it is later than `coverage.from`. `keyframeMs` must be sorted.
 */
export function trimPoint(keyframeMs: readonly number[], coverage: Coverage, playheadMs: number): number | null {
  const limit = playheadMs - KEEP_BEHIND_MS;
  let best: number | null = null;
  for (const at of keyframeMs) {
    if (at > limit) break;
    best = at;
  }
  return best !== null && best > coverage.from ? best : null;
}
