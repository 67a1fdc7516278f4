import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { consoleRows, filterConsole, levelCounts, type ConsoleLevel } from '../src/inspector/console-rows.ts';
import {
  filterNetwork,
  formatBytes,
  formatMs,
  networkRows,
  requestStart,
  shortUrl,
  statusClass,
  waterfallBar,
  waterfallPlayhead,
  waterfallScale,
} from '../src/inspector/network-rows.ts';
import { readTimeline } from '../src/inspector/timeline.ts';

const timeline = readTimeline(JSON.parse(readFileSync(new URL('./fixtures/timeline.json', import.meta.url), 'utf8')));
const SESSION_START = 1764650000000;
const ALL_LEVELS = new Set<ConsoleLevel>(['error', 'warn', 'info', 'log', 'debug']);

test('consoleRows: console lines and uncaught errors, not the error twin of a console error', () => {
  const rows = consoleRows(timeline.entries);
  assert.deepEqual(
    rows.map((r) => [r.id, r.level, r.message, r.origin]),
    [
      ['e-4', 'error', 'boom {"a":1}', null],
      ['e-6', 'info', 'signed in {"user":"ann"}', null],
      ['e-7', 'error', 'Uncaught Error: kaput', 'uncaught'],
      ['e-8', 'error', 'nobody handles this', 'unhandled rejection'],
    ],
  );
  assert.equal(rows[0]?.stack, 'at runScenario (https://shop.test/:20:15)');
  assert.equal(rows[1]?.stack, null);
  assert.equal(rows[2]?.source, 'https://shop.test/:25:15');
});

test('consoleRows reads odd payloads without failing', () => {
  const rows = consoleRows([
    { id: 'a', window_id: null, at: 1, kind: 'console', label: 'fallback', data: { level: 'shout', args: 'nope' } },
    { id: 'b', window_id: null, at: 2, kind: 'console', label: '', data: { args: [1, { x: 2 }, null] } },
  ]);
  assert.deepEqual(rows.map((r) => [r.level, r.message]), [
    ['log', 'fallback'],
    ['log', '1 {"x":2} null'],
  ]);
});

test('filterConsole by level and by text in the message, stack or source', () => {
  const rows = consoleRows(timeline.entries);
  assert.deepEqual(levelCounts(rows), { error: 3, warn: 0, info: 1, log: 0, debug: 0 });
  assert.deepEqual(filterConsole(rows, new Set(['info']), '').map((r) => r.id), ['e-6']);
  assert.deepEqual(filterConsole(rows, ALL_LEVELS, '  KAPUT ').map((r) => r.id), ['e-7']);
  assert.deepEqual(filterConsole(rows, ALL_LEVELS, 'runScenario').map((r) => r.id), ['e-4'], 'matches the stack');
  assert.deepEqual(filterConsole(rows, ALL_LEVELS, 'shop.test/:25').map((r) => r.id), ['e-7'], 'matches the source');
  assert.deepEqual(filterConsole(rows, new Set(), ''), []);
});

test('requestStart uses the page clock when it fits, else at minus duration', () => {
  assert.equal(requestStart({ start: SESSION_START + 8700, duration_ms: 300 }, 9000, SESSION_START), 8700);
  assert.equal(requestStart({ start: SESSION_START + 8700, duration_ms: 300 }, 9000, null), 8700, 'no session start: at - duration');
  assert.equal(requestStart({ start: 12, duration_ms: 300 }, 9000, SESSION_START), 8700, 'a start before the session is not believed');
  assert.equal(requestStart({ start: SESSION_START + 9500, duration_ms: 300 }, 9000, SESSION_START), 8700, 'nor one after its report');
  assert.equal(requestStart({ duration_ms: 50 }, 20, SESSION_START), 0, 'never before zero');
});

test('networkRows reads the recorder payload, sorted by start', () => {
  const rows = networkRows(timeline.entries, SESSION_START);
  assert.deepEqual(rows.map((r) => [r.id, r.method, r.status, r.start, r.durationMs, r.failed]), [
    ['e-9', 'GET', 200, 8700, 300, false],
    ['e-10', 'POST', 500, 9400, 100, true],
    ['e-11', 'GET', 0, 9790, 10, true],
  ]);
  const first = rows[0];
  assert.ok(first);
  assert.deepEqual(first.requestHeaders, { 'x-request-id': 'req-42' });
  assert.equal(first.responseHeaders['x-request-id'], 'resp-7');
  assert.equal(first.responseBody, '{"ok":true,"items":[1,2]}');
  assert.equal(first.responseSize, 1500);
  assert.equal(first.requestSize, null);
  assert.equal(rows[2]?.error, 'TypeError: Failed to fetch');
});

test('status classes and the network filter', () => {
  assert.deepEqual([0, 101, 200, 204, 301, 404, 500, 599, 600].map((status) => statusClass({ status })), [
    'failed', 'other', '2xx', '2xx', '3xx', '4xx', '5xx', '5xx', '4xx',
  ]);
  const rows = networkRows(timeline.entries, SESSION_START);
  assert.deepEqual(filterNetwork(rows, new Set(['5xx', 'failed']), '').map((r) => r.id), ['e-10', 'e-11']);
  assert.deepEqual(filterNetwork(rows, new Set(), 'post').map((r) => r.id), ['e-10']);
  assert.deepEqual(filterNetwork(rows, new Set(), 'unreachable').map((r) => r.id), ['e-11']);
  assert.deepEqual(filterNetwork(rows, new Set(), '500').map((r) => r.id), ['e-10']);
  assert.deepEqual(filterNetwork(rows, new Set(['2xx']), 'post'), []);
});

test('waterfall geometry spans the requests shown', () => {
  const rows = networkRows(timeline.entries, SESSION_START);
  const scale = waterfallScale(rows);
  assert.deepEqual(scale, { from: 8700, to: 9800 });
  const bars = rows.map((r) => waterfallBar(r, scale));
  const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;
  assert.ok(near(bars[0]!.left, 0) && near(bars[0]!.width, (300 / 1100) * 100));
  assert.ok(near(bars[1]!.left, (700 / 1100) * 100) && near(bars[1]!.width, (100 / 1100) * 100));
  assert.ok(near(bars[2]!.left + bars[2]!.width, 100), 'the last request ends at the right edge');
  assert.equal(waterfallPlayhead(8700, scale), 0);
  assert.equal(waterfallPlayhead(9800, scale), 100);
  assert.equal(waterfallPlayhead(100, scale), null);
});

test('waterfall geometry stays within the column', () => {
  assert.deepEqual(waterfallScale([]), { from: 0, to: 1 });
  assert.deepEqual(waterfallScale([{ start: 50, durationMs: 0 }]), { from: 50, to: 51 });
  assert.deepEqual(waterfallBar({ start: 50, durationMs: 0 }, { from: 50, to: 51 }), { left: 0, width: 0 });
  const outside = waterfallBar({ start: 90, durationMs: 500 }, { from: 0, to: 100 });
  assert.deepEqual(outside, { left: 90, width: 10 }, 'a bar past the end is cut at 100 %');
  assert.deepEqual(waterfallBar({ start: -20, durationMs: 10 }, { from: 0, to: 100 }), { left: 0, width: 10 });
});

test('sizes, durations and URLs read like devtools', () => {
  assert.deepEqual([null, -1, 0, 999, 1000, 1540, 2_345_678].map(formatBytes), ['—', '—', '0 B', '999 B', '1.0 kB', '1.5 kB', '2.3 MB']);
  assert.deepEqual([0, 85.4, 999, 1250, 12_345, 125_000].map(formatMs), ['0 ms', '85 ms', '999 ms', '1.25 s', '12.3 s', '2.1 min']);
  assert.deepEqual(shortUrl('https://shop.test/api/x?page=2'), { path: '/api/x?page=2', origin: 'https://shop.test' });
  assert.deepEqual(shortUrl('/relative'), { path: '/relative', origin: '' });
});
