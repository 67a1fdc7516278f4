import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MARKER_HERE_MS, nextMarker, previousMarker, SHORTCUTS, shortcutAction, stepSpeed } from '../src/shortcuts.ts';
import type { TimelineMarker } from '../src/types.ts';

test('keys map to the contract shortcuts', () => {
  assert.equal(shortcutAction({ key: ' ' }), 'toggle-play');
  assert.equal(shortcutAction({ key: 'ArrowLeft' }), 'back');
  assert.equal(shortcutAction({ key: 'ArrowRight' }), 'forward');
  assert.equal(shortcutAction({ key: 'ArrowLeft', shiftKey: true }), 'previous-marker');
  assert.equal(shortcutAction({ key: 'ArrowRight', shiftKey: true }), 'next-marker');
  assert.equal(shortcutAction({ key: 'f' }), 'fullscreen');
  assert.equal(shortcutAction({ key: 'F', shiftKey: true }), 'fullscreen');
  assert.equal(shortcutAction({ key: '?', shiftKey: true }), 'help');
  assert.equal(shortcutAction({ key: 'Escape' }), 'close');
  assert.equal(shortcutAction({ key: '[' }), 'slower');
  assert.equal(shortcutAction({ key: ']' }), 'faster');
});

test('keys with Ctrl, Alt or Meta and other keys are left alone', () => {
  assert.equal(shortcutAction({ key: 'f', ctrlKey: true }), null);
  assert.equal(shortcutAction({ key: 'ArrowLeft', altKey: true }), null);
  assert.equal(shortcutAction({ key: ' ', metaKey: true }), null);
  assert.equal(shortcutAction({ key: 'x' }), null);
  assert.equal(shortcutAction({ key: 'Enter' }), null);
});

test('every action has a line in the help overlay', () => {
  const listed = new Set(SHORTCUTS.map((s) => s.action));
  for (const action of ['toggle-play', 'back', 'forward', 'previous-marker', 'next-marker', 'fullscreen', 'help', 'close', 'slower', 'faster']) {
    assert.ok(listed.has(action as never), action);
  }
});

const markers: TimelineMarker[] = [1_000, 5_000, 9_000].map((at) => ({ id: String(at), at, kind: 'click', label: 'Click' }));

test('next and previous markers step past the one at the playhead', () => {
  assert.equal(nextMarker(markers, 0)?.at, 1_000);
  assert.equal(nextMarker(markers, 5_000)?.at, 9_000, 'strictly after');
  assert.equal(nextMarker(markers, 9_000), null);
  assert.equal(previousMarker(markers, 5_000)?.at, 1_000, 'standing on one goes to the one before');
  assert.equal(previousMarker(markers, 5_000 + MARKER_HERE_MS + 1)?.at, 5_000);
  assert.equal(previousMarker(markers, 1_000), null);
});

test('speed steps through the menu and stops at its ends', () => {
  assert.equal(stepSpeed(1, 1), 2);
  assert.equal(stepSpeed(16, 1), 16);
  assert.equal(stepSpeed(1, -1), 0.5);
  assert.equal(stepSpeed(0.5, -1), 0.5);
  assert.equal(stepSpeed(3, 1), 4, 'from a speed off the menu');
  assert.equal(stepSpeed(3, -1), 2);
});
