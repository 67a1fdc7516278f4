import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRetryAfterMs, retryDelayMs } from '../src/backoff';
import { RETRY_AFTER_MAX_MS, RETRY_MAX_DELAY_MS } from '../src/config';

test('backoff doubles from 1 s and is capped at 30 s', () => {
  const noJitter = () => 0;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 50, 10_000].map((failures) => retryDelayMs(failures, null, noJitter)),
    [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000],
  );
});

test('jitter only shortens a delay, by at most a quarter', () => {
  for (let failures = 1; failures < 10; failures++) {
    const nominal = retryDelayMs(failures, null, () => 0);
    for (const r of [0, 0.1, 0.5, 0.999999]) {
      const delay = retryDelayMs(failures, null, () => r);
      assert.ok(delay <= nominal && delay >= nominal * 0.75, `${delay} for ${failures} failures`);
      assert.ok(delay <= RETRY_MAX_DELAY_MS);
    }
  }
});

test('Retry-After is honoured, with at most a second of jitter, up to its cap', () => {
  for (const r of [0, 0.5, 0.999]) {
    const delay = retryDelayMs(1, 120_000, () => r);
    assert.ok(delay >= 120_000 && delay < 121_000, String(delay));
  }
  assert.ok(retryDelayMs(1, 24 * 3_600_000, () => 0) === RETRY_AFTER_MAX_MS);
  assert.equal(retryDelayMs(9, 0, () => 0), 0);
});

test('Retry-After parses seconds and HTTP dates', () => {
  const now = Date.parse('2026-11-25T09:00:00Z');
  assert.equal(parseRetryAfterMs('7', now), 7_000);
  assert.equal(parseRetryAfterMs(' 0 ', now), 0);
  assert.equal(parseRetryAfterMs('Wed, 25 Nov 2026 09:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfterMs('Wed, 25 Nov 2026 08:00:00 GMT', now), 0);
  assert.equal(parseRetryAfterMs(null, now), null);
  assert.equal(parseRetryAfterMs('soon', now), null);
  assert.equal(parseRetryAfterMs('-5', now), null);
});
