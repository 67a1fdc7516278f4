import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKOFF_MS, mayRefresh, mergeFirstPage, nextDelay, REFRESH_MS, showPending } from '../src/list/refresh.ts';

const row = (id: string, events: number) => ({ id, events });

test('shown rows take the fresh values in place and keep their order', () => {
  const shown = [row('b', 1), row('a', 5), row('old', 9)];
  const page = [row('a', 7), row('b', 3)];
  const { rows, pending } = mergeFirstPage(shown, page);
  assert.deepEqual(rows, [row('b', 3), row('a', 7), row('old', 9)], 'order kept, values fresh, a row the page lacks stays');
  assert.deepEqual(pending, []);
});

test('sessions not shown are held back, not inserted', () => {
  const shown = [row('a', 1), row('b', 1)];
  const { rows, pending } = mergeFirstPage(shown, [row('n2', 1), row('n1', 1), row('a', 2), row('b', 1)]);
  assert.deepEqual(rows.map((r) => r.id), ['a', 'b']);
  assert.deepEqual(pending.map((r) => r.id), ['n2', 'n1']);
});

test('a later refresh refreshes the held-back ones and keeps those the page dropped', () => {
  const shown = [row('a', 1)];
  const first = mergeFirstPage(shown, [row('n1', 1), row('a', 1)]);
  const second = mergeFirstPage(first.rows, [row('n2', 1), row('a', 2)], first.pending);
  assert.deepEqual(second.pending, [row('n2', 1), row('n1', 1)]);
  const third = mergeFirstPage(second.rows, [row('n2', 4), row('n1', 5), row('a', 2)], second.pending);
  assert.deepEqual(third.pending, [row('n2', 4), row('n1', 5)], 'no id counted twice');
});

test('show puts the held-back sessions on top, no row twice', () => {
  assert.deepEqual(
    showPending([row('a', 1), row('n1', 0)], [row('n2', 1), row('n1', 2)]).map((r) => r.id),
    ['n2', 'n1', 'a'],
  );
});

test('the delay is 10 s, 60 s after a failure; a test override scales both', () => {
  assert.equal(nextDelay(false), REFRESH_MS);
  assert.equal(nextDelay(true), BACKOFF_MS);
  assert.equal(nextDelay(false, 500), 500);
  assert.equal(nextDelay(true, 500), 3000);
  assert.equal(nextDelay(false, Number.NaN), REFRESH_MS);
});

test('no refresh while busy, with rows selected or when the page is hidden', () => {
  assert.equal(mayRefresh({ busy: false, selected: 0, visible: true }), true);
  assert.equal(mayRefresh({ busy: true, selected: 0, visible: true }), false);
  assert.equal(mayRefresh({ busy: false, selected: 2, visible: true }), false);
  assert.equal(mayRefresh({ busy: false, selected: 0, visible: false }), false);
});
