//! `/users/{user_id}`: one end user — who they are (from their newest session), when they were
//! first and last seen, their ticket links — above the list of their sessions (the sessions list
//! with `user_id=`; further filters and the sort stay in this page's query string).

import { useEffect, useMemo, useState } from 'preact/hooks';
import { listSessions, type SessionListItem } from '../api.ts';
import { AccountLoadError } from '../components/AccountLoadError.tsx';
import { AppShell } from '../components/AppShell.tsx';
import { FilterBar } from '../components/list/FilterBar.tsx';
import { SessionList } from '../components/list/SessionList.tsx';
import { Link } from '../components/Link.tsx';
import { Notice } from '../components/Notice.tsx';
import { formatDateTime, relativeTime } from '../format.ts';
import { distinctLinks } from '../list/tags.ts';
import { clearFilters, isFiltered, listHref, parseListQuery, removeFilter, setFilter, type ListQuery } from '../list/query.ts';
import { navigate, useLocation } from '../router.ts';
import { useCurrentUser } from '../use-current-user.ts';
import { useFilterOptions } from '../use-filter-options.ts';
import { errorMessage } from '../use-session-data.ts';
import { refusedParam, useSessionList } from '../use-session-list.ts';

/** The filters this page sets from its path, not offered in its filter bar. */
const OWN_FILTERS = ['user', 'user_id'] as const;

interface Seen {
  newest: SessionListItem | null;
  oldest: SessionListItem | null;
}

/** The user's newest and oldest session, for the header (two one-row list requests). */
function useSeen(userId: string, enabled: boolean): { seen: Seen | null; error: string | null } {
  const [seen, setSeen] = useState<Seen | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const one = (order: 'asc' | 'desc') =>
      listSessions(new URLSearchParams({ user_id: userId, order, limit: '1' })).then((page) => page.sessions[0] ?? null);
    Promise.all([one('desc'), one('asc')]).then(
      ([newest, oldest]) => live && setSeen({ newest, oldest }),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [userId, enabled]);
  return { seen, error };
}

export function UserPage({ userId }: { userId: string }) {
  const { me, error: meError, retry: retryMe } = useCurrentUser();
  const { pathname, search } = useLocation();
  const searchKey = search.toString();
  // The path says whose sessions these are; a `user`/`user_id` in the query string is ignored.
  const pageQuery = useMemo(() => removeFilter(removeFilter(parseListQuery(search), 'user'), 'user_id'), [searchKey]);
  const query = useMemo(() => setFilter(pageQuery, 'user_id', userId), [pageQuery, userId]);
  const list = useSessionList(query, me !== null);
  const options = useFilterOptions(me);
  const { seen, error } = useSeen(userId, me !== null);
  const go = (next: ListQuery, options: { replace?: boolean } = {}): void =>
    navigate(listHref(pathname, removeFilter(next, 'user_id')), options);

  if (meError) return <AccountLoadError error={meError} onRetry={retryMe} />;
  const profile = seen?.newest ?? null;
  const name = profile?.user_name || profile?.user_email || userId;
  const tickets = distinctLinks(list.sessions);
  const now = new Date();
  return (
    <AppShell email={me?.user.email ?? null}>
      <p class="crumbs small">
        <Link href="/">Sessions</Link> <span class="muted">/ end user</span>
      </p>
      <section class="user-card" aria-label="End user">
        <span class="avatar avatar--large" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <div class="user-card__who">
          <h1>{name}</h1>
          <p class="muted">
            {[profile?.user_name && profile.user_email ? profile.user_email : '', `id ${userId}`].filter(Boolean).join(' · ')}
          </p>
        </div>
        <dl class="user-card__facts">
          <div>
            <dt>Last seen</dt>
            <dd title={formatDateTime(seen?.newest?.started_at)}>{seen?.newest ? relativeTime(new Date(seen.newest.started_at), now) : '—'}</dd>
          </div>
          <div>
            <dt>First seen</dt>
            <dd title={formatDateTime(seen?.oldest?.started_at)}>{seen?.oldest ? formatDateTime(seen.oldest.started_at) : '—'}</dd>
          </div>
          <div>
            <dt>Sessions</dt>
            <dd>{list.phase === 'ready' ? `${list.sessions.length.toLocaleString('en-US')}${list.hasMore ? '+' : ''}` : '…'}</dd>
          </div>
        </dl>
        {tickets.length > 0 && (
          <div class="user-card__tickets">
            <span class="muted small">Tickets</span>
            {tickets.map((t) =>
              t.url ? (
                <a key={t.ref} class="row-link" href={t.url} target="_blank" rel="noopener noreferrer">
                  {t.ref} ↗
                </a>
              ) : (
                <span key={t.ref} class="row-link">
                  {t.ref}
                </span>
              ),
            )}
          </div>
        )}
        {error && <p class="status-error small">{error}</p>}
      </section>
      <FilterBar query={pageQuery} onChange={go} hidden={OWN_FILTERS} invalidParam={refusedParam(list)} options={options} />
      <SessionList
        query={query}
        list={list}
        userLinks={false}
        filtered={isFiltered(pageQuery)}
        onClearFilters={() => go(clearFilters(pageQuery))}
        empty={<Notice title="No sessions of this user">Nothing recorded for user id {userId} is kept (retention may have removed it).</Notice>}
      />
    </AppShell>
  );
}
