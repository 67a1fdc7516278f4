import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AHEAD_CHUNK_MS,
  coverageOfRange,
  covers,
  extendCoverage,
  KEEP_BEHIND_MS,
  loadAheadRequest,
  lookaheadMs,
  SEEK_RANGE_MS,
  seekRequest,
  trimPoint,
} from '../src/range-ledger.ts';

const range = (start_ms: number | null, keyframe_ms: number | null, has_more: boolean) => ({ start_ms, end_ms: start_ms, keyframe_ms, has_more });

test('a seek asks from its target for SEEK_RANGE_MS', () => {
  assert.deepEqual(seekRequest(90_500.7), { from: 90_500, to: 90_500 + SEEK_RANGE_MS });
  assert.deepEqual(seekRequest(-5), { from: 0, to: SEEK_RANGE_MS });
});

test('a range covers from its keyframe to what was asked, or to the end', () => {
  const request = { from: 90_000, to: 210_000 };
  assert.deepEqual(coverageOfRange(request, range(60_000, 60_000, true)), { from: 60_000, to: 210_000 });
  assert.deepEqual(coverageOfRange(request, range(60_000, 60_000, false)), { from: 60_000, to: Infinity });
});

test('a range from the window start (no keyframe before, or a later window) covers everything before it', () => {
  const request = { from: 90_000, to: 210_000 };
  assert.equal(coverageOfRange(request, range(120_000, 120_000, true)).from, 0, 'the window starts after from');
  assert.equal(coverageOfRange(request, range(30_000, null, true)).from, 0, 'no keyframe at or before from');
  assert.deepEqual(coverageOfRange(request, range(null, null, true)), { from: 0, to: 210_000 }, 'nothing yet');
});

test('continuations extend the end; the last one reaches Infinity', () => {
  const c = { from: 60_000, to: 210_000 };
  assert.deepEqual(extendCoverage(c, { after: 210_000, to: 330_000 }, range(211_000, null, true)), { from: 60_000, to: 330_000 });
  assert.deepEqual(extendCoverage(c, { after: 210_000, to: 330_000 }, range(null, null, false)), { from: 60_000, to: Infinity });
});

test('covers is inclusive and false without coverage', () => {
  const c = { from: 60_000, to: 210_000 };
  assert.equal(covers(c, 60_000), true);
  assert.equal(covers(c, 210_000), true);
  assert.equal(covers(c, 59_999), false);
  assert.equal(covers(c, 210_001), false);
  assert.equal(covers(null, 0), false);
  assert.equal(covers({ from: 0, to: Infinity }, 7_200_000), true);
});

test('load-ahead waits until the playhead nears the end, and asks for more at higher speed', () => {
  const c = { from: 0, to: 300_000 };
  assert.equal(loadAheadRequest(c, 100_000, 1), null, '200 s ahead is plenty at 1×');
  const near = loadAheadRequest(c, 300_000 - lookaheadMs(1) + 1, 1);
  assert.deepEqual(near, { after: 300_000, to: 300_000 + AHEAD_CHUNK_MS });
  const fast = loadAheadRequest(c, 100_000, 16);
  assert.ok(fast, 'at 16× 200 s ahead is not enough');
  assert.equal(fast.to, 300_000 + AHEAD_CHUNK_MS, "one chunk at a time");
  assert.equal(loadAheadRequest({ from: 0, to: Infinity }, 0, 16), null, 'nothing after the end');
});

test('the trim point is the last keyframe at least KEEP_BEHIND_MS behind the playhead', () => {
  const keyframes = [0, 300_000, 600_000, 900_000];
  const c = { from: 0, to: 1_000_000 };
  assert.equal(trimPoint(keyframes, c, 300_000 + KEEP_BEHIND_MS - 1), null, 'the 300 s keyframe is too close');
  assert.equal(trimPoint(keyframes, c, 300_000 + KEEP_BEHIND_MS), 300_000);
  assert.equal(trimPoint(keyframes, c, 950_000), 600_000);
  assert.equal(trimPoint(keyframes, { from: 600_000, to: 1_000_000 }, 950_000), null, 'already cut there');
  assert.equal(trimPoint([], c, 950_000), null);
});

test('the held span stays bounded over a 2-hour playthrough with 5-minute checkouts', () => {
  // Simulates the bookkeeping: play from 0 to 2 h at 16×, loading ahead and trimming as the player does.
  const keyframes = Array.from({ length: 25 }, (_, i) => i * 300_000);
  let c = { from: 0, to: SEEK_RANGE_MS };
  let widest = 0;
  for (let t = 0; t <= 7_200_000; t += 1_000) {
    const ahead = loadAheadRequest(c, t, 16);
    if (ahead) c = { from: c.from, to: ahead.to };
    const point = trimPoint(keyframes.filter((k) => k <= c.to), c, t);
    if (point !== null) c = { from: point, to: c.to };
    widest = Math.max(widest, c.to - c.from);
    assert.ok(covers(c, t), `the playhead ${t} stays loaded`);
  }
  assert.ok(widest <= 300_000 + KEEP_BEHIND_MS + 3 * lookaheadMs(16), `held at most ${widest} ms`);
});
