// Small rrweb event builders for the pure modules' tests.
import { EventType, IncrementalSource, MouseInteractions, type eventWithTime } from '@rrweb/types';

export const meta = (timestamp: number, href = 'https://shop.test/', width = 800, height = 600): eventWithTime => ({
  type: EventType.Meta,
  timestamp,
  data: { href, width, height },
});
export const full = (timestamp: number): eventWithTime => ({
  type: EventType.FullSnapshot,
  timestamp,
  data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { left: 0, top: 0 } },
} as eventWithTime);
export const mutation = (timestamp: number): eventWithTime => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.Mutation, texts: [], attributes: [], removes: [], adds: [] },
});
export const move = (timestamp: number): eventWithTime => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.MouseMove, positions: [{ x: 1, y: 1, id: 1, timeOffset: 0 }] },
});
export const click = (timestamp: number, x = 10, y = 10): eventWithTime => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.MouseInteraction, type: MouseInteractions.Click, id: 5, x, y },
});
export const custom = (timestamp: number, tag: string, payload: unknown = {}): eventWithTime => ({
  type: EventType.Custom,
  timestamp,
  data: { tag, payload },
});
/** A keyframe: Meta then FullSnapshot at one time. */
export const keyframe = (timestamp: number, href?: string): eventWithTime[] => [meta(timestamp, href), full(timestamp)];
