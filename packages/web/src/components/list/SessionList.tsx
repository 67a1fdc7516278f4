//! The list of sessions matching a query: loading skeleton, error and empty states, the rows of
//! the visible part only (the list scrolls with the page; `list/windowing.ts` decides which rows
//! exist), the next page fetched as the bottom nears, and multi-select with bulk tagging. With
//! `autoRefresh`, shown rows keep themselves current and new sessions wait behind a button.

import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isFiltered, type ListQuery } from '../../list/query.ts';
import { clickRow, NO_SELECTION, selectedInOrder, toggleAll, type Selection } from '../../list/selection.ts';
import { applyTagChange } from '../../list/tags.ts';
import { padding, shouldFetchMore, visibleRows, type RowRange } from '../../list/windowing.ts';
import { useAutoRefresh } from '../../use-auto-refresh.ts';
import type { SessionList as SessionListData } from '../../use-session-list.ts';
import { Notice } from '../Notice.tsx';
import { ROW_HEIGHT, SessionListHeader, SessionRow, SkeletonRow } from '../SessionRow.tsx';
import { BulkTagBar } from './BulkTagBar.tsx';

interface SessionListProps {
  query: ListQuery;
  list: SessionListData;
  onClearFilters(): void;
  /** Shown when the unfiltered list is empty (the first-run help on `/`). */
  empty?: ComponentChildren;
  userLinks?: boolean;
  /** Whether the user narrowed the list (default: the query has text or filters). */
  filtered?: boolean;
  /** Refresh the first page every 10 s while visible (`use-auto-refresh.ts`). */
  autoRefresh?: boolean;
}

/** Tracks which rows are in view as the page scrolls or resizes. */
function useVisibleRows(body: { current: HTMLDivElement | null }, total: number): RowRange {
  const [range, setRange] = useState<RowRange>(() => visibleRows({ scrollTop: 0, height: 1200 }, ROW_HEIGHT, total));
  useLayoutEffect(() => {
    let frame = 0;
    const measure = (): void => {
      frame = 0;
      const el = body.current;
      if (!el) return;
      const next = visibleRows({ scrollTop: -el.getBoundingClientRect().top, height: window.innerHeight }, ROW_HEIGHT, total);
      setRange((r) => (r.start === next.start && r.end === next.end ? r : next));
    };
    const schedule = (): void => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      if (frame) cancelAnimationFrame(frame);
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
    };
  }, [total]);
  return range;
}

export function SessionList({ query, list, onClearFilters, empty, userLinks = true, filtered = isFiltered(query), autoRefresh = false }: SessionListProps) {
  const body = useRef<HTMLDivElement>(null);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const total = list.sessions.length;
  const range = useVisibleRows(body, total);
  const order = useMemo(() => list.sessions.map((s) => s.id), [list.sessions]);
  const selected = selectedInOrder(selection, order);

  // A new query is a new list: nothing of the old one stays selected.
  useEffect(() => setSelection(NO_SELECTION), [list.phase === 'loading']);
  useEffect(() => {
    if (list.phase === 'ready' && shouldFetchMore(range, total, { hasMore: list.hasMore, loading: list.loadingMore || list.error !== null })) list.loadMore();
  }, [range, total, list.phase, list.hasMore, list.loadingMore, list.error]);
  useAutoRefresh(list.refresh, selected.length, autoRefresh);
  const pending = list.pending.length;

  // What the rows answer, for tests and tools to wait on (`data-query` is the list's query string).
  const results = (children: ComponentChildren) => (
    <div class="session-results" data-phase={list.phase} data-query={list.shownQuery}>
      {children}
    </div>
  );
  if (list.phase === 'error' && list.error) {
    return results(
      <Notice title="Could not load sessions" tone="error" onRetry={list.retry}>
        {list.error.code === 'invalid_query' ? `The server refused a filter: ${list.error.message}` : list.error.message}
      </Notice>,
    );
  }
  if (list.phase === 'ready' && total === 0) {
    if (!filtered && empty) return results(empty);
    return results(
      <Notice title="No sessions match">
        <p>Nothing recorded matches {filtered ? 'this search and these filters. Widen them, or start over.' : 'yet.'}</p>
        {filtered && (
          <button type="button" class="button" onClick={onClearFilters}>
            Clear filters
          </button>
        )}
      </Notice>,
    );
  }

  const now = new Date();
  const pad = padding(range, ROW_HEIGHT, total);
  const loading = list.phase === 'loading';
  return results(
    <>
      {pending > 0 && (
        <div class="new-sessions" aria-live="polite">
          <button type="button" class="button button--small new-sessions__button" data-count={pending} onClick={list.showPending}>
            {pending.toLocaleString('en-US')} new session{pending === 1 ? '' : 's'} — show
          </button>
        </div>
      )}
      {selected.length > 0 && (
        <BulkTagBar
          ids={selected}
          onClear={() => setSelection(NO_SELECTION)}
          onDone={(add, remove) => list.patch(new Set(selected), (s) => ({ ...s, tags: applyTagChange(s.tags, add, remove) }))}
        />
      )}
      <div class="session-list" role="list" aria-busy={loading} aria-label="Sessions">
        <SessionListHeader
          allSelected={total > 0 && selected.length === total}
          someSelected={selected.length > 0}
          onToggleAll={() => setSelection((s) => toggleAll(s, order))}
        />
        <div ref={body} class="session-list__body">
          {loading ? (
            Array.from({ length: 8 }, (_, i) => <SkeletonRow key={i} />)
          ) : (
            <>
              <div style={{ height: `${pad.before}px` }} aria-hidden="true" />
              {list.sessions.slice(range.start, range.end).map((session, i) => (
                <SessionRow
                  key={session.id}
                  session={session}
                  now={now}
                  userLink={userLinks}
                  selected={selection.ids.has(session.id)}
                  onSelect={(shift) => setSelection((s) => clickRow(s, order, range.start + i, shift))}
                />
              ))}
              <div style={{ height: `${pad.after}px` }} aria-hidden="true" />
            </>
          )}
        </div>
      </div>
      <div class="list-foot">
        {list.loadingMore && (
          <span class="muted">
            <span class="spinner spinner--inline" aria-hidden="true" /> Loading more sessions…
          </span>
        )}
        {list.phase === 'ready' && list.error && (
          <span class="inline-error" role="alert">
            {list.error.message}{' '}
            <button type="button" class="link-button" onClick={list.loadMore}>
              Try again
            </button>
          </span>
        )}
        {list.phase === 'ready' && !list.hasMore && total > 0 && (
          <span class="muted small">
            {total.toLocaleString('en-US')} session{total === 1 ? '' : 's'} — that is all.
          </span>
        )}
      </div>
    </>,
  );
}
