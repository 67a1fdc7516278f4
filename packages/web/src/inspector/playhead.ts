//! The playhead as the inspector sees it: a tiny store of the player's current time that panels
//! subscribe to (so a time update re-renders only what changed), and the lookup of the entry
//! "at or before" that time in a time-sorted list.

/**
 * Returns the index of the last of `times` (sorted ascending) that is ≤ `ms`, or -1 when all
 * are later. Binary search: the lists can hold 20,000 entries and this runs on every tick.
 */
export function lastAtOrBefore(times: readonly number[], ms: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= ms) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The current time, shared by the panels; listeners run only when it changes. */
export interface Playhead {
  get(): number;
  set(ms: number): void;
  subscribe(listener: (ms: number) => void): () => void;
}

export function createPlayhead(initial = 0): Playhead {
  let now = initial;
  const listeners = new Set<(ms: number) => void>();
  return {
    get: () => now,
    set(ms) {
      if (!Number.isFinite(ms) || ms === now) return;
      now = ms;
      for (const listener of [...listeners]) listener(ms);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
