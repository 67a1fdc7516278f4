import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SESSION_ID_PATTERN, defaultFillRandom, newSessionId, newWindowId } from '../src/ids';

test('session ids are UUIDv7 with the time in the first 48 bits', () => {
  const now = Date.parse('2026-11-25T09:00:00Z');
  const id = newSessionId(now, defaultFillRandom);
  assert.match(id, SESSION_ID_PATTERN);
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), now);
});

test('version and variant bits are set whatever the random bytes', () => {
  assert.match(newSessionId(0, (bytes) => bytes.fill(0xff)), SESSION_ID_PATTERN);
  assert.match(newSessionId(0, (bytes) => bytes.fill(0)), SESSION_ID_PATTERN);
  assert.equal(newSessionId(1, (bytes) => bytes.fill(0)), '00000000-0001-7000-8000-000000000000');
});

test('session ids sort by creation time and do not repeat', () => {
  const ids = Array.from({ length: 200 }, (_, i) => newSessionId(1_700_000_000_000 + i, defaultFillRandom));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

test('window ids are w- and 16 hex digits, valid for the ingest API', () => {
  const id = newWindowId(defaultFillRandom);
  assert.match(id, /^w-[0-9a-f]{16}$/);
  assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
  assert.notEqual(newWindowId(defaultFillRandom), id);
});
