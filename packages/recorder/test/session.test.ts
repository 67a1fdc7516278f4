import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SESSION_IDLE_TIMEOUT_MS, SESSION_MAX_DURATION_MS } from '../src/config';
import { SESSION_ID_PATTERN, defaultFillRandom } from '../src/ids';
import {
  MemoryStorage,
  SESSION_STORAGE_KEY,
  SessionStore,
  WINDOW_STORAGE_KEY,
  resilientStorage,
  type KeyValueStorage,
} from '../src/session';

const T0 = Date.parse('2026-11-25T09:00:00Z');
const MINUTE = 60_000;

/** A page load of one tab: the previous page's pagehide ran, a new store reads the storage. */
function reload(previous: SessionStore, storage: KeyValueStorage): SessionStore {
  previous.persist();
  previous.markWindowClosed();
  return new SessionStore(storage, defaultFillRandom);
}

test('a new session is started and persisted', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, defaultFillRandom);
  const { session, rotated } = store.resolve(T0);
  assert.match(session.id, SESSION_ID_PATTERN);
  assert.equal(rotated, false);
  assert.equal(JSON.parse(storage.getItem(SESSION_STORAGE_KEY) ?? '{}').id, session.id);
});

test('the session survives reloads within the idle timeout', () => {
  const storage = new MemoryStorage();
  let store = new SessionStore(storage, defaultFillRandom);
  const id = store.resolve(T0).session.id;
  store.recordActivity(T0 + 10 * MINUTE);
  store = reload(store, storage);
  assert.equal(store.resolve(T0 + 35 * MINUTE).session.id, id, 'idle is measured from the last activity');
  store.recordActivity(T0 + 35 * MINUTE);
  store = reload(store, storage);
  assert.equal(store.resolve(T0 + 64 * MINUTE).session.id, id);
});

test('the session rotates after 30 minutes idle', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, defaultFillRandom);
  const first = store.resolve(T0).session.id;
  store.recordActivity(T0 + MINUTE);
  assert.equal(store.needsNewSession(T0 + MINUTE + SESSION_IDLE_TIMEOUT_MS), false);
  assert.equal(store.needsNewSession(T0 + MINUTE + SESSION_IDLE_TIMEOUT_MS + 1), true);
  assert.equal(store.current(T0 + 2 * SESSION_IDLE_TIMEOUT_MS).id, first, 'current() never rotates');
  const next = store.resolve(T0 + MINUTE + SESSION_IDLE_TIMEOUT_MS + 1);
  assert.equal(next.rotated, true);
  assert.notEqual(next.session.id, first);
  assert.ok(next.session.id > first, 'ids are time-ordered');
});

test('an idle session found at load time is replaced, not continued', () => {
  const storage = new MemoryStorage();
  let store = new SessionStore(storage, defaultFillRandom);
  const first = store.resolve(T0).session.id;
  store = reload(store, storage);
  const { session, rotated } = store.resolve(T0 + 31 * MINUTE);
  assert.notEqual(session.id, first);
  assert.equal(rotated, false, 'this page never used the old session');
});

test('an active session is split after the maximum duration', () => {
  const store = new SessionStore(new MemoryStorage(), defaultFillRandom);
  const first = store.resolve(T0).session.id;
  for (let t = T0; t <= T0 + SESSION_MAX_DURATION_MS; t += 5 * MINUTE) store.recordActivity(t);
  assert.equal(store.resolve(T0 + SESSION_MAX_DURATION_MS).session.id, first);
  assert.notEqual(store.resolve(T0 + SESSION_MAX_DURATION_MS + 1).session.id, first);
});

test('seq counts from 0 per session, survives reloads, and restarts with a new session', () => {
  const storage = new MemoryStorage();
  let store = new SessionStore(storage, defaultFillRandom);
  const first = store.resolve(T0).session.id;
  assert.deepEqual(store.allocateSeq(T0), { sessionId: first, seq: 0 });
  assert.deepEqual(store.allocateSeq(T0), { sessionId: first, seq: 1 });
  store = reload(store, storage);
  store.resolve(T0 + MINUTE);
  assert.deepEqual(store.allocateSeq(T0 + MINUTE), { sessionId: first, seq: 2 });
  const second = store.resolve(T0 + 40 * MINUTE).session.id;
  assert.deepEqual(store.allocateSeq(T0 + 40 * MINUTE), { sessionId: second, seq: 0 });
});

test('a seq is persisted before it is used, and a page that ended without pagehide is not continued', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, defaultFillRandom);
  store.resolve(T0);
  assert.equal(store.allocateSeq(T0).seq, 0);
  assert.equal(JSON.parse(storage.getItem(WINDOW_STORAGE_KEY) ?? '{}').nextSeq, 1);
  // No persist() and no pagehide: the tab crashed, its open-flag is still set. The next page
  // cannot tell it from a duplicated tab, so it takes a new window: no (window, seq) repeats.
  const after = new SessionStore(storage, defaultFillRandom);
  assert.notEqual(after.windowId, store.windowId);
  assert.equal(after.resolve(T0).session.id, store.current(T0).id);
});

test('a duplicated tab gets its own window id and seq numbers', () => {
  const storage = new MemoryStorage();
  const original = new SessionStore(storage, defaultFillRandom);
  const session = original.resolve(T0).session.id;
  original.allocateSeq(T0);
  // Duplicating the tab copies sessionStorage, open-flag included, while the original lives.
  const copy = new MemoryStorage();
  for (const key of ['tapedeck.session', 'tapedeck.window', 'tapedeck.window.open']) {
    const value = storage.getItem(key);
    if (value !== null) copy.setItem(key, value);
  }
  const duplicate = new SessionStore(copy, defaultFillRandom);
  assert.notEqual(duplicate.windowId, original.windowId);
  assert.deepEqual(duplicate.allocateSeq(T0), { sessionId: session, seq: 0 });
});

test('a page restored from the back/forward cache continues after the seq of later pages', () => {
  const storage = new MemoryStorage();
  const pageA = new SessionStore(storage, defaultFillRandom);
  pageA.resolve(T0);
  assert.equal(pageA.allocateSeq(T0).seq, 0);
  const pageB = reload(pageA, storage);
  pageB.resolve(T0);
  assert.equal(pageB.allocateSeq(T0).seq, 1);
  assert.equal(pageB.allocateSeq(T0).seq, 2);
  pageB.markWindowClosed();
  pageA.markWindowOpen();
  pageA.reload();
  assert.equal(pageA.allocateSeq(T0).seq, 3);
});

test('corrupt stored state is ignored', () => {
  const storage = new MemoryStorage();
  storage.setItem(SESSION_STORAGE_KEY, '{"id": "<script>", "startedAt": 1, "lastActivityAt": 1}');
  storage.setItem(WINDOW_STORAGE_KEY, 'not json');
  const store = new SessionStore(storage, defaultFillRandom);
  assert.match(store.resolve(T0).session.id, SESSION_ID_PATTERN);
  assert.match(store.windowId, /^w-/);
});

test('storage that throws falls back to memory for the life of the page', () => {
  const throwing: KeyValueStorage = {
    getItem() {
      throw new Error('SecurityError');
    },
    setItem() {
      throw new Error('QuotaExceededError');
    },
    removeItem() {
      throw new Error('SecurityError');
    },
  };
  const storage = resilientStorage(() => throwing);
  const store = new SessionStore(storage, defaultFillRandom);
  const id = store.resolve(T0).session.id;
  assert.equal(store.allocateSeq(T0).seq, 0);
  assert.equal(store.allocateSeq(T0).seq, 1);
  assert.equal(new SessionStore(storage, defaultFillRandom).resolve(T0).session.id, id);
  assert.doesNotThrow(() => resilientStorage(() => {
    throw new Error('sessionStorage is not available');
  }).setItem('k', 'v'));
});

test('a session split at the maximum duration while active is continued, and names its predecessor', () => {
  const storage = new MemoryStorage();
  let store = new SessionStore(storage, defaultFillRandom);
  const first = store.resolve(T0).session;
  assert.equal(first.previousSessionId, null);
  // Active all along: an event every 10 minutes for over 2 hours.
  for (let t = T0; t <= T0 + SESSION_MAX_DURATION_MS; t += 10 * MINUTE) store.recordActivity(t);
  const split = store.resolve(T0 + SESSION_MAX_DURATION_MS + MINUTE);
  assert.equal(split.rotated, true);
  assert.notEqual(split.session.id, first.id);
  assert.equal(split.session.previousSessionId, first.id, 'the continuation links back');
  // The link survives a reload of the tab.
  store.recordActivity(T0 + SESSION_MAX_DURATION_MS + MINUTE);
  store = reload(store, storage);
  assert.equal(store.current(T0 + SESSION_MAX_DURATION_MS + 2 * MINUTE).previousSessionId, first.id);
});

test('a session ended by idleness is not continued', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, defaultFillRandom);
  store.resolve(T0);
  store.recordActivity(T0 + MINUTE);
  const next = store.resolve(T0 + MINUTE + SESSION_IDLE_TIMEOUT_MS + 1).session;
  assert.equal(next.previousSessionId, null);
  // Idle and over the maximum age at once: a new visit, not a continuation.
  store.recordActivity(T0 + 2 * MINUTE + SESSION_IDLE_TIMEOUT_MS);
  const later = store.resolve(T0 + SESSION_MAX_DURATION_MS * 3).session;
  assert.equal(later.previousSessionId, null);
});

test('a split found at load time is continued too', () => {
  const storage = new MemoryStorage();
  let store = new SessionStore(storage, defaultFillRandom);
  const first = store.resolve(T0).session.id;
  for (let t = T0; t < T0 + SESSION_MAX_DURATION_MS; t += 10 * MINUTE) store.recordActivity(t);
  store = reload(store, storage);
  const next = store.resolve(T0 + SESSION_MAX_DURATION_MS + MINUTE).session;
  assert.notEqual(next.id, first);
  assert.equal(next.previousSessionId, first);
});
