//! `/`: the sessions list — free-text search, filter chips, sort and saved views, all kept in the
//! URL's query string (the API's parameter names) so any list is a link and back/forward work.

import { useMemo } from 'preact/hooks';
import { AccountLoadError } from '../components/AccountLoadError.tsx';
import { AppShell } from '../components/AppShell.tsx';
import { FilterBar } from '../components/list/FilterBar.tsx';
import { SessionList } from '../components/list/SessionList.tsx';
import { ViewsMenu } from '../components/list/ViewsMenu.tsx';
import { Notice } from '../components/Notice.tsx';
import { clearFilters, isFiltered, listHref, parseListQuery, type ListQuery } from '../list/query.ts';
import { navigate, useLocation } from '../router.ts';
import { useCurrentUser } from '../use-current-user.ts';
import { useFilterOptions } from '../use-filter-options.ts';
import { refusedParam, useSessionList } from '../use-session-list.ts';

export function SessionsPage() {
  const { me, error: meError, retry: retryMe } = useCurrentUser();
  const { pathname, search } = useLocation();
  const searchKey = search.toString();
  const query = useMemo(() => parseListQuery(search), [searchKey]);
  // The list is asked for beside /me, not after it: a signed-out visitor gets 401 from both.
  const list = useSessionList(query, true);
  const options = useFilterOptions(me);
  const go = (next: ListQuery, options: { replace?: boolean } = {}): void => navigate(listHref(pathname, next), options);

  if (meError) return <AccountLoadError error={meError} onRetry={retryMe} />;
  const count = list.sessions.length;
  return (
    <AppShell email={me?.user.email ?? null}>
      <div class="page-head">
        <h1>Sessions</h1>
        {list.phase === 'ready' && count > 0 && (
          <span class="muted" aria-live="polite">
            {count.toLocaleString('en-US')}
            {list.hasMore ? '+' : ''} {isFiltered(query) ? 'matching' : 'recorded'}
          </span>
        )}
        <span class="page-head__actions">
          <button
            type="button"
            class="button button--small button--quiet"
            title="Load the list again (new sessions, live ones updated)"
            disabled={list.phase === 'loading'}
            onClick={list.retry}
          >
            ↻ Refresh
          </button>
          {me && <ViewsMenu me={me} query={query} onApply={(q) => go(q)} />}
        </span>
      </div>
      <FilterBar query={query} onChange={go} invalidParam={refusedParam(list)} options={options} />
      <SessionList query={query} list={list} onClearFilters={() => go(clearFilters(query))} empty={<FirstRun />} autoRefresh />
    </AppShell>
  );
}

function FirstRun() {
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
