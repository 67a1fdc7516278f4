//! Where each scrolled node should be at a moment. Pure: no DOM.
//!
//! A seek applies events in one go, and rrweb scrolls a node the moment it reaches its scroll
//! event; if the page is shorter at that point of the pass than it was when recorded (content
//! that a later event of the pass adds back, or a replay that lays out a little differently),
//! the browser clamps the offset and nothing corrects it. After a seek the engine sets every
//! scrolled node to its last recorded offset, as the recording says it was at the target.

import { EventType, IncrementalSource } from '@rrweb/types';
import { keyframeIndices } from './keyframes.ts';
import { lastIndexAtOrBefore } from './event-lookup.ts';

interface EventShape {
  type: number;
  timestamp: number;
  data: unknown;
}

/** A node's scroll offset, by rrweb node id. */
export interface ScrollOffset {
  id: number;
  x: number;
  y: number;
}

/**
 * Returns the last scroll offset of every node scrolled between the keyframe at or before
 * `epochMs` and `epochMs` (events sorted), the document's (`documentId`) starting from the
 * keyframe snapshot's initial offset.
 */
export function scrollOffsetsAt(events: readonly EventShape[], epochMs: number): ScrollOffset[] {
  const end = lastIndexAtOrBefore(events, epochMs);
  let start = 0;
  for (const k of keyframeIndices(events)) {
    if (k > end) break;
    start = k;
  }
  const offsets = new Map<number, ScrollOffset>();
  for (let i = start; i <= end; i++) {
    const { type, data } = events[i];
    const d = data as { source?: unknown; id?: unknown; x?: unknown; y?: unknown; node?: { id?: unknown }; initialOffset?: { left?: unknown; top?: unknown } };
    if (type === EventType.FullSnapshot) {
      offsets.clear();
      const id = d.node?.id;
      const top = Number(d.initialOffset?.top) || 0;
      const left = Number(d.initialOffset?.left) || 0;
      if (typeof id === 'number') offsets.set(id, { id, x: left, y: top });
    } else if (type === EventType.IncrementalSnapshot && d.source === IncrementalSource.Scroll && typeof d.id === 'number') {
      offsets.set(d.id, { id: d.id, x: Number(d.x) || 0, y: Number(d.y) || 0 });
    }
  }
  return [...offsets.values()];
}
