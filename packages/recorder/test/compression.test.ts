import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fallbackCompressor, gzipCompressor, mainThreadCompressor, type Compressor } from '../src/compression';
import { COMPRESSION_WORKER_SOURCE, workerCompressor, type WorkerHost, type WorkerLike } from '../src/compression-worker';

const bytesOf = (text: string) => new Uint8Array(new TextEncoder().encode(text));
const failing: Compressor = () => Promise.reject(new Error('broken'));

test('the fallback chain moves on from a candidate that fails, for good', async () => {
  const calls: string[] = [];
  const first: Compressor = (text) => {
    calls.push(`first ${text}`);
    return Promise.reject(new Error('blocked'));
  };
  const second: Compressor = async (text) => {
    calls.push(`second ${text}`);
    return bytesOf(text);
  };
  const compress = fallbackCompressor([() => first, () => second]);
  assert.deepEqual(await compress('a'), bytesOf('a'));
  assert.deepEqual(await compress('b'), bytesOf('b'));
  assert.deepEqual(calls, ['first a', 'second a', 'second b']);
});

test('candidates that are missing or throw when created are skipped', async () => {
  const compress = fallbackCompressor([
    () => null,
    () => {
      throw new Error('SecurityError');
    },
    () => async (text) => bytesOf(`ok ${text}`),
  ]);
  assert.deepEqual(await compress('x'), bytesOf('ok x'));
});

test('when every candidate fails the compressor rejects, and the caller sends plain JSON', async () => {
  const compress = fallbackCompressor([() => failing, () => failing]);
  await assert.rejects(compress('x'));
  await assert.rejects(compress('y'));
});

/** A worker host whose worker gzips with zlib on the next turn, as the real one would. */
function fakeHost(behaviour: 'works' | 'throws' | 'errs' | 'silent' | 'answers-error' = 'works') {
  const timers: Array<{ callback: () => void; delayMs: number; cleared: boolean }> = [];
  const log = { created: 0, terminated: 0, transferred: 0, source: '' };
  const host: WorkerHost = {
    createWorker(source) {
      if (behaviour === 'throws') throw new Error("Refused to create a worker from 'blob:' (CSP)");
      log.created += 1;
      log.source = source;
      const worker: WorkerLike = {
        onmessage: null,
        onerror: null,
        postMessage(message, transfer) {
          const { id, bytes } = message as { id: number; bytes: Uint8Array };
          log.transferred += transfer.filter((t) => t === bytes.buffer).length;
          setImmediate(() => {
            if (behaviour === 'silent') return;
            if (behaviour === 'errs') return worker.onerror?.({} as ErrorEvent);
            const data =
              behaviour === 'answers-error' ? { id, error: 'TypeError' } : { id, bytes: new Uint8Array(gzipSync(bytes)).buffer };
            worker.onmessage?.({ data } as MessageEvent);
          });
        },
        terminate() {
          log.terminated += 1;
        },
      };
      return worker;
    },
    setTimeout(callback, delayMs) {
      timers.push({ callback, delayMs, cleared: false });
      return timers.length - 1;
    },
    clearTimeout(handle) {
      timers[handle as number].cleared = true;
    },
  };
  return { host, timers, log };
}

test('the worker compressor transfers the text bytes and returns the gzip', async () => {
  const { host, timers, log } = fakeHost();
  const compress = workerCompressor(host, 10_000);
  const text = 'héllo wörld '.repeat(500);
  const [a, b] = await Promise.all([compress(text), compress('second')]);
  assert.equal(gunzipSync(a).toString('utf8'), text);
  assert.equal(gunzipSync(b).toString('utf8'), 'second');
  assert.equal(log.created, 1, 'one worker for all bodies');
  assert.equal(log.transferred, 2, 'the bytes are transferred, not copied');
  assert.ok(timers.every((t) => t.cleared), 'timeouts are cleared on answer');
  assert.match(log.source, /CompressionStream\('gzip'\)/);
});

test('a worker blocked by CSP rejects, and the chain falls back to the main thread', async () => {
  const blocked = workerCompressor(fakeHost('throws').host);
  await assert.rejects(blocked('x'));
  const main = mainThreadCompressor();
  assert.ok(main !== null, 'Node has CompressionStream');
  const compress = fallbackCompressor([() => workerCompressor(fakeHost('throws').host), () => main]);
  assert.equal(gunzipSync(await compress('body')).toString('utf8'), 'body');
});

test('a worker error event rejects what is pending and every later call', async () => {
  const { host, log } = fakeHost('errs');
  const compress = workerCompressor(host);
  await assert.rejects(compress('x'));
  await assert.rejects(compress('y'));
  assert.equal(log.created, 1);
  assert.equal(log.terminated, 1);
});

test('a worker that answers with an error, or not at all, is abandoned', async () => {
  const erring = workerCompressor(fakeHost('answers-error').host);
  await assert.rejects(erring('x'));
  await assert.rejects(erring('y'));

  const { host, timers, log } = fakeHost('silent');
  const compress = workerCompressor(host, 10_000);
  const pending = compress('x');
  assert.equal(timers[0].delayMs, 10_000);
  timers[0].callback();
  await assert.rejects(pending);
  assert.equal(log.terminated, 1);
});

test('the page compressor gzips (main thread where there is no Worker, as in Node)', async () => {
  const compress = gzipCompressor();
  assert.ok(compress !== null);
  assert.equal(gunzipSync(await compress('{"a":1}')).toString('utf8'), '{"a":1}');
});

test('the worker source is plain ES5 a CSP-free page can run', () => {
  assert.doesNotThrow(() => new Function(COMPRESSION_WORKER_SOURCE));
});

test('a batch whose compression fails goes as plain JSON', async () => {
  const { Transport } = await import('../src/transport');
  const bodies: Array<{ body: unknown; encoding: string | undefined }> = [];
  const transport = new Transport(
    { endpoint: 'https://td.test', projectKey: 'KEY' },
    {
      fetch: async (_url, init) => {
        bodies.push({ body: init.body, encoding: (init.headers as Record<string, string>)['Content-Encoding'] });
        return { status: 200, headers: { get: () => null }, json: async () => ({}) };
      },
      keepaliveSupported: true,
      sendBeacon: null,
      compress: fallbackCompressor([() => failing]),
      now: () => 0,
      random: () => 0,
      setTimeout: () => 0,
      clearTimeout: () => {},
      warn: () => {},
    },
  );
  const big = `{"seq":0,"pad":"${'x'.repeat(2_000)}"}`;
  transport.enqueue({ seq: 0, body: big });
  await transport.flush();
  assert.deepEqual(bodies, [{ body: big, encoding: undefined }]);
});
