//! Inactivity: spans without user interaction, and where skipping lands. Pure: no DOM.
//! In a ranged replay the server computes the spans (the timeline API's `inactive`); for
//! events held in memory (HTML exports, tests) `inactiveSpans` derives them the same way.

import { EventType, IncrementalSource } from '@rrweb/types';
import type { InactiveSpan } from './types.ts';

/** A stretch without interaction at least this long is inactive (the timeline API's rule). */
export const INACTIVE_THRESHOLD_MS = 5_000;
/** Skipping lands this long before the interaction that ends the span, to show it coming. */
export const SKIP_LEAD_MS = 1_000;
/** Skips shorter than this are not worth the jump. */
export const MIN_SKIP_MS = 2_000;

/** The parts of an rrweb event this module reads. */
interface EventShape {
  type: number;
  timestamp: number;
  data: unknown;
}

const INTERACTION_SOURCES: ReadonlySet<number> = new Set([
  IncrementalSource.MouseMove,
  IncrementalSource.MouseInteraction,
  IncrementalSource.Scroll,
  IncrementalSource.Input,
  IncrementalSource.TouchMove,
  IncrementalSource.MediaInteraction,
  IncrementalSource.Drag,
]);

/** Returns true for an event the user caused (mouse, touch, scroll, input, media, drag). */
export function isInteraction(event: EventShape): boolean {
  if (event.type !== EventType.IncrementalSnapshot) return false;
  const source = (event.data as { source?: unknown } | null)?.source;
  return typeof source === 'number' && INTERACTION_SOURCES.has(source);
}

/**
 * Returns the inactive spans of `events` (sorted, epoch timestamps) on the player clock whose
 * zero is `originMs`: gaps of at least `INACTIVE_THRESHOLD_MS` between the start, the
 * interactions and `endMs` (the session's end on the player clock).
 */
export function inactiveSpans(events: readonly EventShape[], originMs: number, endMs: number): InactiveSpan[] {
  const spans: InactiveSpan[] = [];
  let last = events.length > 0 ? events[0].timestamp - originMs : 0;
  const gapTo = (at: number): void => {
    if (at - last >= INACTIVE_THRESHOLD_MS) spans.push({ from: last, to: at });
  };
  for (const event of events) {
    if (!isInteraction(event)) continue;
    const at = event.timestamp - originMs;
    gapTo(at);
    last = Math.max(last, at);
  }
  gapTo(endMs);
  return spans;
}

/**
 * Returns where playback at `ms` should jump to when skipping inactivity, or null to play on:
 * inside a span (sorted by `from`) it lands `SKIP_LEAD_MS` before the span's end, if that is at
 * least `MIN_SKIP_MS` ahead.
 */
export function skipTarget(ms: number, spans: readonly InactiveSpan[]): number | null {
  for (const span of spans) {
    if (span.from > ms) break;
    if (ms >= span.to) continue;
    const landing = span.to - SKIP_LEAD_MS;
    return landing - ms >= MIN_SKIP_MS ? landing : null;
  }
  return null;
}

/** Returns `spans` sorted by start with overlapping or touching spans merged. */
export function normalizeSpans(spans: readonly InactiveSpan[]): InactiveSpan[] {
  const sorted = spans
    .filter((s) => Number.isFinite(s.from) && Number.isFinite(s.to) && s.to > s.from)
    .map((s) => ({ from: s.from, to: s.to }))
    .sort((a, b) => a.from - b.from);
  const merged: InactiveSpan[] = [];
  for (const span of sorted) {
    const prev = merged[merged.length - 1];
    if (prev && span.from <= prev.to) prev.to = Math.max(prev.to, span.to);
    else merged.push(span);
  }
  return merged;
}
