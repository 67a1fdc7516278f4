import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasFullSnapshot, keyframeIndices } from '../src/keyframes.ts';
import { full, keyframe, meta, move, mutation } from './fixtures.ts';

test('a keyframe starts at the Meta before its FullSnapshot, or at a lone FullSnapshot', () => {
  const events = [...keyframe(0), mutation(10), full(20), mutation(30), ...keyframe(40)];
  assert.deepEqual(keyframeIndices(events), [0, 3, 5]);
});

test('a Meta separated from the snapshot by an incremental event does not start it', () => {
  const events = [meta(0), move(5), full(10), mutation(20)];
  assert.deepEqual(keyframeIndices(events), [2]);
  assert.deepEqual(keyframeIndices([meta(0), mutation(1)]), []);
});

test('hasFullSnapshot', () => {
  assert.equal(hasFullSnapshot([meta(0), mutation(1)]), false);
  assert.equal(hasFullSnapshot(keyframe(0)), true);
});
