import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventType, IncrementalSource, type eventWithTime } from '@rrweb/types';
import { scrollOffsetsAt } from '../src/scroll-positions.ts';
import { meta, mutation } from './fixtures.ts';

const snapshot = (timestamp: number, top: number): eventWithTime => ({
  type: EventType.FullSnapshot,
  timestamp,
  data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { left: 0, top } },
} as eventWithTime);
const scroll = (timestamp: number, id: number, y: number): eventWithTime => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.Scroll, id, x: 0, y },
});

const events = [meta(0), snapshot(0, 100), scroll(10, 1, 300), scroll(20, 42, 50), mutation(25), scroll(30, 1, 250), meta(100), snapshot(100, 40), scroll(110, 7, 9)];

test('each scrolled node ends at its last offset before the time', () => {
  assert.deepEqual(scrollOffsetsAt(events, 5), [{ id: 1, x: 0, y: 100 }], 'the snapshot offset');
  assert.deepEqual(scrollOffsetsAt(events, 25), [{ id: 1, x: 0, y: 300 }, { id: 42, x: 0, y: 50 }]);
  assert.deepEqual(scrollOffsetsAt(events, 99), [{ id: 1, x: 0, y: 250 }, { id: 42, x: 0, y: 50 }]);
});

test('a later keyframe starts afresh', () => {
  assert.deepEqual(scrollOffsetsAt(events, 100), [{ id: 1, x: 0, y: 40 }]);
  assert.deepEqual(scrollOffsetsAt(events, 200), [{ id: 1, x: 0, y: 40 }, { id: 7, x: 0, y: 9 }]);
  assert.deepEqual(scrollOffsetsAt(events, -1), []);
});
