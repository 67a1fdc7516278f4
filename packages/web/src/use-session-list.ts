//! `useSessionList`: the sessions matching a list query, one keyset page at a time. A new query
//! starts over; answers to an older query (or a page asked before it) are dropped, so typing fast
//! never shows a stale list. Rows can be patched in place (after tagging) without a reload, and
//! `refresh` merges a fresh first page in (`list/refresh.ts`): shown rows update, new sessions wait
//! in `pending` until `showPending`.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, listSessions, type SessionListItem } from './api.ts';
import { DEFAULT_ORDER, DEFAULT_SORT } from './list/filters.ts';
import { apiParams, listQueryParams, type ListQuery } from './list/query.ts';
import { mergeFirstPage, showPending } from './list/refresh.ts';
import { redirectToLogin } from './use-current-user.ts';

/** Sessions asked per request (the API's default; at most 200). */
export const PAGE_SIZE = 50;

export interface SessionListState {
  sessions: SessionListItem[];
  phase: 'loading' | 'ready' | 'error';
  /** The first page's failure (phase 'error'), or a later page's (phase 'ready'). */
  error: ApiError | null;
  hasMore: boolean;
  loadingMore: boolean;
  /** The list query (its query string) the shown rows answer; '' before the first answer. */
  shownQuery: string;
  /** Sessions a refresh found that are not shown yet (the "N new sessions — show" button). */
  pending: SessionListItem[];
}

export interface SessionList extends SessionListState {
  loadMore(): void;
  retry(): void;
  /** Changes the listed sessions whose ids are in `ids` with `patch`. */
  patch(ids: ReadonlySet<string>, patch: (session: SessionListItem) => SessionListItem): void;
  /**
   * Fetches the first page again and merges it in; resolves at once (false) when the list is
   * loading, paging or already refreshing, rejects when the request fails.
   */
  refresh(): Promise<boolean>;
  /** Shows the pending sessions: on top for the newest-first list, else by loading it again. */
  showPending(): void;
}

const INITIAL: SessionListState = { sessions: [], phase: 'loading', error: null, hasMore: false, loadingMore: false, shownQuery: '', pending: [] };

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'unknown', String(error));
}

export function useSessionList(query: ListQuery, enabled: boolean): SessionList {
  const [state, setState] = useState<SessionListState>(INITIAL);
  const [attempt, setAttempt] = useState(0);
  const cursor = useRef<string | null>(null);
  // Bumped by every new query: answers carrying an older number are stale.
  const generation = useRef(0);
  const key = listQueryParams(query).toString();

  useEffect(() => {
    if (!enabled) return;
    const mine = ++generation.current;
    cursor.current = null;
    setState(INITIAL);
    listSessions(apiParams(query, { limit: PAGE_SIZE })).then(
      (page) => {
        if (mine !== generation.current) return;
        cursor.current = page.next_cursor;
        setState({ ...INITIAL, sessions: page.sessions, phase: 'ready', hasMore: page.next_cursor !== null, shownQuery: key });
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        const error = asApiError(err);
        if (error.status === 401) redirectToLogin();
        else setState({ ...INITIAL, phase: 'error', error, shownQuery: key });
      },
    );
    // Unmounted (e.g. sent to the login page by /me's 401) or asked again: drop this answer, so
    // a late 401 cannot send a signed-in user back to the login page.
    return () => {
      if (generation.current === mine) generation.current++;
    };
    // `query` is fully described by `key`.
  }, [key, enabled, attempt]);

  const loadMore = useCallback(() => {
    const from = cursor.current;
    if (!from) return;
    const mine = generation.current;
    cursor.current = null; // one request per cursor
    setState((s) => ({ ...s, loadingMore: true, error: null }));
    listSessions(apiParams(query, { limit: PAGE_SIZE, cursor: from })).then(
      (page) => {
        if (mine !== generation.current) return;
        cursor.current = page.next_cursor;
        setState((s) => {
          // Keyset pages do not overlap, but a row patched or re-sorted server-side must not show twice.
          const seen = new Set(s.sessions.map((x) => x.id));
          const fresh = page.sessions.filter((x) => !seen.has(x.id));
          return { ...s, sessions: [...s.sessions, ...fresh], loadingMore: false, hasMore: page.next_cursor !== null };
        });
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        cursor.current = from; // try the same page again
        setState((s) => ({ ...s, loadingMore: false, error: asApiError(err) }));
      },
    );
  }, [key]);

  // Loading from the click on: the rows the reload replaces never show as its answer (tools and
  // tests wait for `data-phase` to leave 'loading'; the effect that fetches runs a frame later).
  const retry = useCallback(() => {
    setState(INITIAL);
    setAttempt((n) => n + 1);
  }, []);
  // The shown state as of the last render, and whether a refresh is in flight, for `refresh`.
  const current = useRef(state);
  current.current = state;
  const refreshing = useRef(false);
  const refresh = useCallback((): Promise<boolean> => {
    const s = current.current;
    if (refreshing.current || s.phase !== 'ready' || s.loadingMore) return Promise.resolve(false);
    const mine = generation.current;
    refreshing.current = true;
    return listSessions(apiParams(query, { limit: PAGE_SIZE })).then(
      (page) => {
        refreshing.current = false;
        if (mine !== generation.current) return false;
        // An empty list has no row to move: the first sessions simply appear.
        if (current.current.sessions.length === 0) cursor.current = page.next_cursor;
        setState((s) => {
          if (s.phase !== 'ready') return s;
          if (s.sessions.length === 0) return { ...s, sessions: page.sessions, hasMore: page.next_cursor !== null, pending: [] };
          const merged = mergeFirstPage(s.sessions, page.sessions, s.pending);
          return { ...s, sessions: merged.rows, pending: merged.pending };
        });
        return true;
      },
      (err: unknown) => {
        refreshing.current = false;
        const error = asApiError(err);
        if (error.status === 401 && mine === generation.current) redirectToLogin();
        throw error;
      },
    );
  }, [key]);
  const newestFirst = query.sort === DEFAULT_SORT && query.order === DEFAULT_ORDER;
  const showPendingRows = useCallback(() => {
    if (newestFirst) setState((s) => ({ ...s, sessions: showPending(s.sessions, s.pending), pending: [] }));
    else retry();
  }, [newestFirst, retry]);
  const patch = useCallback((ids: ReadonlySet<string>, fn: (s: SessionListItem) => SessionListItem) => {
    setState((s) => ({ ...s, sessions: s.sessions.map((x) => (ids.has(x.id) ? fn(x) : x)) }));
  }, []);
  return { ...state, loadMore, retry, patch, refresh, showPending: showPendingRows };
}

/** The query parameter the server refused for the first page (`invalid_query`), if that is why the list failed. */
export function refusedParam(list: SessionListState): string | undefined {
  return list.phase === 'error' && list.error?.code === 'invalid_query' ? list.error.field : undefined;
}
