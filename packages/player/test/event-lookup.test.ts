import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventAtOffset, lastIndexAtOrBefore } from '../src/event-lookup.ts';

const at = (...timestamps: number[]) => timestamps.map((timestamp, i) => ({ timestamp, i }));

test('finds the last index at or before a time', () => {
  const items = at(100, 200, 200, 300);
  assert.equal(lastIndexAtOrBefore(items, 99), -1);
  assert.equal(lastIndexAtOrBefore(items, 100), 0);
  assert.equal(lastIndexAtOrBefore(items, 150), 0);
  assert.equal(lastIndexAtOrBefore(items, 200), 2, 'ties resolve to the last of equal timestamps');
  assert.equal(lastIndexAtOrBefore(items, 299), 2);
  assert.equal(lastIndexAtOrBefore(items, 300), 3);
  assert.equal(lastIndexAtOrBefore(items, 10_000), 3);
  assert.equal(lastIndexAtOrBefore([], 5), -1);
});

test('agrees with a linear scan on many sizes', () => {
  for (let n = 0; n < 40; n++) {
    const items = Array.from({ length: n }, (_, i) => ({ timestamp: 1000 + Math.floor(i / 3) * 7 }));
    for (let t = 990; t < 1000 + n * 3; t++) {
      let expected = -1;
      items.forEach((item, i) => {
        if (item.timestamp <= t) expected = i;
      });
      assert.equal(lastIndexAtOrBefore(items, t), expected, `n=${n} t=${t}`);
    }
  }
});

test('eventAtOffset measures from the first event', () => {
  const events = at(5_000, 6_000, 9_000);
  assert.equal(eventAtOffset(events, 0)?.i, 0);
  assert.equal(eventAtOffset(events, 999)?.i, 0);
  assert.equal(eventAtOffset(events, 1_000)?.i, 1);
  assert.equal(eventAtOffset(events, 60_000)?.i, 2);
  assert.equal(eventAtOffset(events, -1), null);
  assert.equal(eventAtOffset(events, Number.NaN), null);
  assert.equal(eventAtOffset([], 0), null);
});
