import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  filterByKind,
  inWindow,
  isFailedRequest,
  kindCounts,
  markersFor,
  readTimeline,
  urlHistory,
  withNotes,
  type Note,
} from '../src/inspector/timeline.ts';

const raw: unknown = JSON.parse(readFileSync(new URL('./fixtures/timeline.json', import.meta.url), 'utf8'));
const timeline = readTimeline(raw);

const note = (id: string, at: number, text: string): Note => ({
  id,
  session_id: 's-1',
  at,
  text,
  author: { id: 'u-1', email: 'ada@example.com' },
  created_at: '2026-12-02T10:00:00Z',
});

test('readTimeline sorts entries by time then id and drops malformed ones', () => {
  assert.equal(timeline.session_id, 's-1');
  assert.equal(timeline.duration_ms, 60000);
  assert.equal(timeline.entries.length, 13, 'the entry without `at` and the string are dropped');
  assert.deepEqual(
    timeline.entries.map((e) => e.id),
    ['e-1', 'e-2', 'e-3', 'e-4', 'e-5', 'e-6', 'e-7', 'e-8', 'e-9', 'e-10', 'e-11', 'e-12', 'n-1'],
  );
  assert.deepEqual(timeline.inactive, [{ from: 20000, to: 60000 }], 'a span ending before it starts is dropped');
  assert.equal(timeline.truncated, false);
});

test('readTimeline survives answers that are not timelines', () => {
  for (const body of [null, 'x', [], { entries: 'no' }, { entries: [{ at: 'soon', kind: 'click' }] }]) {
    const read = readTimeline(body);
    assert.deepEqual(read.entries, []);
    assert.deepEqual(read.inactive, []);
    assert.equal(read.duration_ms, 0);
  }
  const entry = readTimeline({ entries: [{ at: -5, kind: 'click', data: [1] }] }).entries[0];
  assert.deepEqual(entry, { id: 'entry-0', window_id: null, at: 0, kind: 'click', label: '', data: {} });
});

test('withNotes replaces the timeline notes by the live list, in time order', () => {
  const merged = withNotes(timeline.entries, [note('n-2', 1250, 'new note')]);
  assert.ok(!merged.some((e) => e.id === 'n-1'), 'the stale timeline note is gone');
  const added = merged.find((e) => e.id === 'note:n-2');
  assert.deepEqual(added, {
    id: 'note:n-2',
    window_id: null,
    at: 1250,
    kind: 'note',
    label: 'new note',
    data: { note_id: 'n-2', author: 'ada@example.com', text: 'new note' },
  });
  assert.deepEqual(merged.slice(1, 4).map((e) => e.id), ['e-2', 'note:n-2', 'e-3']);
  assert.ok(withNotes(timeline.entries, null).some((e) => e.id === 'n-1'), 'without a live list the timeline notes stay');
});

test('inWindow keeps one tab and the entries of no tab', () => {
  const entries = [
    { id: 'a', window_id: 'w-1', at: 1, kind: 'click', label: '', data: {} },
    { id: 'b', window_id: 'w-2', at: 2, kind: 'click', label: '', data: {} },
    { id: 'c', window_id: null, at: 3, kind: 'note', label: '', data: {} },
  ];
  assert.deepEqual(inWindow(entries, 'w-2').map((e) => e.id), ['b', 'c']);
  assert.equal(inWindow(entries, null), entries);
});

test('failed requests: error status, no answer, or ok false', () => {
  assert.equal(isFailedRequest({ status: 200, ok: true }), false);
  assert.equal(isFailedRequest({ status: 304, ok: false }), true);
  assert.equal(isFailedRequest({ status: 404 }), true);
  assert.equal(isFailedRequest({ status: 0 }), true);
  assert.equal(isFailedRequest({}), false);
});

test('markersFor keeps the kinds the bar shows and turns failed requests into errors', () => {
  const markers = markersFor(timeline.entries);
  assert.deepEqual(
    markers.map((m) => [m.id, m.kind]),
    [
      ['e-1', 'navigation'],
      ['e-2', 'click'],
      ['e-3', 'rage_click'],
      ['e-5', 'error'],
      ['e-7', 'error'],
      ['e-8', 'error'],
      ['e-10', 'error'],
      ['e-11', 'error'],
      ['e-12', 'custom'],
      ['n-1', 'note'],
    ],
  );
  assert.deepEqual(markers[6], { id: 'e-10', at: 9500, kind: 'error', label: 'POST /api/x → 500' });
});

test('kindCounts lists known kinds in a fixed order, then the rest', () => {
  const counts = kindCounts([...timeline.entries, { id: 'z', window_id: null, at: 1, kind: 'zoom', label: '', data: {} }]);
  assert.deepEqual(counts, [
    { kind: 'navigation', count: 1 },
    { kind: 'click', count: 1 },
    { kind: 'rage_click', count: 1 },
    { kind: 'custom', count: 1 },
    { kind: 'console', count: 2 },
    { kind: 'error', count: 3 },
    { kind: 'network', count: 3 },
    { kind: 'note', count: 1 },
    { kind: 'zoom', count: 1 },
  ]);
});

test('filterByKind hides the kinds switched off', () => {
  const shown = filterByKind(timeline.entries, new Set(['network', 'console', 'error']));
  assert.deepEqual(shown.map((e) => e.kind), ['navigation', 'click', 'rage_click', 'custom', 'note']);
  assert.equal(filterByKind(timeline.entries, new Set()).length, timeline.entries.length);
});

test('urlHistory prefers navigations, else session urls relative to the start', () => {
  assert.deepEqual(urlHistory(timeline.entries, [], '2026-12-02T10:00:00Z'), [{ at: 0, url: 'https://shop.test/', title: 'Shop' }]);
  const urls = [
    { url: 'https://shop.test/', at: '2026-12-02T10:00:00Z' },
    { url: 'https://shop.test/cart', at: '2026-12-02T10:00:12.500Z' },
  ];
  assert.deepEqual(urlHistory([], urls, '2026-12-02T10:00:00Z'), [
    { at: 0, url: 'https://shop.test/', title: null },
    { at: 12500, url: 'https://shop.test/cart', title: null },
  ]);
  assert.deepEqual(urlHistory([], urls, 'not a date').map((u) => u.at), [0, 0]);
});
