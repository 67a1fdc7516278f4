import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBatchStore, resilientBatchStore, type BatchStore, type StoredBatch } from '../src/batch-store';
import { Transport, type IngestResponse, type TransportEnvironment } from '../src/transport';

type Reply = number | Error | Promise<never>;

/** A transport environment with scripted replies, a settable clock and manual timers. */
function fakeEnvironment(replies: Reply[] = []) {
  const sent: number[] = [];
  const timers: Array<{ callback: () => void; delayMs: number; cancelled: boolean }> = [];
  const clock = { now: 1_000_000, online: true };
  const env: TransportEnvironment = {
    fetch: async (_url, init) => {
      sent.push(JSON.parse(String(init.body)).seq);
      const reply = replies.length > 0 ? replies.shift()! : 200;
      if (reply instanceof Error) throw reply;
      if (reply instanceof Promise) return reply;
      const response: IngestResponse = {
        status: reply,
        headers: { get: () => null },
        json: async () => (reply === 200 ? { status: 'stored' } : { error: { code: 'x', message: 'no' } }),
      };
      return response;
    },
    keepaliveSupported: true,
    sendBeacon: null,
    compress: null,
    now: () => clock.now,
    random: () => 0,
    setTimeout: (callback, delayMs) => {
      timers.push({ callback, delayMs, cancelled: false });
      return timers.length - 1;
    },
    clearTimeout: (handle) => {
      timers[handle as number].cancelled = true;
    },
    warn: () => {},
    isOnline: () => clock.online,
  };
  const fireTimers = async () => {
    for (const timer of timers.splice(0)) if (!timer.cancelled) timer.callback();
    await settle();
  };
  return { env, sent, timers, clock, fireTimers };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};
const config = { endpoint: 'https://td.test', projectKey: 'KEY' };
const batch = (seq: number, body = `{"seq":${seq}}`) => ({ seq, body });
const storedSeqs = async (store: BatchStore) => (await store.list()).map((r) => r.seq);

/** A store that records the order of puts relative to sends. */
class SpyStore extends MemoryBatchStore {
  constructor(private readonly log: string[]) {
    super();
  }
  override async put(record: StoredBatch): Promise<void> {
    await super.put(record);
    this.log.push(`put ${record.seq}`);
  }
}

test('a batch is stored before it is sent and deleted once acknowledged', async () => {
  const log: string[] = [];
  const store = new SpyStore(log);
  const { env } = fakeEnvironment();
  const fetch = env.fetch;
  env.fetch = (url, init) => {
    log.push(`send ${JSON.parse(String(init.body)).seq}`);
    return fetch(url, init);
  };
  const transport = new Transport({ ...config, store, ownerId: 'w-a' }, env);
  transport.enqueue(batch(0));
  transport.enqueue(batch(1));
  await transport.flush();
  await settle();
  assert.deepEqual(log, ['put 0', 'put 1', 'send 0', 'send 1']);
  assert.equal(store.size, 0, 'acknowledged batches leave the store');
});

test('a duplicate answer counts as acknowledged', async () => {
  const store = new MemoryBatchStore();
  const { env } = fakeEnvironment();
  env.fetch = async () => ({ status: 200, headers: { get: () => null }, json: async () => ({ status: 'duplicate' }) });
  const transport = new Transport({ ...config, store }, env);
  transport.enqueue(batch(3));
  await transport.flush();
  await settle();
  assert.equal(store.size, 0);
});

test('5xx and network errors keep the batch stored; a 400 deletes it', async () => {
  const store = new MemoryBatchStore();
  const { env, sent, fireTimers } = fakeEnvironment([503, new TypeError('Failed to fetch'), 400, 200]);
  const transport = new Transport({ ...config, store }, env);
  transport.enqueue(batch(0));
  transport.enqueue(batch(1));
  await settle();
  assert.deepEqual(await storedSeqs(store), [0, 1], 'kept after a 503');
  await fireTimers();
  assert.deepEqual(await storedSeqs(store), [0, 1], 'kept after a network error');
  await fireTimers();
  await settle();
  assert.deepEqual(sent, [0, 0, 0, 1]);
  assert.deepEqual(await storedSeqs(store), [], 'seq 0 refused for good, seq 1 stored');
  assert.equal(transport.rejectedBatches, 1);
});

test('while offline nothing is sent; flush (the online event) sends at once', async () => {
  const store = new MemoryBatchStore();
  const { env, sent, timers, clock } = fakeEnvironment();
  clock.online = false;
  const transport = new Transport({ ...config, store }, env);
  [0, 1, 2].forEach((seq) => transport.enqueue(batch(seq)));
  await settle();
  assert.deepEqual(sent, []);
  assert.equal(timers.filter((t) => !t.cancelled).length, 1, 'a retry is scheduled');
  assert.deepEqual(await storedSeqs(store), [0, 1, 2]);
  clock.online = true;
  await transport.flush();
  await settle();
  assert.deepEqual(sent, [0, 1, 2]);
  assert.equal(store.size, 0);
});

test('the queue is bounded; drops are counted once for the next batch', async () => {
  const store = new MemoryBatchStore();
  const { env } = fakeEnvironment([new Promise<never>(() => {})]);
  const transport = new Transport({ ...config, store, maxQueueBatches: 3, maxQueueBytes: 10_000 }, env);
  for (let seq = 0; seq < 6; seq++) transport.enqueue(batch(seq));
  await settle();
  assert.equal(transport.pending, 3);
  assert.deepEqual(await storedSeqs(store), [3, 4, 5], 'the oldest are gone from the store too');
  assert.equal(transport.takeDroppedBatches(), 3);
  assert.equal(transport.takeDroppedBatches(), 0, 'each drop is reported once');
  assert.equal(transport.droppedBatches, 3);
});

test('a reload sends the batches its previous page left, first, then deletes them', async () => {
  const store = new MemoryBatchStore();
  const before = fakeEnvironment([new Promise<never>(() => {}), new Promise<never>(() => {})]);
  const first = new Transport({ ...config, store, ownerId: 'w-tab' }, before.env);
  first.enqueue(batch(0));
  first.enqueue(batch(1));
  await settle();
  // The page goes away with both batches unacknowledged; the same tab loads again at once.
  const after = fakeEnvironment();
  after.clock.now = before.clock.now + 1_000;
  const second = new Transport({ ...config, store, ownerId: 'w-tab' }, after.env);
  second.enqueue(batch(2));
  await second.recoverLeftovers();
  await second.flush();
  await settle();
  assert.deepEqual([...after.sent].sort(), [0, 1, 2]);
  assert.equal(store.size, 0);
});

test('leftovers are sent before newer batches', async () => {
  const store = new MemoryBatchStore();
  await store.put({ key: '0-old-0', seq: 7, body: '{"seq":7}', owner: 'w-gone', leaseUntil: 0 });
  const { env, sent } = fakeEnvironment();
  const transport = new Transport({ ...config, store, ownerId: 'w-new' }, env);
  await transport.recoverLeftovers();
  transport.enqueue(batch(0));
  await transport.flush();
  await settle();
  assert.deepEqual(sent, [7, 0]);
  assert.equal(store.size, 0);
});

test("another tab's leftover is not taken while its lease runs, and is taken after", async () => {
  const store = new MemoryBatchStore();
  const { env, sent, clock, timers, fireTimers } = fakeEnvironment();
  await store.put({ key: '0-other-0', seq: 4, body: '{"seq":4}', owner: 'w-other', leaseUntil: clock.now + 30_000 });
  const transport = new Transport({ ...config, store, ownerId: 'w-me', leaseMs: 60_000 }, env);
  await transport.recoverLeftovers();
  await settle();
  assert.deepEqual(sent, [], 'the other tab holds it');
  assert.equal(timers.at(-1)?.delayMs, 30_001, 'a rescan is due when the lease ends');
  clock.now += 30_001;
  await fireTimers();
  await settle();
  assert.deepEqual(sent, [4]);
  assert.equal(store.size, 0);
});

test('two tabs recovering the same leftovers send each one once', async () => {
  const store = new MemoryBatchStore();
  for (let seq = 0; seq < 4; seq++) {
    await store.put({ key: `0-gone-${seq}`, seq, body: `{"seq":${seq}}`, owner: 'w-gone', leaseUntil: 0 });
  }
  const a = fakeEnvironment([new Promise<never>(() => {})]);
  const b = fakeEnvironment([new Promise<never>(() => {})]);
  const tabA = new Transport({ ...config, store, ownerId: 'w-a' }, a.env);
  const tabB = new Transport({ ...config, store, ownerId: 'w-b' }, b.env);
  await Promise.all([tabA.recoverLeftovers(), tabB.recoverLeftovers()]);
  await settle();
  assert.equal(tabA.pending + tabB.pending, 4, 'each leftover is claimed by one tab');
});

test('recovered leftovers count against the bounds too', async () => {
  const store = new MemoryBatchStore();
  for (let seq = 0; seq < 5; seq++) {
    await store.put({ key: `0-gone-${seq}`, seq, body: `{"seq":${seq}}`, owner: 'w-gone', leaseUntil: 0 });
  }
  const { env } = fakeEnvironment([new Promise<never>(() => {})]);
  const transport = new Transport({ ...config, store, maxQueueBatches: 3 }, env);
  transport.enqueue(batch(9));
  await transport.recoverLeftovers();
  await settle();
  assert.equal(transport.pending, 3);
  assert.deepEqual(await storedSeqs(store), [3, 4, 9], 'the oldest leftovers are dropped');
  assert.equal(transport.takeDroppedBatches(), 3);
});

test('discard (consent withdrawn) empties the store of this page', async () => {
  const store = new MemoryBatchStore();
  const { env } = fakeEnvironment([new Promise<never>(() => {})]);
  const transport = new Transport({ ...config, store }, env);
  [0, 1].forEach((seq) => transport.enqueue(batch(seq)));
  await settle();
  transport.discard();
  await settle();
  assert.equal(store.size, 0);
});

test('an unload send leaves the batch stored until its answer comes', async () => {
  const store = new MemoryBatchStore();
  let answer: (response: IngestResponse) => void = () => {};
  const { env } = fakeEnvironment();
  env.fetch = () => new Promise((resolve) => (answer = resolve));
  const transport = new Transport({ ...config, store }, env);
  transport.enqueue(batch(0), false);
  transport.sendForUnload();
  await settle();
  assert.deepEqual(await storedSeqs(store), [0], 'a dropped keepalive request is resent by the next page');
  answer({ status: 200, headers: { get: () => null }, json: async () => ({}) });
  await settle();
  assert.equal(store.size, 0);
});

test('a failing store falls back to memory silently, and sending goes on', async () => {
  const broken: BatchStore = {
    put: () => Promise.reject(new Error('QuotaExceededError')),
    list: () => Promise.reject(new Error('no')),
    delete: () => Promise.reject(new Error('no')),
    claim: () => Promise.reject(new Error('no')),
  };
  const timers = { setTimeout: () => 0, clearTimeout: () => {} };
  const store = resilientBatchStore(() => broken, timers, 1_000);
  const { env, sent } = fakeEnvironment();
  const transport = new Transport({ ...config, store, leaseMs: 0 }, env);
  transport.enqueue(batch(0));
  await transport.recoverLeftovers();
  transport.enqueue(batch(1));
  await transport.flush();
  await settle();
  assert.deepEqual(sent, [0, 1]);
});

test('a hanging store times out into memory only', async () => {
  const hanging: BatchStore = {
    put: () => new Promise<never>(() => {}),
    list: () => new Promise<never>(() => {}),
    delete: () => new Promise<never>(() => {}),
    claim: () => new Promise<never>(() => {}),
  };
  const callbacks: Array<() => void> = [];
  const store = resilientBatchStore(() => hanging, { setTimeout: (cb) => callbacks.push(cb), clearTimeout: () => {} }, 5_000);
  const put = store.put({ key: 'k', seq: 0, body: '{}', owner: 'o', leaseUntil: 0 });
  callbacks.forEach((cb) => cb());
  await put;
  assert.deepEqual(await store.list(), [], 'later operations no longer touch the broken store');
  assert.equal(await store.claim('k', 'o', 0, 1), 'claimed');
});

test('a store that cannot open (private mode) is no store at all', async () => {
  const store = resilientBatchStore(
    () => {
      throw new Error('SecurityError');
    },
    { setTimeout: () => 0, clearTimeout: () => {} },
    5_000,
  );
  await store.put({ key: 'k', seq: 0, body: '{}', owner: 'o', leaseUntil: 0 });
  assert.deepEqual(await store.list(), []);
});
