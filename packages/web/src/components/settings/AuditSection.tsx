//! `/settings/audit`: the organization's audit log, newest first, filtered by action, actor,
//! target and days (all kept in the address, so a filtered view can be shared), with "Load
//! more" and CSV / NDJSON downloads of everything that matches. Owners and admins only.

import { useEffect, useState } from 'preact/hooks';
import type { Organization } from '../../api.ts';
import { navigate, useLocation } from '../../router.ts';
import { type AuditEntry, listApiKeys, listAudit, listMembers } from '../../settings-api.ts';
import {
  AUDIT_ACTIONS,
  type AuditFilters,
  actionLabel,
  actorLabel,
  checkRange,
  detailPairs,
  detailsLine,
  EMPTY_FILTERS,
  exportHref,
  filtersFromSearch,
  isFiltered,
  searchFromFilters,
  targetParts,
} from '../../settings/audit-filters.ts';
import { allows, type Role, roleLabel } from '../../settings/roles.ts';
import { asApiError, useLoad } from '../../use-load.ts';
import { redirectToLogin } from '../../use-current-user.ts';
import { Notice } from '../Notice.tsx';
import { SectionHead } from './SettingsLayout.tsx';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const formatTime = (iso: string): string => timeFormat.format(new Date(iso));
const formatDay = (iso: string): string => dayFormat.format(new Date(iso));

/** Entries asked for per page. */
const PAGE_SIZE = 50;

type Page = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; entries: AuditEntry[]; next: string | null; more: boolean };

export function AuditSection({ organization, role, multiOrg }: { organization: Organization; role: Role | null; multiOrg: boolean }) {
  const { search } = useLocation();
  const applied = filtersFromSearch(search);
  const appliedKey = searchFromFilters(organization.id, applied);
  const [draft, setDraft] = useState<AuditFilters>(applied);
  const [page, setPage] = useState<Page>({ phase: 'loading' });
  const canView = allows(role, 'ViewAudit');
  const members = useLoad(() => listMembers(organization.id), [organization.id], canView);
  // API keys act too; listing them needs the same role as the log (and a login, which we have).
  const apiKeys = useLoad(() => listApiKeys(), [organization.id], canView);

  // The form follows the address (back/forward, a shared link).
  useEffect(() => setDraft(applied), [appliedKey]);

  useEffect(() => {
    if (!canView) return;
    let live = true;
    setPage({ phase: 'loading' });
    listAudit(organization.id, applied, null, PAGE_SIZE).then(
      (answer) => live && setPage({ phase: 'ready', entries: answer.entries, next: answer.next_cursor, more: false }),
      (err: unknown) => {
        const error = asApiError(err);
        if (error.status === 401) redirectToLogin();
        else if (live) setPage({ phase: 'error', message: error.message });
      },
    );
    return () => {
      live = false;
    };
  }, [appliedKey, canView]);

  const loadMore = async (): Promise<void> => {
    if (page.phase !== 'ready' || !page.next) return;
    setPage({ ...page, more: true });
    try {
      const answer = await listAudit(organization.id, applied, page.next, PAGE_SIZE);
      setPage({ phase: 'ready', entries: [...page.entries, ...answer.entries], next: answer.next_cursor, more: false });
    } catch (err) {
      setPage({ phase: 'error', message: asApiError(err).message });
    }
  };

  const apply = (filters: AuditFilters): void => navigate(`/settings/audit?${searchFromFilters(multiOrg ? organization.id : null, filters)}`);
  const rangeProblem = checkRange(draft);

  if (!canView) {
    return (
      <>
        <SectionHead title="Audit log" text="Who did what, when and from where." />
        <Notice title="Only owners and admins read the audit log">
          <p>Your role in {organization.name} is {roleLabel(role ?? 'none')}.</p>
        </Notice>
      </>
    );
  }

  const people = members.state.phase === 'ready' ? members.state.value.members : [];
  const actorOptions = [
    ...people.map((m) => ({ value: `user:${m.user_id}`, label: m.email })),
    ...(apiKeys.state.phase === 'ready' ? apiKeys.state.value.api_keys : [])
      .filter((k) => k.organization_id === organization.id)
      .map((k) => ({ value: `api_key:${k.id}`, label: `API key: ${k.name}` })),
    { value: 'system:retention', label: 'Retention job' },
    { value: 'cli', label: 'Command line' },
  ];
  if (draft.actor && !actorOptions.some((o) => o.value === draft.actor)) actorOptions.push({ value: draft.actor, label: draft.actor });

  return (
    <>
      <SectionHead title="Audit log" text="Who did what, when and from where — every view, export, share, delete and permission change.">
        <a class="button" href={exportHref(organization.id, applied, 'csv')} download>
          Export CSV
        </a>
        <a class="button" href={exportHref(organization.id, applied, 'ndjson')} download>
          Export NDJSON
        </a>
      </SectionHead>
      <form
        class="settings-card audit-filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (!rangeProblem) apply(draft);
        }}
      >
        <label class="form__field">
          <span class="form__label">Action</span>
          <select class="input select" aria-label="Action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
            {draft.action && !AUDIT_ACTIONS.some((a) => a.value === draft.action) && <option value={draft.action}>{draft.action}</option>}
          </select>
        </label>
        <label class="form__field">
          <span class="form__label">Actor</span>
          <select class="input select" aria-label="Actor" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.currentTarget.value })}>
            <option value="">Anyone</option>
            {actorOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label class="form__field">
          <span class="form__label">Target</span>
          <input
            class="input mono"
            aria-label="Target"
            placeholder="session:0193…"
            value={draft.target}
            onInput={(e) => setDraft({ ...draft, target: e.currentTarget.value })}
          />
        </label>
        <label class="form__field">
          <span class="form__label">From</span>
          <input class="input" type="date" aria-label="From day" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </label>
        <label class="form__field">
          <span class="form__label">To</span>
          <input class="input" type="date" aria-label="To day" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </label>
        <div class="audit-filters__actions">
          <button type="submit" class="button button--primary" disabled={rangeProblem !== null}>
            Apply
          </button>
          {isFiltered(applied) && (
            <button type="button" class="button button--quiet" onClick={() => apply(EMPTY_FILTERS)}>
              Clear
            </button>
          )}
        </div>
        {rangeProblem && <p class="status-error small audit-filters__problem">{rangeProblem}</p>}
      </form>
      {page.phase === 'loading' && (
        <div class="settings-card settings-card--loading" aria-busy="true">
          <span class="spinner" /> Loading the audit log…
        </div>
      )}
      {page.phase === 'error' && (
        <Notice title="Could not load the audit log" tone="error" onRetry={() => apply(applied)}>
          {page.message}
        </Notice>
      )}
      {page.phase === 'ready' && page.entries.length === 0 && (
        <Notice title={isFiltered(applied) ? 'Nothing matches these filters' : 'Nothing audited yet'} />
      )}
      {page.phase === 'ready' && page.entries.length > 0 && (
        <section class="settings-card" aria-label="Audit entries">
          <table class="data-table audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Target</th>
                <th>IP</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((entry) => (
                <tr key={entry.id} data-action={entry.action} data-entry-id={entry.id}>
                  <td class="nowrap" title={entry.at}>
                    {formatTime(entry.at)}
                    <span class="block small muted">{formatDay(entry.at)}</span>
                  </td>
                  <td>
                    <button type="button" class="button--link" title={`Only ${entry.actor}`} onClick={() => apply({ ...applied, actor: entry.actor })}>
                      {actorLabel(entry).name}
                    </button>
                    {actorLabel(entry).kind && <span class="block small muted">{actorLabel(entry).kind}</span>}
                  </td>
                  <td>
                    <button type="button" class="button--link" title={`Only ${entry.action}`} onClick={() => apply({ ...applied, action: entry.action })}>
                      {actionLabel(entry.action)}
                    </button>
                    <span class="block small muted mono">{entry.action}</span>
                  </td>
                  <td class="audit-table__target" title={entry.target}>
                    <button type="button" class="button--link" onClick={() => apply({ ...applied, target: entry.target })}>
                      <span class="small muted block">{targetParts(entry.target).kind}</span>
                      <span class="mono">{targetParts(entry.target).id}</span>
                    </button>
                  </td>
                  <td class="mono small muted">{entry.ip ?? '—'}</td>
                  <td class="small audit-table__details" title={detailsLine(entry.details)}>
                    {detailPairs(entry.details).map(([key, value]) => (
                      <span key={key} class="kv">
                        <span class="kv__key">{key}</span> {value}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <footer class="settings-card__foot">
            <span class="muted settings-card__status">
              {page.entries.length} {page.entries.length === 1 ? 'entry' : 'entries'}
              {page.next ? ' shown' : ', all shown'}
            </span>
            {page.next && (
              <button type="button" class="button" onClick={loadMore} disabled={page.more}>
                {page.more ? 'Loading…' : 'Load more'}
              </button>
            )}
          </footer>
        </section>
      )}
    </>
  );
}
