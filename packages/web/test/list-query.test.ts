import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FILTERS } from '../src/list/filters.ts';
import {
  apiParams,
  clearFilters,
  EMPTY_QUERY,
  isFiltered,
  listHref,
  listQueryParams,
  parseListQuery,
  queryFromView,
  removeFilter,
  setFilter,
  viewFilters,
} from '../src/list/query.ts';

const parse = (search: string) => parseListQuery(new URLSearchParams(search));

test('an empty query string is the plain list, and writes back as no query at all', () => {
  assert.deepEqual(parse(''), EMPTY_QUERY);
  assert.equal(listHref('/', EMPTY_QUERY), '/');
  assert.equal(isFiltered(EMPTY_QUERY), false);
});

test('filters, free text and sort survive a round trip through the URL in a fixed order', () => {
  const query = parse('order=asc&has_errors=true&q=%20card%20declined%20&url=%2Fcheckout&tag=vip&tag=plan%3Apro&sort=duration&min_duration=120');
  assert.deepEqual(query, {
    q: 'card declined',
    filters: [
      { param: 'tag', value: 'vip' },
      { param: 'tag', value: 'plan:pro' },
      { param: 'url', value: '/checkout' },
      { param: 'min_duration', value: '120' },
      { param: 'has_errors', value: 'true' },
    ],
    sort: 'duration',
    order: 'asc',
  });
  const href = listHref('/', query);
  assert.equal(href, '/?q=card+declined&tag=vip&tag=plan%3Apro&url=%2Fcheckout&min_duration=120&has_errors=true&sort=duration&order=asc');
  assert.deepEqual(parse(href.slice(2)), query);
  assert.equal(isFiltered(query), true);
});

test('unknown parameters, empty values, repeats of single filters and bad sorts are dropped', () => {
  const query = parse('cursor=abc&limit=7&bogus=1&url=&url=%2Fa&url=%2Fb&tag=x&tag=x&sort=random&order=sideways');
  assert.deepEqual(query.filters, [
    { param: 'tag', value: 'x' },
    { param: 'url', value: '/a' },
  ]);
  assert.equal(query.sort, 'started_at');
  assert.equal(query.order, 'desc');
  assert.equal(listQueryParams(query).has('cursor'), false, 'a cursor is no part of a link');
});

test('a variant is only kept with its experiment', () => {
  assert.deepEqual(parse('variant=B').filters, []);
  assert.deepEqual(parse('variant=B&experiment=new-checkout').filters, [
    { param: 'experiment', value: 'new-checkout' },
    { param: 'variant', value: 'B' },
  ]);
  const both = parse('variant=B&experiment=new-checkout');
  assert.deepEqual(removeFilter(both, 'experiment').filters, [], 'removing the experiment removes its variant');
});

test('setFilter replaces a single filter, adds repeatable ones once and edits one tag in place', () => {
  let query = setFilter(EMPTY_QUERY, 'url', '/cart');
  query = setFilter(query, 'url', ' /checkout ');
  assert.deepEqual(query.filters, [{ param: 'url', value: '/checkout' }]);
  query = setFilter(query, 'tag', 'a');
  query = setFilter(query, 'tag', 'b');
  query = setFilter(query, 'tag', 'a');
  assert.deepEqual(query.filters.filter((f) => f.param === 'tag').map((f) => f.value), ['a', 'b']);
  query = setFilter(query, 'tag', 'c', 'a');
  assert.deepEqual(query.filters.filter((f) => f.param === 'tag').map((f) => f.value), ['c', 'b'], 'edited in place');
  query = setFilter(query, 'tag', 'b', 'c');
  assert.deepEqual(query.filters.filter((f) => f.param === 'tag').map((f) => f.value), ['b'], 'editing into an existing tag merges them');
  assert.deepEqual(setFilter(query, 'tag', '  ', 'b').filters, [{ param: 'url', value: '/checkout' }], 'emptying a chip removes it');
  assert.equal(setFilter(query, 'nonsense', 'x'), query);
});

test('removeFilter removes one tag or a whole filter; clearFilters keeps the sort', () => {
  const query = parse('q=x&tag=a&tag=b&device=mobile&sort=errors');
  assert.deepEqual(removeFilter(query, 'tag', 'a').filters, [
    { param: 'tag', value: 'b' },
    { param: 'device', value: 'mobile' },
  ]);
  assert.deepEqual(removeFilter(query, 'tag').filters, [{ param: 'device', value: 'mobile' }]);
  assert.deepEqual(clearFilters(query), { ...EMPTY_QUERY, sort: 'errors' });
});

test('the API request carries the list state plus limit and cursor', () => {
  const params = apiParams(parse('q=oops&has_errors=true'), { limit: 50, cursor: 'c1' });
  assert.equal(params.toString(), 'q=oops&has_errors=true&limit=50&cursor=c1');
  assert.equal(apiParams(EMPTY_QUERY, { limit: 10 }).toString(), 'limit=10');
});

test('saved-view filters round-trip, repeatable ones as arrays', () => {
  const query = parse('q=refund&tag=vip&tag=beta&status=5xx&order=asc');
  const filters = viewFilters(query);
  assert.deepEqual(filters, { q: 'refund', tag: ['vip', 'beta'], status: '5xx', order: 'asc' });
  assert.deepEqual(queryFromView(filters), query);
  assert.deepEqual(queryFromView({ has_errors: true, min_width: 1024, junk: { a: 1 } }).filters, [
    { param: 'has_errors', value: 'true' },
    { param: 'min_width', value: '1024' },
  ]);
});

test('every filter the API contract names is offered once', () => {
  const params = FILTERS.map((f) => f.param);
  assert.equal(new Set(params).size, params.length);
  for (const p of ['user', 'user_id', 'project_id', 'organization_id', 'url', 'url_exact', 'from', 'to', 'min_duration', 'max_duration', 'browser', 'os', 'device', 'min_width', 'max_width', 'tag', 'has_errors', 'has_rage_clicks', 'event', 'console', 'status', 'ticket', 'experiment', 'variant', 'live']) {
    assert.ok(params.includes(p), p);
  }
});
