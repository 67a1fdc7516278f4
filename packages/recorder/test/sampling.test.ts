import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAMPLING_STORAGE_KEY, SamplingStore, clampSampleRate } from '../src/sampling';
import { MemoryStorage } from '../src/session';

const fixed = (value: number) => () => value;

test('the decision is made once per session and survives a reload', () => {
  const storage = new MemoryStorage();
  assert.equal(new SamplingStore(storage, fixed(0.7)).isSampled('s-1', 0.5), false);
  // A reload: a new store over the same sessionStorage, another random draw, another rate.
  assert.equal(new SamplingStore(storage, fixed(0.1)).isSampled('s-1', 0.5), false);
  assert.equal(new SamplingStore(storage, fixed(0.1)).isSampled('s-1', 1), false, 'a later rate does not redraw');
  assert.deepEqual(JSON.parse(storage.getItem(SAMPLING_STORAGE_KEY) ?? '{}'), { sessionId: 's-1', sampled: false });
});

test('a new session draws again; a continuation inherits', () => {
  const storage = new MemoryStorage();
  const store = new SamplingStore(storage, fixed(0.9));
  assert.equal(store.isSampled('s-1', 0.5), false);
  assert.equal(store.isSampled('s-2', 0.5, 's-1'), false, 'continues s-1');
  assert.equal(new SamplingStore(storage, fixed(0.1)).isSampled('s-3', 0.5), true, 'unrelated: drawn');
});

test('rates of 1 and 0 are certain; bad rates record', () => {
  const storage = new MemoryStorage();
  assert.equal(new SamplingStore(storage, fixed(0.999)).isSampled('a', 1), true);
  assert.equal(new SamplingStore(storage, fixed(0)).isSampled('b', 0), false);
  assert.equal(clampSampleRate(Number.NaN), 1);
  assert.equal(clampSampleRate(-1), 0);
  assert.equal(clampSampleRate(7), 1);
});

test('a corrupt stored decision is replaced by a new draw', () => {
  const storage = new MemoryStorage();
  storage.setItem(SAMPLING_STORAGE_KEY, '{not json');
  assert.equal(new SamplingStore(storage, fixed(0.2)).isSampled('s', 0.5), true);
});
