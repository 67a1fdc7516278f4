// The pure parts of the ingest load test (bench/ingest-load.mjs): the open-loop schedule, the rate
// steps, the per-step figures and the pass/fail decision, /proc parsing, the lost-batch check, and
// the hand-built gzip bodies (which must decode — CRC and size checked by zlib — to exactly the
// JSON the SDK would send).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { bodyFor, MIN_COMPRESS_BYTES, prepareTemplate } from '../lib/batch-bodies.mjs';
import { generateBatches } from '../lib/generate-session.mjs';
import { cpuTicks, lostBatches, peakAchieved, rateSteps, rssBytes, scheduleStep, shouldContinue, startingBatch, stepPasses, summariseStep, sustainedRate } from '../lib/open-loop.mjs';

test('rate steps start at start and multiply up to max inclusive', () => {
  assert.deepEqual(rateSteps({ start: 100, factor: 2, max: 800 }), [100, 200, 400, 800]);
  assert.deepEqual(rateSteps({ start: 25, factor: 4, max: 1000 }), [25, 100, 400]);
  assert.throws(() => rateSteps({ start: 100, factor: 1, max: 800 }));
  assert.throws(() => rateSteps({ start: 0, factor: 2, max: 800 }));
});

test('a step schedules rate × duration sends, evenly spaced, round-robin over the recorders', () => {
  const s = scheduleStep({ rate: 400, durationMs: 2_000, recorders: 100 });
  assert.equal(s.atMs.length, 800);
  assert.equal(s.atMs[0], 0);
  assert.equal(s.atMs[1], 2.5);
  assert.equal(s.atMs[799], 799 * 2.5);
  assert.equal(s.periodMs, 250);
  // Each recorder's own sends are exactly one period apart: a fixed per-recorder cadence.
  const byRecorder = new Map();
  for (let i = 0; i < s.atMs.length; i++) byRecorder.set(s.recorder[i], [...(byRecorder.get(s.recorder[i]) ?? []), s.atMs[i]]);
  assert.equal(byRecorder.size, 100);
  for (const times of byRecorder.values()) {
    assert.equal(times.length, 8);
    for (let k = 1; k < times.length; k++) assert.equal(times[k] - times[k - 1], 250);
  }
});

test('the next step continues the round-robin where the previous one stopped', () => {
  const s = scheduleStep({ rate: 10, durationMs: 1_000, recorders: 7, firstRecorder: 5 });
  assert.deepEqual([...s.recorder], [5, 6, 0, 1, 2, 3, 4, 5, 6, 0]);
});

test('recorders start spread evenly over their template session', () => {
  const length = 61;
  const counts = new Array(length).fill(0);
  for (let r = 0; r < 10_000; r++) {
    const at = startingBatch(r, length);
    assert.ok(at >= 0 && at < length && Number.isInteger(at));
    counts[at]++;
  }
  // 10,000 / 61 ≈ 164 per batch; golden-ratio steps keep every bucket close to that.
  assert.ok(Math.min(...counts) >= 150, `min ${Math.min(...counts)}`);
  assert.ok(Math.max(...counts) <= 180, `max ${Math.max(...counts)}`);
});

test('a step summary counts errors by status and unfinished requests as the slowest', () => {
  const latenciesMs = Float64Array.from({ length: 200 }, (_, i) => i + 1);
  const statuses = new Array(200).fill(200);
  statuses[10] = 503;
  statuses[11] = 'ECONNRESET';
  latenciesMs[199] = Infinity;
  latenciesMs[198] = Infinity;
  latenciesMs[197] = Infinity;
  statuses[197] = statuses[198] = statuses[199] = 'timeout';
  const s = summariseStep({ rate: 100, durationMs: 2_000, latenciesMs, statuses, wallMs: 2_500 });
  assert.equal(s.sent, 200);
  assert.equal(s.offeredPerS, 100);
  assert.equal(s.ok, 195);
  assert.equal(s.achievedPerS, 78);
  assert.deepEqual(s.errors, { 503: 1, ECONNRESET: 1, timeout: 3 });
  assert.equal(s.errorCount, 5);
  assert.equal(s.p50Ms, 100);
  // 3 of 200 unfinished is more than 1 %: the p99 is unbounded, not the slowest finished request.
  assert.equal(s.p99Ms, Infinity);
  assert.equal(s.maxMs, Infinity);
});

test('a step passes with p99 under the budget and no errors; the sustained rate is the best passing step', () => {
  const step = (rate, p99Ms, errorCount = 0) => ({ sent: rate, offeredPerS: rate, p99Ms, errorCount });
  assert.equal(stepPasses(step(100, 49.9)), true);
  assert.equal(stepPasses(step(100, 50)), false);
  assert.equal(stepPasses(step(100, 10, 1)), false);
  assert.equal(stepPasses({ ...step(100, 10), sent: 0 }), false);
  assert.equal(sustainedRate([step(100, 5), step(200, 20), step(400, 80)]), 200);
  assert.equal(sustainedRate([step(100, 5), step(200, 20, 2)]), 100);
  assert.equal(sustainedRate([step(100, 60)]), 0);
  // A step that passes above a failed one (noise) does not raise the sustained rate.
  assert.equal(sustainedRate([step(100, 5), step(200, 70), step(400, 20)]), 100);
});

test('past the latency budget the steps go on while the target keeps up, and stop on errors or saturation', () => {
  const step = (over) => ({ sent: 1000, offeredPerS: 100, achievedPerS: 99, p99Ms: 10, errorCount: 0, ...over });
  assert.equal(shouldContinue(step()), true);
  assert.equal(shouldContinue(step({ p99Ms: 300 })), true);
  assert.equal(shouldContinue(step({ p99Ms: 300, errorCount: 1 })), false);
  assert.equal(shouldContinue(step({ p99Ms: 300, achievedPerS: 85 })), false);
  assert.equal(shouldContinue(step({ p99Ms: 1_000 })), false);
  assert.equal(peakAchieved([step({ achievedPerS: 99 }), step({ achievedPerS: 180 }), step({ achievedPerS: 250, errorCount: 3 })]), 180);
  assert.equal(peakAchieved([]), 0);
});

test('CPU ticks are utime + stime of /proc/PID/stat, even with spaces and parentheses in the name', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // field n holds n, from field 3 on
  const stat = `4242 (tokio (rt) worker) ${fields.join(' ')}`;
  assert.equal(cpuTicks(stat), 14 + 15);
  assert.equal(rssBytes('Name:\ttapedeck\nVmHWM:\t  9000 kB\nVmRSS:\t  1234 kB\n'), 1234 * 1024);
});

test('lost batches are the acknowledged ones the server does not have', () => {
  const r = lostBatches(['a/0', 'a/1', 'b/4'], ['a/0', 'b/4', 'c/9']);
  assert.deepEqual(r, { acked: 3, stored: 3, lost: ['a/1'] });
  assert.deepEqual(lostBatches([], []).lost, []);
});

test('a body decodes to the template batch with the recorder\'s ids, gzipped from 1 KiB as the SDK sends it', () => {
  const batches = [...generateBatches({ minutes: 3, profile: 'steady', seed: 3 })];
  let gzipped = 0;
  for (const batch of batches) {
    const { body, gzip } = bodyFor(prepareTemplate(batch), 'load-42-1', 'w-load', batch.seq + 7);
    const expected = JSON.stringify({ ...batch, session_id: 'load-42-1', window_id: 'w-load', seq: batch.seq + 7 });
    // gunzipSync checks the member's CRC-32 and size: a wrong trailer throws.
    const text = gzip ? gunzipSync(body).toString() : body.toString();
    assert.equal(text, expected);
    assert.equal(gzip, Buffer.byteLength(expected) >= MIN_COMPRESS_BYTES);
    if (gzip) gzipped++;
  }
  assert.ok(gzipped > 0);
  const small = { session_id: 's', window_id: 'w', seq: 0, events: [{ type: 3, data: { source: 1 }, timestamp: 1 }] };
  const plain = bodyFor(prepareTemplate(small), 'load-1-0', 'w-load', 3);
  assert.equal(plain.gzip, false);
  assert.deepEqual(JSON.parse(plain.body), { ...small, session_id: 'load-1-0', window_id: 'w-load', seq: 3 });
});
