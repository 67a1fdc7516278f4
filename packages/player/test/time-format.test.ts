import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatClock } from '../src/time-format.ts';

test('formats under an hour as m:ss', () => {
  assert.equal(formatClock(0), '0:00');
  assert.equal(formatClock(999), '0:00');
  assert.equal(formatClock(5_000), '0:05');
  assert.equal(formatClock(65_000), '1:05');
  assert.equal(formatClock(59 * 60_000 + 59_999), '59:59');
});

test('formats an hour and more as h:mm:ss', () => {
  assert.equal(formatClock(3_600_000), '1:00:00');
  assert.equal(formatClock(3_600_000 + 62_000), '1:01:02');
  assert.equal(formatClock(11 * 3_600_000), '11:00:00');
});

test('reads negative and non-finite input as zero', () => {
  assert.equal(formatClock(-5_000), '0:00');
  assert.equal(formatClock(Number.NaN), '0:00');
  assert.equal(formatClock(Number.POSITIVE_INFINITY), '0:00');
});
