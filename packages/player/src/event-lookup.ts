//! Finding the event in effect at a point of the timeline. Pure: no DOM.

/** Anything with an epoch-millisecond timestamp, such as an rrweb event. */
export interface Timestamped {
  timestamp: number;
}

/**
 * Returns the index of the last item whose timestamp is at or before `at`, or -1 when
 * every item is later. `items` must be sorted by timestamp (ties allowed); runs in O(log n).
 */
export function lastIndexAtOrBefore(items: readonly Timestamped[], at: number): number {
  let lo = 0;
  let hi = items.length; // search window is [lo, hi)
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].timestamp <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Returns the last event at or before `offsetMs` milliseconds after the first event,
 * or `null` for an empty list or a negative offset.
 */
export function eventAtOffset<T extends Timestamped>(events: readonly T[], offsetMs: number): T | null {
  if (events.length === 0 || Number.isNaN(offsetMs)) return null;
  const index = lastIndexAtOrBefore(events, events[0].timestamp + offsetMs);
  return index >= 0 ? events[index] : null;
}
