//! A `RangeSource` over events held in memory, answering exactly as the events API does
//! (docs/API.md), so the player has one loading path for both kinds of replay. Pure: no DOM.

import type { eventWithTime } from '@rrweb/types';
import { lastIndexAtOrBefore } from './event-lookup.ts';
import { keyframeIndices } from './keyframes.ts';
import type { RangeAnswer, RangeRequest, RangeSource } from './types.ts';

/**
 * Returns a source over `events` (sorted by time) whose player clock starts at `originMs`
 * (epoch ms) and lasts `durationMs`.
 */
export function memorySource(events: readonly eventWithTime[], originMs: number, durationMs: number): RangeSource {
  const starts = keyframeIndices(events);
  const isStart = new Set(starts);
  const answer = (begin: number, end: number): RangeAnswer => {
    const slice = events.slice(begin, Math.max(begin, end));
    const first = slice[0];
    const last = slice[slice.length - 1];
    const startMs = first ? first.timestamp - originMs : null;
    return {
      events: slice,
      range: {
        start_ms: startMs,
        end_ms: last ? last.timestamp - originMs : null,
        keyframe_ms: first && isStart.has(begin) ? startMs : null,
        has_more: Math.max(begin, end) < events.length,
      },
    };
  };
  return {
    durationMs,
    windowStartMs: events.length > 0 ? events[0].timestamp - originMs : 0,
    fetch(request: RangeRequest) {
      const end = lastIndexAtOrBefore(events, originMs + request.to) + 1;
      if ('after' in request) {
        const begin = lastIndexAtOrBefore(events, originMs + request.after) + 1;
        return Promise.resolve(answer(begin, end));
      }
      const fromEpoch = originMs + request.from;
      let begin = 0;
      for (const s of starts) {
        if (events[s].timestamp > fromEpoch) break;
        begin = s;
      }
      return Promise.resolve(answer(begin, end));
    },
  };
}
