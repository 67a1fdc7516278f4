import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  actionLabel,
  actorLabel,
  apiQuery,
  checkRange,
  detailPairs,
  detailsLine,
  EMPTY_FILTERS,
  endOfDay,
  exportHref,
  filtersFromSearch,
  isDay,
  isFiltered,
  searchFromFilters,
  shortenIds,
  startOfDay,
  targetParts,
} from '../src/settings/audit-filters.ts';

test('filters round-trip through the page address', () => {
  const filters = { action: 'session.*', actor: 'user:0193a', target: 'session:x y', from: '2026-12-01', to: '2026-12-02' };
  const search = searchFromFilters('org-1', filters);
  assert.equal(search, 'org=org-1&action=session.*&actor=user%3A0193a&target=session%3Ax+y&from=2026-12-01&to=2026-12-02');
  assert.deepEqual(filtersFromSearch(new URLSearchParams(search)), filters);
  assert.equal(searchFromFilters(null, EMPTY_FILTERS), '', 'no filters, no query');
});

test('bad values in an address are dropped, not sent', () => {
  const filters = filtersFromSearch(new URLSearchParams({ from: '2026-02-30', to: 'yesterday', action: 'x'.repeat(201), actor: ' cli ' }));
  assert.deepEqual(filters, { ...EMPTY_FILTERS, actor: 'cli' });
  assert.equal(isDay('2026-02-28'), true);
  assert.equal(isDay('2024-02-29'), true);
  assert.equal(isDay('2026-02-29'), false);
  assert.equal(isDay('2026-1-01'), false);
});

test('days become the instants of whole local days', () => {
  const start = new Date(startOfDay('2026-12-01'));
  assert.deepEqual([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours(), start.getMinutes()], [2026, 11, 1, 0, 0]);
  const end = new Date(endOfDay('2026-12-01'));
  assert.equal(end.getTime(), new Date(2026, 11, 2).getTime(), 'the next midnight: `to` is exclusive, so the whole day is in');
  assert.equal(endOfDay('2026-12-31'), new Date(2027, 0, 1).toISOString(), 'across a year');
  assert.equal(checkRange({ ...EMPTY_FILTERS, from: '2026-12-02', to: '2026-12-01' }), 'The start day is after the end day.');
  assert.equal(checkRange({ ...EMPTY_FILTERS, from: '2026-12-01', to: '2026-12-01' }), null);
});

test('the API query names the organization, filters and page', () => {
  const filters = { ...EMPTY_FILTERS, action: ' member.invite ', from: '2026-12-01' };
  const query = apiQuery('org-1', filters, { cursor: 'c1', limit: 50 });
  assert.equal(query.get('organization_id'), 'org-1');
  assert.equal(query.get('action'), 'member.invite');
  assert.equal(query.get('from'), startOfDay('2026-12-01'));
  assert.equal(query.has('to'), false);
  assert.equal(query.has('actor'), false);
  assert.equal(query.get('cursor'), 'c1');
  assert.equal(query.get('limit'), '50');
  const href = exportHref('org-1', filters, 'ndjson');
  assert.ok(href.startsWith('/api/v1/audit/export?organization_id=org-1&action=member.invite&from='), href);
  assert.ok(href.endsWith('&format=ndjson'), href);
  assert.equal(new URL(href, 'http://x').searchParams.has('cursor'), false, 'an export covers every page');
});

test('labels and details', () => {
  assert.equal(isFiltered(EMPTY_FILTERS), false);
  assert.equal(isFiltered({ ...EMPTY_FILTERS, target: 'session:1' }), true);
  assert.equal(actionLabel('member.role_change'), 'Role changed');
  assert.equal(actionLabel('something.new'), 'something.new');
  assert.equal(detailsLine({ from: 'member', to: 'admin' }), 'from: member, to: admin');
  assert.equal(detailsLine({ fields: ['privacy'], n: 2 }), 'fields: ["privacy"], n: 2');
  assert.equal(detailsLine(null), '');
  assert.equal(detailsLine([1]), '');
});

test('ids are shortened for display', () => {
  const id = '01a236b8-5ecc-76c5-a74b-b19822d861a5';
  assert.equal(shortenIds(`key ${id}, again ${id.toUpperCase()}`), 'key 01a236b8…, again 01A236B8…');
  assert.deepEqual(targetParts(`invitation:${id}`), { kind: 'invitation', id: '01a236b8…' });
  assert.deepEqual(targetParts('cli'), { kind: '', id: 'cli' });
  assert.deepEqual(detailPairs({ key_id: id, grace_hours: 24 }), [['key_id', '01a236b8…'], ['grace_hours', '24']]);
  assert.deepEqual(detailPairs('text'), []);
});

test('actors are named for people', () => {
  assert.deepEqual(actorLabel({ actor: 'user:1', actor_email: 'ada@example.com' }), { name: 'ada@example.com', kind: null });
  assert.deepEqual(actorLabel({ actor: 'api_key:k1', actor_email: null, actor_name: 'CI export' }), { name: 'CI export', kind: 'API key' });
  assert.deepEqual(actorLabel({ actor: 'system:retention', actor_email: null }), { name: 'Retention job', kind: 'System' });
  assert.deepEqual(actorLabel({ actor: 'cli' }), { name: 'Command line', kind: 'Operator' });
  assert.deepEqual(actorLabel({ actor: 'user:01a236b8-5ecc-76c5-a74b-b19822d861a5', actor_email: null }), { name: 'user:01a236b8…', kind: null });
});
