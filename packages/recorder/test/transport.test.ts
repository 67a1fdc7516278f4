import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { gzipCompressor } from '../src/compression';
import { Transport, type IngestResponse, type TransportEnvironment } from '../src/transport';

type Reply = number | Error | { status: number; retryAfter?: string; code?: string } | Promise<never>;

interface SentRequest {
  url: string;
  init: RequestInit;
}

/** A transport environment with scripted replies and manual timers. */
function fakeEnvironment(replies: Reply[] = [], overrides: Partial<TransportEnvironment> = {}) {
  const requests: SentRequest[] = [];
  const timers: Array<{ callback: () => void; delayMs: number; cancelled: boolean }> = [];
  const warnings: string[] = [];
  const env: TransportEnvironment = {
    fetch: async (url, init) => {
      requests.push({ url, init });
      const reply = replies.length > 0 ? replies.shift()! : 200;
      if (reply instanceof Error) throw reply;
      if (reply instanceof Promise) return reply;
      const { status, retryAfter, code } = typeof reply === 'number' ? { status: reply } : reply;
      const response: IngestResponse = {
        status,
        headers: { get: (name) => (name.toLowerCase() === 'retry-after' ? (retryAfter ?? null) : null) },
        json: async () => (code === undefined ? { status: 'stored' } : { error: { code, message: 'no' } }),
      };
      return response;
    },
    keepaliveSupported: true,
    sendBeacon: null,
    compress: null,
    now: () => 0,
    random: () => 0,
    setTimeout: (callback, delayMs) => {
      timers.push({ callback, delayMs, cancelled: false });
      return timers.length - 1;
    },
    clearTimeout: (handle) => {
      timers[handle as number].cancelled = true;
    },
    warn: (message) => warnings.push(message),
    ...overrides,
  };
  /** Runs the pending timers once and waits for the sends they start. */
  const fireTimers = async () => {
    for (const timer of timers.splice(0)) if (!timer.cancelled) timer.callback();
    await settle();
  };
  return { env, requests, timers, warnings, fireTimers };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const config = { endpoint: 'https://td.test', projectKey: 'KEY' };
const batch = (seq: number, body = `{"seq":${seq}}`) => ({ seq, body });
const sentSeqs = (requests: SentRequest[]) => requests.map((r) => JSON.parse(String(r.init.body)).seq);

test('batches are posted in order with the project header and no cookies', async () => {
  const { env, requests } = fakeEnvironment();
  const transport = new Transport(config, env);
  transport.enqueue(batch(0));
  transport.enqueue(batch(1));
  await transport.flush();
  assert.deepEqual(sentSeqs(requests), [0, 1]);
  const { url, init } = requests[0];
  assert.equal(url, 'https://td.test/api/v1/ingest');
  assert.equal(init.method, 'POST');
  assert.equal(init.credentials, 'omit');
  assert.deepEqual(init.headers, { 'Content-Type': 'application/json', 'X-Tapedeck-Project': 'KEY' });
  assert.equal(transport.pending, 0);
});

test('5xx, 429 and network errors are retried with backoff, the same batch each time', async () => {
  const { env, requests, timers, fireTimers } = fakeEnvironment([
    503,
    new TypeError('Failed to fetch'),
    { status: 429, retryAfter: '5' },
    200,
  ]);
  const transport = new Transport(config, env);
  transport.enqueue(batch(7));
  await settle();
  assert.deepEqual(timers.map((t) => t.delayMs), [1_000]);
  await fireTimers();
  assert.equal(timers[0].delayMs, 2_000);
  await fireTimers();
  assert.equal(timers[0].delayMs, 5_000, 'Retry-After wins');
  await fireTimers();
  assert.deepEqual(sentSeqs(requests), [7, 7, 7, 7]);
  assert.equal(transport.pending, 0);
  assert.equal(timers.length, 0);
});

test('other 4xx drop the batch, warn once, and report the status', async () => {
  const rejected: Array<[number, string | null]> = [];
  const { env, requests, warnings } = fakeEnvironment([{ status: 400, code: 'invalid_batch' }, 413, 200]);
  const transport = new Transport({ ...config, onRejected: (status, code) => rejected.push([status, code]) }, env);
  [0, 1, 2].forEach((seq) => transport.enqueue(batch(seq)));
  await transport.flush();
  assert.deepEqual(sentSeqs(requests), [0, 1, 2]);
  assert.deepEqual(rejected, [
    [400, 'invalid_batch'],
    [413, null],
  ]);
  assert.equal(transport.rejectedBatches, 2);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^\[tapedeck\] .*HTTP 400 \(invalid_batch\)/);
});

test('flush sends at once, skipping a pending backoff', async () => {
  const { env, requests, timers } = fakeEnvironment([503, 200]);
  const transport = new Transport(config, env);
  transport.enqueue(batch(0));
  await settle();
  assert.equal(timers.length, 1);
  await transport.flush();
  assert.equal(timers[0].cancelled, true);
  assert.deepEqual(sentSeqs(requests), [0, 0]);
  assert.equal(transport.pending, 0);
});

test('the queue is bounded: the oldest batches are dropped and counted', async () => {
  const hang = new Promise<never>(() => {});
  const { env, warnings } = fakeEnvironment([hang]);
  const transport = new Transport({ ...config, maxQueueBatches: 3, maxQueueBytes: 1_000 }, env);
  for (let seq = 0; seq < 6; seq++) transport.enqueue(batch(seq));
  assert.equal(transport.pending, 3);
  assert.equal(transport.droppedBatches, 3);
  transport.enqueue(batch(6, 'x'.repeat(995)));
  assert.equal(transport.pending, 1, 'the byte bound drops too, but keeps the newest batch');
  assert.equal(warnings.length, 1);
});

test('on unload, batches go as CORS-simple keepalive requests within the byte budget, once', async () => {
  const hang = new Promise<never>(() => {});
  const { env, requests } = fakeEnvironment([hang, hang, hang, hang]);
  const transport = new Transport({ ...config, unloadBudgetBytes: 250 }, env);
  transport.enqueue(batch(0, `{"seq":0,"p":"${'a'.repeat(100)}"}`), false);
  transport.enqueue(batch(1, `{"seq":1,"p":"${'b'.repeat(100)}"}`), false);
  transport.enqueue(batch(2, `{"seq":2,"p":"${'c'.repeat(100)}"}`), false);
  transport.sendForUnload();
  const keepalive = requests.filter((r) => r.init.keepalive === true);
  assert.deepEqual(sentSeqs(keepalive), [0, 1]);
  for (const { url, init } of keepalive) {
    assert.equal(url, 'https://td.test/api/v1/ingest?project=KEY');
    assert.equal(init.headers, undefined, 'no custom headers, so no preflight');
    assert.equal(init.credentials, 'omit');
  }
  transport.sendForUnload(); // visibilitychange, then pagehide
  const keepaliveAgain = requests.filter((r) => r.init.keepalive === true);
  assert.deepEqual(sentSeqs(keepaliveAgain), [0, 1], 'nothing twice, and the budget counts requests in flight');
  assert.ok(sentSeqs(requests).includes(2), 'the rest goes as an ordinary request');
});

test('without keepalive, unload uses sendBeacon and leaves delivery to the browser', () => {
  const beacons: Array<[string, BodyInit]> = [];
  const { env } = fakeEnvironment([], {
    keepaliveSupported: false,
    sendBeacon: (url, body) => {
      beacons.push([url, body]);
      return beacons.length < 2;
    },
    fetch: () => new Promise<never>(() => {}),
  });
  const transport = new Transport(config, env);
  [0, 1, 2].forEach((seq) => transport.enqueue(batch(seq), false));
  transport.sendForUnload();
  assert.equal(beacons.length, 2, 'stops at the first refused beacon');
  assert.equal(beacons[0][0], 'https://td.test/api/v1/ingest?project=KEY');
  assert.equal(transport.pending, 2);
});

test('bodies of 1 KiB and more are gzipped with CompressionStream', async () => {
  const compress = gzipCompressor();
  assert.ok(compress !== null, 'Node 20 has CompressionStream');
  const { env, requests } = fakeEnvironment([], { compress });
  const transport = new Transport(config, env);
  const big = JSON.stringify({ seq: 0, events: Array.from({ length: 200 }, (_, i) => ({ type: 3, timestamp: i })) });
  transport.enqueue(batch(0, big));
  transport.enqueue(batch(1));
  await transport.flush();
  const [gzipped, plain] = requests;
  assert.equal((gzipped.init.headers as Record<string, string>)['Content-Encoding'], 'gzip');
  const bytes = gzipped.init.body as Uint8Array;
  assert.ok(bytes.length < big.length);
  assert.equal(gunzipSync(bytes).toString('utf8'), big);
  assert.equal((plain.init.headers as Record<string, string>)['Content-Encoding'], undefined);
  assert.equal(plain.init.body, '{"seq":1}');
});
