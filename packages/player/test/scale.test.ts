import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scaleToFit } from '../src/scale.ts';

test('shrinks a wide viewport to the box width and centres it vertically', () => {
  const fit = scaleToFit({ width: 640, height: 480 }, { width: 1280, height: 720 });
  assert.equal(fit.scale, 0.5);
  assert.equal(fit.offsetX, 0);
  assert.equal(fit.offsetY, (480 - 360) / 2);
});

test('shrinks a tall viewport to the box height and centres it horizontally', () => {
  const fit = scaleToFit({ width: 1000, height: 400 }, { width: 400, height: 800 });
  assert.equal(fit.scale, 0.5);
  assert.equal(fit.offsetX, (1000 - 200) / 2);
  assert.equal(fit.offsetY, 0);
});

test('grows a small viewport to fill the box', () => {
  const fit = scaleToFit({ width: 800, height: 1600 }, { width: 400, height: 800 });
  assert.deepEqual(fit, { scale: 2, offsetX: 0, offsetY: 0 });
});

test('degenerate sizes give the identity transform', () => {
  const identity = { scale: 1, offsetX: 0, offsetY: 0 };
  assert.deepEqual(scaleToFit({ width: 0, height: 0 }, { width: 1280, height: 800 }), identity);
  assert.deepEqual(scaleToFit({ width: 800, height: 600 }, { width: 0, height: 800 }), identity);
  assert.deepEqual(scaleToFit({ width: Number.NaN, height: 600 }, { width: 10, height: 10 }), identity);
});
