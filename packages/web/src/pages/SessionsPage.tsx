//! `/`: the sessions list, newest first, with "Load more" over keyset pagination.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, listSessions, type Session } from '../api.ts';
import { AccountLoadError } from '../components/AccountLoadError.tsx';
import { AppShell } from '../components/AppShell.tsx';
import { Notice } from '../components/Notice.tsx';
import { SessionListHeader, SessionRow, SkeletonRow } from '../components/SessionRow.tsx';
import { redirectToLogin, useCurrentUser } from '../use-current-user.ts';

const PAGE_SIZE = 50;

interface ListState {
  sessions: Session[];
  cursor: string | null;
  phase: 'loading' | 'ready' | 'error';
  loadingMore: boolean;
  error: ApiError | null;
}

const INITIAL: ListState = { sessions: [], cursor: null, phase: 'loading', loadingMore: false, error: null };

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'unknown', String(error));
}

export function SessionsPage() {
  const { me, error: meError, retry: retryMe } = useCurrentUser();
  const [list, setList] = useState<ListState>(INITIAL);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!me) return;
    let live = true;
    setList(INITIAL);
    listSessions({ limit: PAGE_SIZE }).then(
      (page) => live && setList({ ...INITIAL, sessions: page.sessions, cursor: page.next_cursor, phase: 'ready' }),
      (err: unknown) => {
        if (!live) return;
        const error = asApiError(err);
        if (error.status === 401) redirectToLogin();
        else setList({ ...INITIAL, phase: 'error', error });
      },
    );
    return () => {
      live = false;
    };
  }, [me, attempt]);

  const loadMore = useCallback(() => {
    if (!list.cursor || list.loadingMore) return;
    setList((s) => ({ ...s, loadingMore: true, error: null }));
    listSessions({ limit: PAGE_SIZE, cursor: list.cursor }).then(
      (page) =>
        setList((s) => ({ ...s, sessions: [...s.sessions, ...page.sessions], cursor: page.next_cursor, loadingMore: false })),
      (err: unknown) => setList((s) => ({ ...s, loadingMore: false, error: asApiError(err) })),
    );
  }, [list.cursor, list.loadingMore]);

  if (meError) return <AccountLoadError error={meError} onRetry={retryMe} />;

  const now = new Date();
  return (
    <AppShell email={me?.user.email ?? null}>
      <div class="page-head">
        <h1>Sessions</h1>
        {list.phase === 'ready' && list.sessions.length > 0 && (
          <span class="muted">
            {list.sessions.length}
            {list.cursor ? '+' : ''} recorded
          </span>
        )}
      </div>
      {list.phase === 'error' && list.error && (
        <Notice title="Could not load sessions" tone="error" onRetry={() => setAttempt((n) => n + 1)}>
          {list.error.message}
        </Notice>
      )}
      {list.phase === 'ready' && list.sessions.length === 0 && <EmptyState />}
      {(list.phase === 'loading' || list.sessions.length > 0) && (
        <div class="session-list" role="list" aria-busy={list.phase === 'loading'}>
          <SessionListHeader />
          {list.phase === 'loading'
            ? Array.from({ length: 8 }, (_, i) => <SkeletonRow key={i} />)
            : list.sessions.map((session) => <SessionRow key={session.id} session={session} now={now} />)}
        </div>
      )}
      {list.phase === 'ready' && list.error && list.sessions.length > 0 && (
        <p class="inline-error" role="alert">
          {list.error.message}
        </p>
      )}
      {list.phase === 'ready' && list.cursor && (
        <div class="load-more">
          <button type="button" class="button" onClick={loadMore} disabled={list.loadingMore}>
            {list.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </AppShell>
  );
}

function EmptyState() {
  const snippet = `<script src="${location.origin}/sdk/tapedeck.js" data-project="KEY" async></script>`;
  return (
    <Notice title="No sessions yet">
      <p>
        The quickest way to see a replay: open the <a href="/demo">demo shop</a>, click around for a few seconds,
        and come back here.
      </p>
      <p>To record your own site, add this line to its pages, with your project's ingest key as KEY:</p>
      <pre class="snippet">
        <code>{snippet}</code>
      </pre>
      <p class="muted small">The ingest key of the default project was printed when the server first started.</p>
    </Notice>
  );
}
