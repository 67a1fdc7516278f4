import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memorySource } from '../src/memory-source.ts';
import { keyframe, mutation } from './fixtures.ts';

const ORIGIN = 1_000_000;
// Keyframes at 0 s, 60 s and 120 s of the player clock; a mutation every 10 s.
const events = [0, 60_000, 120_000].flatMap((k) => [...keyframe(ORIGIN + k), ...[1, 2, 3, 4, 5].map((i) => mutation(ORIGIN + k + i * 10_000))]);
const source = memorySource(events, ORIGIN, 170_000);

test('a from/to range starts at the last keyframe at or before from and ends at to', async () => {
  const { events: got, range } = await source.fetch({ from: 75_000, to: 95_000 });
  assert.equal(got[0].timestamp, ORIGIN + 60_000);
  assert.equal(got[got.length - 1].timestamp, ORIGIN + 90_000);
  assert.deepEqual(range, { start_ms: 60_000, end_ms: 90_000, keyframe_ms: 60_000, has_more: true });
});

test('an after/to range continues strictly after, without a keyframe rewind', async () => {
  const { events: got, range } = await source.fetch({ after: 90_000, to: 125_000 });
  assert.deepEqual(got.map((e) => e.timestamp - ORIGIN), [100_000, 110_000, 120_000, 120_000]);
  assert.equal(range.keyframe_ms, null, 'starts with a mutation');
  assert.equal(range.has_more, true);
});

test('the end of the window says has_more: false', async () => {
  const { range } = await source.fetch({ after: 120_000, to: 10_000_000 });
  assert.equal(range.has_more, false);
  assert.equal(range.end_ms, 170_000);
});

test('a range past the end is empty', async () => {
  const { events: got, range } = await source.fetch({ after: 170_000, to: 200_000 });
  assert.equal(got.length, 0);
  assert.deepEqual(range, { start_ms: null, end_ms: null, keyframe_ms: null, has_more: false });
});
