import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPlayhead, lastAtOrBefore } from '../src/inspector/playhead.ts';

test('lastAtOrBefore finds the entry at or before the time', () => {
  const times = [0, 1000, 1000, 2500, 9000];
  assert.equal(lastAtOrBefore(times, -1), -1);
  assert.equal(lastAtOrBefore(times, 0), 0);
  assert.equal(lastAtOrBefore(times, 999), 0);
  assert.equal(lastAtOrBefore(times, 1000), 2, 'the last of equal times');
  assert.equal(lastAtOrBefore(times, 2499), 2);
  assert.equal(lastAtOrBefore(times, 2500), 3);
  assert.equal(lastAtOrBefore(times, 1e9), 4);
  assert.equal(lastAtOrBefore([], 5), -1);
});

test('lastAtOrBefore agrees with a linear scan', () => {
  const times = Array.from({ length: 500 }, (_, i) => Math.floor(i * 7.3) - (i % 3));
  times.sort((a, b) => a - b);
  for (let ms = -10; ms < 3700; ms += 13) {
    let expected = -1;
    times.forEach((t, i) => {
      if (t <= ms) expected = i;
    });
    assert.equal(lastAtOrBefore(times, ms), expected, `at ${ms}`);
  }
});

test('the playhead notifies listeners of changes only', () => {
  const playhead = createPlayhead(5);
  const seen: number[] = [];
  const stop = playhead.subscribe((ms) => seen.push(ms));
  playhead.set(5);
  playhead.set(10);
  playhead.set(Number.NaN);
  playhead.set(10);
  playhead.set(20);
  stop();
  playhead.set(30);
  assert.deepEqual(seen, [10, 20]);
  assert.equal(playhead.get(), 30);
});
