import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventType, IncrementalSource, type eventWithTime } from '@rrweb/types';
import { isMouseMove, safeLastPlayed } from '../src/last-played.ts';

const move = (timestamp: number): eventWithTime => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.MouseMove, positions: [{ x: 1, y: 1, id: 1, timeOffset: -400 }] },
});
const mutation = (timestamp: number): eventWithTime => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.Mutation, texts: [], attributes: [], removes: [], adds: [] },
});
const meta = (timestamp: number): eventWithTime => ({
  type: EventType.Meta,
  timestamp,
  data: { href: 'https://example.com/', width: 800, height: 600 },
});

test('recognises mouse moves only', () => {
  assert.equal(isMouseMove(move(1)), true);
  assert.equal(isMouseMove(mutation(1)), false);
  assert.equal(isMouseMove(meta(1)), false);
});

test('keeps a last played event that is not a mouse move', () => {
  const events = [meta(0), mutation(100), move(200)];
  assert.equal(safeLastPlayed(events, events[1] ?? null), events[1]);
  assert.equal(safeLastPlayed(events, null), null);
});

test('steps back from a mouse move to the latest other event', () => {
  // The regression: a mutation at 1223 followed by a mouse move batch at 1500 whose
  // positions start 400 ms earlier made rrweb apply the mutation twice.
  const events = [meta(0), mutation(1223), move(1400), move(1500), move(1600)];
  assert.equal(safeLastPlayed(events, events[3] ?? null), events[1]);
});

test('returns null when only mouse moves came before', () => {
  const events = [move(10), move(20)];
  assert.equal(safeLastPlayed(events, events[1] ?? null), null);
});
