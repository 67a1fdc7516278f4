import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher, encodeBatch, type BatchHeader } from '../src/batcher';
import { MemoryStorage, SessionStore } from '../src/session';

const limits = { flushIntervalMs: 3_000, maxBatchBytes: 100, maxBatchEvents: 4 };
const event = (n: number, pad = 0) => JSON.stringify({ type: 3, timestamp: n, data: 'x'.repeat(pad) });

test('a batch becomes due flushIntervalMs after its first event, not its last', () => {
  const batcher = new Batcher(limits);
  assert.equal(batcher.isDue(0), false);
  assert.equal(batcher.dueAt(), null);
  batcher.add(event(1), 1_000);
  batcher.add(event(2), 3_500);
  assert.equal(batcher.dueAt(), 4_000);
  assert.equal(batcher.isDue(3_999), false);
  assert.equal(batcher.isDue(4_000), true);
  assert.equal(batcher.seal()?.events.length, 2);
  assert.equal(batcher.isDue(10_000), false);
  assert.equal(batcher.seal(), null);
});

test('a batch is sealed once it holds maxBatchEvents events', () => {
  const batcher = new Batcher({ ...limits, maxBatchBytes: 10_000 });
  const sealed = [1, 2, 3, 4, 5].flatMap((n) => batcher.add(event(n), n));
  assert.equal(sealed.length, 1);
  assert.equal(sealed[0].events.length, 4);
  assert.equal(batcher.length, 1);
});

test('an event that would overflow the size limit goes to the next batch', () => {
  const batcher = new Batcher(limits);
  const first = event(1, 40); // 71 chars
  assert.deepEqual(batcher.add(first, 0), []);
  const sealed = batcher.add(event(2, 40), 1);
  assert.equal(sealed.length, 1);
  assert.deepEqual(sealed[0].events, [first]);
  assert.equal(sealed[0].bytes, first.length);
  assert.equal(batcher.length, 1);
});

test('an event larger than the size limit is sealed alone, after the waiting ones', () => {
  const batcher = new Batcher(limits);
  batcher.add(event(1), 0);
  const big = event(2, 500);
  const sealed = batcher.add(big, 1);
  assert.deepEqual(
    sealed.map((batch) => batch.events.length),
    [1, 1],
  );
  assert.deepEqual(sealed[1].events, [big]);
  assert.equal(batcher.length, 0);
});

test('sealInPieces splits the waiting events under a byte cap and empties the batcher', () => {
  const batcher = new Batcher({ ...limits, maxBatchBytes: 10_000, maxBatchEvents: 100 });
  for (let n = 0; n < 10; n++) batcher.add(event(n, 20), n);
  const pieces = batcher.sealInPieces(120);
  assert.ok(pieces.length > 1);
  for (const piece of pieces) assert.ok(piece.bytes <= 120, `piece of ${piece.bytes} bytes`);
  assert.equal(pieces.flatMap((piece) => piece.events).length, 10);
  assert.equal(batcher.length, 0);
});

test('encodeBatch produces the ingest JSON with events in order', () => {
  const header: BatchHeader = {
    session_id: 's',
    window_id: 'w-1',
    seq: 3,
    meta: {
      user: { id: 'u-42' },
      url: 'https://shop.test/',
      referrer: '',
      user_agent: 'UA',
      viewport: { width: 1280, height: 800 },
      sdk: 'tapedeck-js/0.1.0',
      tags: { plan: 'pro' },
    },
  };
  const decoded = JSON.parse(encodeBatch(header, [event(1), event(2)]));
  assert.deepEqual(decoded, {
    ...header,
    events: [
      { type: 3, timestamp: 1, data: '' },
      { type: 3, timestamp: 2, data: '' },
    ],
  });
});

test('sealed batches get consecutive seq numbers that continue after a reload', () => {
  const storage = new MemoryStorage();
  const random = (bytes: Uint8Array) => bytes.fill(7);
  const encodeAll = (store: SessionStore, batcher: Batcher, from: number) => {
    const seqs: number[] = [];
    for (let n = from; n < from + 9; n++) {
      for (const sealed of batcher.add(event(n), n)) {
        const { sessionId, seq } = store.allocateSeq(n);
        const body = JSON.parse(encodeBatch(
          { session_id: sessionId, window_id: store.windowId, seq, meta: header().meta },
          sealed.events,
        ));
        seqs.push(body.seq);
      }
    }
    return seqs;
  };
  const first = new SessionStore(storage, random);
  first.resolve(0);
  const countLimits = { ...limits, maxBatchBytes: 10_000 };
  assert.deepEqual(encodeAll(first, new Batcher(countLimits), 0), [0, 1]);
  first.markWindowClosed(); // pagehide
  const reloaded = new SessionStore(storage, random);
  reloaded.resolve(100);
  assert.equal(reloaded.windowId, first.windowId);
  assert.deepEqual(encodeAll(reloaded, new Batcher(countLimits), 100), [2, 3]);
});

function header(): BatchHeader {
  return {
    session_id: 's',
    window_id: 'w',
    seq: 0,
    meta: {
      user: {},
      url: '',
      referrer: '',
      user_agent: '',
      viewport: { width: 0, height: 0 },
      sdk: 'tapedeck-js/0.1.0',
      tags: {},
    },
  };
}
