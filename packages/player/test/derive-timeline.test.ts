import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveMarkers, rageClicks, urlLabel } from '../src/derive-timeline.ts';
import { click, custom, keyframe, mutation } from './fixtures.ts';

const O = 1_000;

test('markers come from clicks, navigations, errors and custom events', () => {
  const events = [
    ...keyframe(O, 'https://shop.test/'),
    click(O + 100),
    mutation(O + 200),
    custom(O + 300, 'checkout.started', { cart: 3 }),
    custom(O + 400, 'tapedeck.error', { kind: 'error', message: 'TypeError: x is undefined', stack: '' }),
    custom(O + 500, 'tapedeck.console', { level: 'log', args: ['fine'] }),
    custom(O + 600, 'tapedeck.console', { level: 'error', args: ['boom', '42'] }),
    custom(O + 700, 'tapedeck.network', { method: 'GET', url: 'https://shop.test/api/cart', status: 200, ok: true }),
    custom(O + 800, 'tapedeck.network', { method: 'POST', url: 'https://shop.test/api/pay?x=1', status: 500, ok: false }),
    custom(O + 900, 'tapedeck.network', { method: 'GET', url: 'https://other.test/', status: 0, ok: false }),
    ...keyframe(O + 1_000, 'https://shop.test/'),
    ...keyframe(O + 2_000, 'https://shop.test/checkout'),
  ];
  const got = deriveMarkers(events, O).map((m) => [m.at, m.kind, m.label]);
  assert.deepEqual(got, [
    [0, 'navigation', '/'],
    [100, 'click', 'Click'],
    [300, 'custom', 'checkout.started'],
    [400, 'error', 'TypeError: x is undefined'],
    [600, 'error', 'boom 42'],
    [800, 'error', 'POST /api/pay?x=1 → 500'],
    [900, 'error', 'GET / → failed'],
    [2_000, 'navigation', '/checkout'],
  ]);
});

test('three clicks within a second and 30 px make one rage click', () => {
  const clicks = [
    { at: 0, x: 100, y: 100 },
    { at: 300, x: 110, y: 95 },
    { at: 600, x: 100, y: 120 },
    { at: 900, x: 105, y: 100 },
    { at: 5_000, x: 100, y: 100 },
    { at: 5_200, x: 300, y: 100 },
    { at: 5_400, x: 100, y: 100 },
  ];
  const found = rageClicks(clicks);
  assert.deepEqual(found.map((m) => [m.at, m.label]), [[0, 'Rage click (4×)']]);
  assert.equal(deriveMarkers([...keyframe(O), click(O + 10), click(O + 20), click(O + 30)], O).filter((m) => m.kind === 'rage_click').length, 1);
});

test('urlLabel shows the path and query, or the text when it is no URL', () => {
  assert.equal(urlLabel('https://a.test/x/y?q=1#h'), '/x/y?q=1');
  assert.equal(urlLabel('not a url'), 'not a url');
});
