//! Above the list: the free-text search box, the active filters as chips, "+ Filter", and the
//! sort. Every change goes through `onChange` as a whole new query (the page writes it to the URL).

import { useEffect, useRef, useState } from 'preact/hooks';
import { SORTS, type FilterOptions } from '../../list/filters.ts';
import { clearFilters, isFiltered, removeFilter, setFilter, type ListQuery } from '../../list/query.ts';
import { AddFilterMenu } from './AddFilterMenu.tsx';
import { FilterChip } from './FilterChip.tsx';

/** Typing pauses this long before the list follows the search box. */
const SEARCH_DEBOUNCE_MS = 350;

interface FilterBarProps {
  query: ListQuery;
  /** `replace`: update the current history entry (while typing) instead of adding one. */
  onChange(next: ListQuery, options?: { replace?: boolean }): void;
  hidden?: readonly string[];
  /** The parameter the server refused (`invalid_query`), whose chip is marked. */
  invalidParam?: string;
  /** Known values of some filters (organizations, projects by name). */
  options?: FilterOptions;
}

function SearchBox({ value, onSearch }: { value: string; onSearch(q: string, replace: boolean): void }) {
  const [text, setText] = useState(value);
  // A burst of typing makes one history entry: the first search pushes, the rest replace it.
  const typing = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // "/" anywhere but in a field jumps to the search box, as in mail and issue trackers.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest('input, textarea, select, [contenteditable="true"]');
      if (event.key !== '/' || typing || event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  // Back/forward or a saved view changed the query: show it.
  // (Text that differs only by outer spaces is kept, so a space typed mid-search survives.)
  useEffect(() => setText((t) => (t.trim() === value.trim() ? t : value)), [value]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const commit = (q: string, now: boolean): void => {
    if (timer.current) clearTimeout(timer.current);
    const run = (): void => {
      if (q.trim() === value.trim()) return;
      onSearch(q, typing.current);
      typing.current = !now;
    };
    if (now) run();
    else timer.current = setTimeout(run, SEARCH_DEBOUNCE_MS);
  };
  return (
    <form
      class="search-box"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        commit(text, true);
      }}
    >
      <span class="search-box__icon" aria-hidden="true" />
      <input
        ref={input}
        class="search-box__input"
        type="search"
        name="q"
        placeholder="Search URLs, clicks, console errors, users, tags, tickets…"
        aria-label="Search sessions"
        value={text}
        onInput={(e) => {
          const next = (e.currentTarget as HTMLInputElement).value;
          setText(next);
          commit(next, false);
        }}
        onBlur={() => {
          typing.current = false;
        }}
      />
      {!text && (
        <kbd class="search-box__key" title="Press / to search">
          /
        </kbd>
      )}
    </form>
  );
}

export function FilterBar({ query, onChange, hidden, invalidParam, options }: FilterBarProps) {
  return (
    <div class="filter-bar">
      <div class="filter-bar__top">
        <SearchBox value={query.q} onSearch={(q, replace) => onChange({ ...query, q }, { replace })} />
        <label class="sort">
          <span class="muted small">Sort</span>
          <select
            class="input input--small"
            aria-label="Sort by"
            value={query.sort}
            onChange={(e) => onChange({ ...query, sort: (e.currentTarget as HTMLSelectElement).value })}
          >
            {SORTS.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="button button--small sort__order"
            aria-label={query.order === 'desc' ? 'Descending; click for ascending' : 'Ascending; click for descending'}
            title={query.order === 'desc' ? 'Highest / newest first' : 'Lowest / oldest first'}
            onClick={() => onChange({ ...query, order: query.order === 'desc' ? 'asc' : 'desc' })}
          >
            {query.order === 'desc' ? '↓' : '↑'}
          </button>
        </label>
      </div>
      <div class="filter-bar__chips" aria-label="Filters">
        {query.filters.map((f) => (
          <FilterChip
            key={`${f.param}=${f.value}`}
            filter={f}
            invalid={f.param === invalidParam}
            options={options}
            onChange={(value) => onChange(setFilter(query, f.param, value, f.value))}
            onRemove={() => onChange(removeFilter(query, f.param, f.value))}
          />
        ))}
        <AddFilterMenu query={query} hidden={hidden} options={options} onAdd={(param, value) => onChange(setFilter(query, param, value))} />
        {isFiltered(query) && (
          <button type="button" class="link-button small filter-bar__clear" onClick={() => onChange(clearFilters(query))}>
            Clear all
          </button>
        )}
      </div>
    </div>
  );
}
