// The session generator of the benchmarks (bench/lib/generate-session.mjs): the same options give
// the same bytes, every batch is a valid ingest body cut as the SDK cuts, keyframes are where the
// player and the server's block cut expect them, and every event refers to nodes that exist at
// its time (replayed here on a mirror of node ids, as rrweb's Replayer keeps one).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CHECKOUT_EVERY_MS, DEFAULT_START_MS, generateBatches, generateSession } from '../lib/generate-session.mjs';
import { BATCH_LIMITS } from '../lib/sdk-batcher.mjs';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const [DOM_LOADED, LOAD, FULL, INCREMENTAL, META, CUSTOM] = [0, 1, 2, 3, 4, 5];
const events = (batches) => batches.flatMap((b) => b.events);

test('the same options give the same bytes; another seed gives another session', () => {
  const a = JSON.stringify(generateSession({ minutes: 8, profile: 'heavy', seed: 4 }));
  const b = JSON.stringify(generateSession({ minutes: 8, profile: 'heavy', seed: 4 }));
  const c = JSON.stringify(generateSession({ minutes: 8, profile: 'heavy', seed: 5 }));
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('the command line writes the same batches as generateSession', () => {
  const out = spawnSync(process.execPath, [new URL('../lib/generate-session.mjs', import.meta.url).pathname, '--minutes', '3', '--profile', 'steady', '--seed', '9'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  const expected = generateSession({ minutes: 3, profile: 'steady', seed: '9' });
  assert.deepEqual(doc.params, expected.params);
  assert.equal(JSON.stringify(doc.batches), JSON.stringify(expected.batches));
});

for (const profile of ['steady', 'heavy']) {
  test(`${profile}: every batch is a valid ingest body, cut as the SDK cuts`, () => {
    const minutes = 30;
    const batches = [...generateBatches({ minutes, profile, seed: 2 })];
    assert.ok(batches.length > minutes * 2, `only ${batches.length} batches`);
    let last = -Infinity;
    batches.forEach((batch, i) => {
      assert.equal(batch.seq, i);
      assert.match(batch.session_id, ID);
      assert.match(batch.window_id, ID);
      assert.equal(batch.session_id, batches[0].session_id);
      assert.equal(typeof batch.meta.user.id, 'string');
      assert.ok(batch.events.length > 0 && batch.events.length <= BATCH_LIMITS.maxBatchEvents);
      const json = batch.events.reduce((sum, e) => sum + JSON.stringify(e).length, 0);
      assert.ok(batch.events.length === 1 || json <= BATCH_LIMITS.maxBatchBytes, `batch ${i} holds ${json} bytes`);
      const first = batch.events[0].timestamp;
      for (const e of batch.events) {
        assert.ok(Number.isSafeInteger(e.type) && Number.isSafeInteger(e.timestamp), JSON.stringify(e).slice(0, 200));
        assert.ok(e.timestamp >= last, `batch ${i}: time goes back`);
        assert.ok(e.timestamp - first < BATCH_LIMITS.flushIntervalMs, `batch ${i} spans more than the flush interval`);
        last = e.timestamp;
      }
    });
    const all = events(batches);
    assert.ok(all[0].timestamp >= DEFAULT_START_MS && last < DEFAULT_START_MS + minutes * 60_000);
  });

  test(`${profile}: keyframes open the session, every navigation and every ${CHECKOUT_EVERY_MS / 60_000} minutes of activity`, () => {
    const all = events([...generateBatches({ minutes: 40, profile, seed: 3 })]);
    assert.deepEqual(all.slice(0, 4).map((e) => e.type), [DOM_LOADED, LOAD, META, FULL]);
    let lastFull = null;
    all.forEach((e, i) => {
      if (e.type === FULL) {
        // A keyframe is Meta then FullSnapshot (crates/core/src/recording/cut.rs).
        assert.equal(all[i - 1].type, META);
        assert.equal(all[i - 1].timestamp, e.timestamp);
        lastFull = e.timestamp;
      } else if (e.type === INCREMENTAL) {
        // rrweb's checkout follows the first incremental event past the interval, at its time.
        const checkoutNext = all[i + 1]?.type === META && all[i + 2]?.type === FULL && all[i + 2].timestamp === e.timestamp;
        assert.ok(e.timestamp - lastFull <= CHECKOUT_EVERY_MS || checkoutNext, `event ${i}: no keyframe for ${e.timestamp - lastFull} ms`);
      }
    });
    const loads = all.filter((e) => e.type === LOAD).length;
    const fulls = all.filter((e) => e.type === FULL).length;
    assert.ok(loads >= 2, `${loads} page loads in 40 minutes`);
    assert.ok(fulls > loads, 'no checkout in 40 minutes');
  });

  test(`${profile}: every event refers to nodes that exist at its time`, () => {
    const all = events([...generateBatches({ minutes: 30, profile, seed: 6 })]);
    const mirror = new Mirror();
    let mutations = 0;
    for (const [i, e] of all.entries()) {
      const where = `event ${i} (${JSON.stringify(e).slice(0, 160)})`;
      if (e.type === FULL) mirror.load(e.data.node);
      if (e.type !== INCREMENTAL) continue;
      const d = e.data;
      if (d.source === 0) {
        mutations += 1;
        // rrweb applies removes, then adds, then texts and attributes.
        for (const r of d.removes) mirror.remove(r, where);
        for (const a of d.adds) mirror.add(a, where);
        for (const c of [...d.texts, ...d.attributes]) assert.ok(mirror.has(c.id), `${where}: changes node ${c.id}, which is gone`);
      } else if (d.source === 1) {
        for (const p of d.positions) assert.ok(mirror.has(p.id), `${where}: mouse over a missing node`);
      } else {
        assert.ok(mirror.has(d.id), `${where}: refers to missing node ${d.id}`);
      }
    }
    assert.ok(mutations > 20, `only ${mutations} mutations`);
  });
}

test('heavy records much more per minute than steady; custom events carry the SDK tags', () => {
  const size = (profile) => JSON.stringify(generateSession({ minutes: 20, profile, seed: 1 }).batches).length;
  assert.ok(size('heavy') > 2 * size('steady'));
  const tags = new Set(events(generateSession({ minutes: 20, profile: 'heavy', seed: 1 }).batches).filter((e) => e.type === CUSTOM).map((e) => e.data.tag));
  assert.deepEqual([...tags].sort(), ['tapedeck.console', 'tapedeck.network']);
});

test('pages keeps a session on those page kinds; unknown kinds are refused', () => {
  const metas = events(generateSession({ minutes: 40, profile: 'steady', pages: ['article'], seed: 1 }).batches).filter((e) => e.type === META);
  assert.ok(metas.length >= 2);
  for (const m of metas) assert.match(m.data.href, /^https:\/\/shop\.example\.com\/journal\//);
  assert.throws(() => generateSession({ minutes: 1, pages: ['checkout'] }), /pages must be/);
  assert.throws(() => generateSession({ minutes: 1, profile: 'busy' }), /unknown profile/);
});

/** Node ids of the replayed page, as rrweb's mirror holds them. */
class Mirror {
  constructor() {
    this.parent = new Map();
    this.children = new Map();
  }

  has(id) {
    return this.parent.has(id);
  }

  load(root) {
    this.parent.clear();
    this.children.clear();
    const walk = (node, parentId) => {
      this.#put(node.id, parentId);
      for (const child of node.childNodes ?? []) walk(child, node.id);
    };
    walk(root, null);
  }

  #put(id, parentId) {
    this.parent.set(id, parentId);
    this.children.set(id, new Set());
    if (parentId !== null) this.children.get(parentId).add(id);
  }

  add({ parentId, nextId, node }, where) {
    assert.ok(this.has(parentId), `${where}: adds to missing parent ${parentId}`);
    assert.ok(nextId === null || this.children.get(parentId).has(nextId), `${where}: nextId ${nextId} is not a child of ${parentId}`);
    assert.ok(!this.has(node.id), `${where}: adds node ${node.id} twice`);
    assert.deepEqual(node.childNodes ?? [], [], `${where}: adds carry one node each`);
    this.#put(node.id, parentId);
  }

  remove({ parentId, id }, where) {
    assert.equal(this.parent.get(id), parentId, `${where}: removes ${id}, not a child of ${parentId}`);
    this.children.get(parentId).delete(id);
    const forget = (n) => {
      for (const c of this.children.get(n)) forget(c);
      this.children.delete(n);
      this.parent.delete(n);
    };
    forget(id);
  }
}
