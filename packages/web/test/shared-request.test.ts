import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shareRecent } from '../src/shared-request.ts';

test('callers at the same time share one request; later ones within the hold too', async () => {
  let clock = 0;
  const calls: string[] = [];
  const get = shareRecent(async (key) => {
    calls.push(key);
    return `session ${key}`;
  }, 10_000, () => clock);
  const [a, b] = await Promise.all([get('s1'), get('s1')]);
  assert.equal(a, 'session s1');
  assert.equal(b, 'session s1');
  clock = 9_999;
  await get('s1');
  assert.deepEqual(calls, ['s1'], 'one request for the page and the player');
  await get('s2');
  clock = 20_000;
  await get('s1');
  assert.deepEqual(calls, ['s1', 's2', 's1'], 'after the hold, a new request');
});

test('a failure is not kept', async () => {
  let fail = true;
  let calls = 0;
  const get = shareRecent(async () => {
    calls++;
    if (fail) throw new Error('503');
    return 'ok';
  }, 10_000, () => 0);
  await assert.rejects(get('s1'));
  fail = false;
  assert.equal(await get('s1'), 'ok');
  assert.equal(calls, 2);
});
