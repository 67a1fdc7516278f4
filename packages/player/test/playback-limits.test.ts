import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clampSeek, clampSpeed, MAX_SPEED, MIN_SPEED, SPEED_CHOICES } from '../src/playback-limits.ts';
import { isScriptFreeSandbox } from '../src/sandbox-policy.ts';

test('clampSeek keeps positions inside the session', () => {
  assert.equal(clampSeek(500, 1_000), 500);
  assert.equal(clampSeek(-5, 1_000), 0);
  assert.equal(clampSeek(1_001, 1_000), 1_000);
  assert.equal(clampSeek(Number.NaN, 1_000), 0);
  assert.equal(clampSeek(Number.POSITIVE_INFINITY, 1_000), 1_000);
  assert.equal(clampSeek(10, 0), 0);
  assert.equal(clampSeek(10, Number.NaN), 0);
});

test('clampSpeed keeps speed within 0.5–16', () => {
  assert.equal(clampSpeed(2), 2);
  assert.equal(clampSpeed(0), MIN_SPEED);
  assert.equal(clampSpeed(-3), MIN_SPEED);
  assert.equal(clampSpeed(100), MAX_SPEED);
  assert.equal(clampSpeed(Number.NaN), 1);
  for (const choice of SPEED_CHOICES) assert.equal(clampSpeed(choice), choice);
});

test('only sandboxes without allow-scripts count as safe', () => {
  assert.equal(isScriptFreeSandbox('allow-same-origin'), true);
  assert.equal(isScriptFreeSandbox(''), true);
  assert.equal(isScriptFreeSandbox(null), false);
  assert.equal(isScriptFreeSandbox('allow-same-origin allow-scripts'), false);
  assert.equal(isScriptFreeSandbox('  ALLOW-SCRIPTS '), false);
});
