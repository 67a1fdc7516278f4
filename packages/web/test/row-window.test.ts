import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsMove, shiftWindow, windowAround } from '../src/inspector/row-window.ts';

test('a short list is rendered whole', () => {
  assert.deepEqual(windowAround(5, 10, 600), { start: 0, end: 10 });
  assert.equal(needsMove(9, { start: 0, end: 10 }, 10), false);
  assert.equal(needsMove(-1, { start: 0, end: 10 }, 10), false);
});

test('the window puts the current row a third of the way down, inside the list', () => {
  assert.deepEqual(windowAround(1000, 20000, 600), { start: 800, end: 1400 });
  assert.deepEqual(windowAround(-1, 20000, 600), { start: 0, end: 600 });
  assert.deepEqual(windowAround(19990, 20000, 600), { start: 19400, end: 20000 });
});

test('the window moves when the current row nears an inner end only', () => {
  const win = { start: 800, end: 1400 };
  assert.equal(needsMove(1000, win, 20000, 40), false);
  assert.equal(needsMove(1359, win, 20000, 40), false);
  assert.equal(needsMove(1360, win, 20000, 40), true, 'near the end');
  assert.equal(needsMove(839, win, 20000, 40), true, 'near the start');
  assert.equal(needsMove(5, { start: 0, end: 600 }, 20000, 40), false, 'the list start is no edge');
  assert.equal(needsMove(-1, { start: 0, end: 600 }, 20000, 40), false);
  assert.equal(needsMove(19999, { start: 19400, end: 20000 }, 20000, 40), false, 'nor the list end');
  assert.equal(needsMove(-1, win, 20000, 40), true);
});

test('shiftWindow pages by half a window and stops at the ends', () => {
  assert.deepEqual(shiftWindow({ start: 800, end: 1400 }, -1, 20000, 600), { start: 500, end: 1100 });
  assert.deepEqual(shiftWindow({ start: 100, end: 700 }, -1, 20000, 600), { start: 0, end: 600 });
  assert.deepEqual(shiftWindow({ start: 19300, end: 19900 }, 1, 20000, 600), { start: 19400, end: 20000 });
  assert.deepEqual(shiftWindow({ start: 0, end: 10 }, 1, 10, 600), { start: 0, end: 10 });
});
