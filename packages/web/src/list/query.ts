//! The list's state ⇄ the address bar's query string (the API's parameter names), and what a
//! filter chip says. Unknown parameters are dropped; values are kept as typed, since the server
//! is the judge (a bad value comes back as `invalid_query` naming the parameter and the chip
//! stays, so it can be fixed or removed). Pure.

import { DEFAULT_ORDER, DEFAULT_SORT, filterDef, FILTERS, SORTS } from './filters.ts';

/** One filter: a parameter and its value (repeatable ones occur once per value). */
export interface Filter {
  param: string;
  value: string;
}

/** Everything that decides which sessions the list shows, and in what order. */
export interface ListQuery {
  /** Free text (`q`). */
  q: string;
  filters: Filter[];
  sort: string;
  order: 'asc' | 'desc';
}

export const EMPTY_QUERY: ListQuery = { q: '', filters: [], sort: DEFAULT_SORT, order: DEFAULT_ORDER };

/** Reads the list's state from a query string; parameters it does not know are ignored. */
export function parseListQuery(search: URLSearchParams): ListQuery {
  const filters: Filter[] = [];
  for (const def of FILTERS) {
    const values = search.getAll(def.param).map((v) => v.trim()).filter(Boolean);
    for (const value of def.repeatable ? dedupe(values) : values.slice(0, 1)) filters.push({ param: def.param, value });
  }
  const sort = search.get('sort') ?? DEFAULT_SORT;
  return {
    q: (search.get('q') ?? '').trim(),
    filters: withRequirements(filters),
    sort: SORTS.some(([key]) => key === sort) ? sort : DEFAULT_SORT,
    order: search.get('order') === 'asc' ? 'asc' : 'desc',
  };
}

/**
 * Writes the list's state as a query string, in a fixed order (q, filters, sort, order) so equal
 * states give equal URLs; defaults are left out, so a plain list is just `/`.
 */
export function listQueryParams(query: ListQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q.trim()) params.set('q', query.q.trim());
  for (const def of FILTERS) {
    for (const f of query.filters) if (f.param === def.param && f.value.trim()) params.append(f.param, f.value.trim());
  }
  if (query.sort !== DEFAULT_SORT) params.set('sort', query.sort);
  if (query.order !== DEFAULT_ORDER) params.set('order', query.order);
  return params;
}

/** Returns `pathname` with the list state as its query string. */
export function listHref(pathname: string, query: ListQuery): string {
  const search = listQueryParams(query).toString();
  return search ? `${pathname}?${search}` : pathname;
}

/** The API request's parameters for one page of the list. */
export function apiParams(query: ListQuery, page: { cursor?: string | null; limit: number }): URLSearchParams {
  const params = listQueryParams(query);
  params.set('limit', String(page.limit));
  if (page.cursor) params.set('cursor', page.cursor);
  return params;
}

/** Whether the query narrows the list (free text or any filter), as opposed to sorting it. */
export function isFiltered(query: ListQuery): boolean {
  return query.q.trim() !== '' || query.filters.length > 0;
}

/**
 * Returns the query with filter `param` set to `value`: a repeatable filter gains the value (once),
 * another replaces its value. `previous` names the value a chip edits, so editing one tag chip
 * replaces that tag alone.
 */
export function setFilter(query: ListQuery, param: string, value: string, previous?: string): ListQuery {
  const def = filterDef(param);
  const clean = value.trim();
  if (!def || !clean) return previous === undefined ? query : removeFilter(query, param, previous);
  let filters: Filter[];
  if (def.repeatable) {
    // Edited in place (a chip keeps its spot), then the same value twice is kept once.
    const at = previous === undefined ? -1 : query.filters.findIndex((f) => f.param === param && f.value === previous);
    const next = at >= 0 ? query.filters.map((f, i) => (i === at ? { param, value: clean } : f)) : [...query.filters, { param, value: clean }];
    filters = next.filter((f, i) => f.param !== param || next.findIndex((g) => g.param === param && g.value === f.value) === i);
  } else {
    const at = query.filters.findIndex((f) => f.param === param);
    filters = at >= 0 ? query.filters.map((f, i) => (i === at ? { param, value: clean } : f)) : [...query.filters, { param, value: clean }];
  }
  return { ...query, filters: withRequirements(filters) };
}

/** Returns the query without filter `param` (only its `value` for a repeatable one). */
export function removeFilter(query: ListQuery, param: string, value?: string): ListQuery {
  const filters = query.filters.filter((f) => !(f.param === param && (value === undefined || f.value === value)));
  return { ...query, filters: withRequirements(filters) };
}

/** The query without free text and filters; the sort stays. */
export function clearFilters(query: ListQuery): ListQuery {
  return { ...query, q: '', filters: [] };
}

/** The saved-view form of a query (`{param: value | [values]}`, the API's view `filters`). */
export function viewFilters(query: ListQuery): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of listQueryParams(query)) {
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

/** The query a saved view's `filters` stand for (values that are not strings are skipped). */
export function queryFromView(filters: Readonly<Record<string, unknown>>): ListQuery {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') params.append(key, v);
      else if (typeof v === 'number' || typeof v === 'boolean') params.append(key, String(v));
    }
  }
  return parseListQuery(params);
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

/** Drops filters whose required companion is missing (a variant without its experiment). */
function withRequirements(filters: Filter[]): Filter[] {
  return filters.filter((f) => {
    const needs = filterDef(f.param)?.requires;
    return !needs || filters.some((g) => g.param === needs);
  });
}
