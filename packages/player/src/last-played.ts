//! A workaround for a forward-seek bug in rrweb 2.x's player machine. Pure: no DOM.
//!
//! When playback resumes or seeks forward, rrweb skips events at or before the last
//! played event, but if that event is a MouseMove it measures from the *first* of its
//! batched positions (a negative offset, up to ~500 ms earlier). Events in that window,
//! such as a DOM mutation that was already applied, are then applied a second time,
//! which duplicates nodes ("Cart: 2Cart: 3"). Pointing the machine at the last played
//! event that is not a MouseMove closes the window: only mouse moves, which are safe
//! to repeat, can fall between it and the real last played event.

import { EventType, IncrementalSource } from '@rrweb/types';
import { lastIndexAtOrBefore } from './event-lookup.ts';

/** The parts of an rrweb event this module reads (structural, so any @rrweb/types version fits). */
export interface EventShape {
  type: number;
  timestamp: number;
  data: unknown;
}

/** Returns true for an incremental MouseMove event (the only kind rrweb rewinds). */
export function isMouseMove(event: EventShape): boolean {
  if (event.type !== EventType.IncrementalSnapshot) return false;
  return (event.data as { source?: unknown } | null)?.source === IncrementalSource.MouseMove;
}

/**
 * Returns the event rrweb should treat as last played: `last` itself unless it is a
 * MouseMove, else the latest earlier non-MouseMove event of `events` (sorted by time),
 * or null when there is none.
 */
export function safeLastPlayed<T extends EventShape>(
  events: readonly T[],
  last: T | null,
): T | null {
  if (!last || !isMouseMove(last)) return last;
  for (let i = lastIndexAtOrBefore(events, last.timestamp); i >= 0; i--) {
    const event = events[i];
    if (event && !isMouseMove(event)) return event;
  }
  return null;
}
