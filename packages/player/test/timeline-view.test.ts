import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  axisTicks,
  clampView,
  followPlayhead,
  FOLLOW_AT,
  fromFraction,
  fullView,
  isZoomed,
  layoutMarkers,
  MIN_VIEW_MS,
  panView,
  sortMarkers,
  toFraction,
  zoomView,
} from '../src/timeline-view.ts';
import type { MarkerKind, TimelineMarker } from '../src/types.ts';

const H = 3_600_000;
const m = (at: number, kind: MarkerKind = 'click', id = `m${at}`): TimelineMarker => ({ id, at, kind, label: kind });

test('fractions and times convert both ways', () => {
  const view = { start: 1_000, end: 3_000 };
  assert.equal(toFraction(view, 2_000), 0.5);
  assert.equal(fromFraction(view, 0.25), 1_500);
  assert.equal(fromFraction(view, 7), 3_000, 'clamped');
  assert.equal(fromFraction(view, Number.NaN), 1_000);
});

test('zooming keeps the anchor where it is on the bar', () => {
  const view = zoomView(fullView(H), 4, H / 2, H);
  assert.deepEqual(view, { start: H / 2 - H / 8, end: H / 2 + H / 8 });
  const off = zoomView(fullView(H), 2, H / 4, H);
  assert.equal(toFraction(off, H / 4), 0.25, 'anchor at a quarter stays at a quarter');
  assert.equal(isZoomed(off, H), true);
});

test('zoom stops at MIN_VIEW_MS and at the whole session, and stays inside it', () => {
  let view = fullView(H);
  for (let i = 0; i < 40; i++) view = zoomView(view, 2, H, H);
  assert.equal(view.end - view.start, MIN_VIEW_MS);
  assert.equal(view.end, H, 'clamped at the end');
  for (let i = 0; i < 40; i++) view = zoomView(view, 0.5, 0, H);
  assert.deepEqual(view, fullView(H));
  assert.equal(isZoomed(view, H), false);
  assert.deepEqual(zoomView(fullView(4_000), 2, 0, 4_000), fullView(4_000), 'a session shorter than MIN_VIEW_MS cannot zoom');
});

test('panning and clamping keep the span', () => {
  const view = { start: 1_000, end: 11_000 };
  assert.deepEqual(panView(view, -5_000, H), { start: 0, end: 10_000 });
  assert.deepEqual(panView(view, H, H), { start: H - 10_000, end: H });
  assert.deepEqual(clampView({ start: -50, end: 2 * H }, H), fullView(H));
});

test('a zoomed view pages to follow the playhead', () => {
  const view = { start: 0, end: 60_000 };
  assert.equal(followPlayhead(view, 30_000, H), view, 'inside: unchanged');
  assert.deepEqual(followPlayhead(view, 61_000, H), { start: 61_000 - 60_000 * FOLLOW_AT, end: 61_000 + 60_000 * (1 - FOLLOW_AT) });
});

test('markers closer than the gap group, showing the most important kind', () => {
  const markers = sortMarkers([m(1_000), m(1_500, 'error'), m(50_000, 'navigation'), m(99_000, 'note'), m(200_000)]);
  const groups = layoutMarkers(markers, { start: 0, end: 100_000 }, 1_000, 7);
  assert.equal(groups.length, 3, 'the marker at 200 s is outside the view');
  assert.equal(groups[0].markers.length, 2);
  assert.equal(groups[0].kind, 'error');
  assert.equal(groups[0].x, 0.0125);
  assert.equal(groups[1].kind, 'navigation');
  assert.equal(groups[2].kind, 'note');
  assert.deepEqual(layoutMarkers(markers, { start: 0, end: 100_000 }, 0, 7), []);
});

test('zooming in separates grouped markers', () => {
  const markers = Array.from({ length: 100 }, (_, i) => m(i * 1_000));
  assert.ok(layoutMarkers(markers, fullView(H), 800, 7).length < 5, 'a minute of clicks is one spot of an hour');
  assert.equal(layoutMarkers(markers, { start: 0, end: 100_000 }, 800, 7).length, 100, '8 px apart at 100 s across');
});

test('sortMarkers orders by time then id and drops non-numbers', () => {
  const sorted = sortMarkers([m(5, 'click', 'b'), m(5, 'click', 'a'), m(1), m(Number.NaN)]);
  assert.deepEqual(sorted.map((x) => x.id), ['m1', 'a', 'b']);
});

test('axis ticks are round and spaced', () => {
  assert.deepEqual(axisTicks({ start: 0, end: 60_000 }, 600, 80), [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  assert.deepEqual(axisTicks(fullView(H), 600, 80).slice(0, 3), [0, 600_000, 1_200_000]);
});
