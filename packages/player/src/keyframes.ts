//! Where replay can start: keyframes in a list of rrweb events. Pure: no DOM.
//!
//! A keyframe is a FullSnapshot, or the Meta event right before it (rrweb records the pair on
//! load and on each checkout). It is the same rule the server uses to cut ranges
//! (crates/core/src/recording/cut.rs), so a range the server starts "at a keyframe" starts
//! at one of these.

import { EventType } from '@rrweb/types';

/** The parts of an event this module reads. */
export interface KeyframeShape {
  type: number;
  timestamp: number;
}

/**
 * Returns the indices of `events` (sorted by time) that start a keyframe: a Meta event
 * followed by a FullSnapshot with no incremental event between them, or a FullSnapshot
 * without such a Meta.
 */
export function keyframeIndices(events: readonly KeyframeShape[]): number[] {
  const starts: number[] = [];
  let pendingMeta: number | null = null;
  events.forEach((event, i) => {
    if (event.type === EventType.Meta) pendingMeta = i;
    else if (event.type === EventType.FullSnapshot) {
      starts.push(pendingMeta ?? i);
      pendingMeta = null;
    } else if (event.type === EventType.IncrementalSnapshot) pendingMeta = null;
  });
  return starts;
}

/** Returns true when `events` hold a FullSnapshot, so a replay can be built from them. */
export function hasFullSnapshot(events: readonly KeyframeShape[]): boolean {
  return events.some((e) => e.type === EventType.FullSnapshot);
}
