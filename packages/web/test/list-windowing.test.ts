import assert from 'node:assert/strict';
import { test } from 'node:test';
import { padding, shouldFetchMore, visibleRows } from '../src/list/windowing.ts';

test('renders the rows in view plus the overscan, clamped to the list', () => {
  assert.deepEqual(visibleRows({ scrollTop: 0, height: 700 }, 70, 1000, 5), { start: 0, end: 15 });
  assert.deepEqual(visibleRows({ scrollTop: 7000, height: 700 }, 70, 1000, 5), { start: 95, end: 115 });
  assert.deepEqual(visibleRows({ scrollTop: 69_000, height: 2000 }, 70, 1000, 5), { start: 980, end: 1000 });
  assert.deepEqual(visibleRows({ scrollTop: 7035, height: 700 }, 70, 1000, 0), { start: 100, end: 111 }, 'a row half in view counts');
});

test('a list lower down the page, or scrolled past, renders what is in view only', () => {
  assert.deepEqual(visibleRows({ scrollTop: -300, height: 700 }, 70, 1000, 0), { start: 0, end: 6 }, '300 px of header above the list');
  assert.deepEqual(visibleRows({ scrollTop: -900, height: 700 }, 70, 1000, 2), { start: 0, end: 2 }, 'list below the fold: the overscan only');
  assert.deepEqual(visibleRows({ scrollTop: 100_000, height: 700 }, 70, 1000, 3), { start: 997, end: 1000 });
});

test('empty lists and nonsense sizes render nothing', () => {
  assert.deepEqual(visibleRows({ scrollTop: 0, height: 700 }, 70, 0), { start: 0, end: 0 });
  assert.deepEqual(visibleRows({ scrollTop: 0, height: 700 }, 0, 10), { start: 0, end: 0 });
});

test('spacers stand in for the rows not rendered', () => {
  assert.deepEqual(padding({ start: 95, end: 115 }, 70, 1000), { before: 6650, after: 61_950 });
  assert.deepEqual(padding({ start: 0, end: 10 }, 70, 10), { before: 0, after: 0 });
});

test('the next page is fetched near the end, once, and only when there is one', () => {
  const near = { start: 60, end: 85 };
  assert.equal(shouldFetchMore(near, 100, { hasMore: true, loading: false }, 20), true);
  assert.equal(shouldFetchMore(near, 100, { hasMore: true, loading: true }, 20), false);
  assert.equal(shouldFetchMore(near, 100, { hasMore: false, loading: false }, 20), false);
  assert.equal(shouldFetchMore({ start: 0, end: 40 }, 100, { hasMore: true, loading: false }, 20), false);
});
