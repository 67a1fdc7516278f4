import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clickRow, NO_SELECTION, selectedInOrder, toggleAll, type Selection } from '../src/list/selection.ts';

const order = ['a', 'b', 'c', 'd', 'e', 'f'];
const ids = (s: Selection) => selectedInOrder(s, order);

test('a click toggles one row and becomes the anchor', () => {
  let s = clickRow(NO_SELECTION, order, 1, false);
  assert.deepEqual(ids(s), ['b']);
  assert.equal(s.anchor, 'b');
  s = clickRow(s, order, 3, false);
  assert.deepEqual(ids(s), ['b', 'd']);
  s = clickRow(s, order, 1, false);
  assert.deepEqual(ids(s), ['d']);
  assert.equal(s.anchor, 'b', 'unselecting also moves the anchor');
});

test('shift-click selects the range from the anchor, in either direction', () => {
  let s = clickRow(NO_SELECTION, order, 1, false);
  s = clickRow(s, order, 4, true);
  assert.deepEqual(ids(s), ['b', 'c', 'd', 'e']);
  s = clickRow(clickRow(NO_SELECTION, order, 4, false), order, 2, true);
  assert.deepEqual(ids(s), ['c', 'd', 'e']);
});

test('shift-click on a selected row clears the range; without an anchor it is a plain click', () => {
  let s = clickRow(NO_SELECTION, order, 0, false);
  s = clickRow(s, order, 5, true);
  assert.deepEqual(ids(s), order);
  s = clickRow(s, order, 3, true);
  assert.deepEqual(ids(s), ['e', 'f'], 'a..d cleared, the anchor kept');
  assert.deepEqual(ids(clickRow(NO_SELECTION, order, 2, true)), ['c']);
  assert.equal(clickRow(NO_SELECTION, order, 9, false), NO_SELECTION, 'a row past the end changes nothing');
});

test('the anchor is found by id after more rows load above or below', () => {
  const s = clickRow(NO_SELECTION, order, 2, false);
  const longer = ['z', ...order, 'g'];
  assert.deepEqual(selectedInOrder(clickRow(s, longer, 7, true), longer), ['c', 'd', 'e', 'f', 'g']);
});

test('toggleAll selects every row, then none', () => {
  const all = toggleAll(NO_SELECTION, order);
  assert.deepEqual(ids(all), order);
  assert.deepEqual(ids(toggleAll(all, order)), []);
  assert.deepEqual(ids(toggleAll(clickRow(NO_SELECTION, order, 0, false), order)), order, 'some selected: all');
  assert.deepEqual(selectedInOrder({ ids: new Set(['x', 'b']), anchor: null }, order), ['b'], 'rows no longer listed drop out');
});
