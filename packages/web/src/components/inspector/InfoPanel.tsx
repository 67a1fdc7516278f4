//! The Info tab: who the user was (a link to all their sessions), on what, the pages they visited
//! (a click seeks there), tabs, tags and ticket links (editable by members), and the notes.

import type { RefObject } from 'preact';
import { useMemo } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Session } from '../../api.ts';
import { browserLabel, formatCount, formatDateTime, formatDuration, relativeTime, splitUrl } from '../../format.ts';
import { canAddNotes, ticketOf } from '../../inspector/note-rules.ts';
import type { Playhead } from '../../inspector/playhead.ts';
import { urlHistory, type TimelineEntry } from '../../inspector/timeline.ts';
import { errorMessage, type Loadable } from '../../use-session-data.ts';
import { userPath } from '../../routes.ts';
import { Link } from '../Link.tsx';
import { LinksSection } from './LinksSection.tsx';
import { TagsSection } from './TagsSection.tsx';
import { Clock, keepFocus, PanelMessage } from './parts.tsx';
import { useFollow } from './use-follow.ts';

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function UrlHistory({ session, entries, playhead, active, onSeek }: InfoProps & { session: Session }) {
  const visits = useMemo(() => urlHistory(entries, session.urls, session.started_at), [entries, session]);
  const times = useMemo(() => visits.map((v) => v.at), [visits]);
  // The panel scrolls as a whole; this list is only marked (and cut when it is very long).
  const { listRef, win } = useFollow(times, playhead, active);
  return (
    <section class="info__section">
      <h3>Pages ({formatCount(visits.length || session.page_views)})</h3>
      {visits.length === 0 && <p class="muted small">{session.first_url || 'No pages recorded.'}</p>}
      <ol ref={listRef as RefObject<HTMLOListElement>} class="visits">
        {visits.slice(win.start, win.end).map((visit, i) => {
          const parts = splitUrl(visit.url);
          return (
            <li key={`${i}-${visit.url}`} class="visit">
              <button type="button" class="visit__main" title={visit.url} onMouseDown={keepFocus} onClick={() => onSeek(visit.at)}>
                <Clock ms={visit.at} />
                <span class="visit__text">
                  <span class="url__path">{visit.title ?? (parts.path || visit.url)}</span>
                  <span class="url__host muted small">{visit.title ? visit.url : parts.host}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

interface InfoProps {
  entries: readonly TimelineEntry[];
  playhead: Playhead;
  active: boolean;
  onSeek(ms: number): void;
}

export function InfoPanel({
  session,
  currentWindow,
  notes,
  role,
  ...rest
}: InfoProps & { session: Loadable<Session>; currentWindow: string | null; notes: ComponentChildren; role: string | null }) {
  if (session.status === 'loading') return <PanelMessage tone="loading" title="Loading the session's details…" />;
  if (session.status === 'error') {
    return (
      <div class="panel panel--scroll">
        <PanelMessage tone="error" title="The session's details could not be loaded">
          {errorMessage(session.error)}
        </PanelMessage>
        {notes}
      </div>
    );
  }
  const s = session.value;
  const ticket = ticketOf(s.metadata);
  const windows = s.windows ?? [];
  const viewport = s.viewport ? `${s.viewport.width} × ${s.viewport.height}` : '—';
  const name = s.user_email || s.user_name || s.user_id;
  // Unknown role (still loading, or several organizations): offer the controls, the server decides.
  const canEdit = role === null || canAddNotes(role);
  return (
    <div class="panel panel--scroll info">
      <section class="info__user">
        <span class="avatar" aria-hidden="true">
          {(name ?? '?').slice(0, 1).toUpperCase()}
        </span>
        <div class="info__who">
          <h2 title={name ?? 'Anonymous'}>{name ?? 'Anonymous'}</h2>
          {s.user_name && s.user_email && <p class="muted">{s.user_name}</p>}
          {s.user_id && (
            <p class="muted small">
              <span class="mono">id {s.user_id}</span> · <Link href={userPath(s.user_id)}>all their sessions</Link>
            </p>
          )}
        </div>
        {s.status === 'recording' && <span class="badge badge--live">live</span>}
      </section>
      <LinksSection sessionId={s.id} recorderTicket={ticket} canEdit={canEdit} />
      <TagsSection sessionId={s.id} tags={s.tags} canEdit={canEdit} />
      {notes}
      <UrlHistory session={s} {...rest} />
      <section class="info__section">
        <h3>Session</h3>
        <dl class="fields">
          <Field label="Started">
            {formatDateTime(s.started_at)}
            <span class="muted small block">{relativeTime(new Date(s.started_at), new Date())}</span>
          </Field>
          <Field label="Duration">{formatDuration(s.duration)}</Field>
          <Field label="Events">{formatCount(s.event_count)}</Field>
          <Field label="Browser">
            <span title={s.user_agent ?? undefined}>{browserLabel({ browser: s.browser, browser_version: s.browser_version, os: null })}</span>
          </Field>
          <Field label="OS">{s.os || '—'}</Field>
          <Field label="Device">{s.device_type || '—'}</Field>
          <Field label="Viewport">{viewport}</Field>
        </dl>
      </section>
      {windows.length > 1 && (
        <section class="info__section">
          <h3>Tabs</h3>
          <ul class="plain-list">
            {windows.map((w, i) => (
              <li key={w}>
                {w === currentWindow ? (
                  <strong>Tab {i + 1} (shown)</strong>
                ) : (
                  <Link href={`${location.pathname}?${new URLSearchParams({ window: w })}`}>Tab {i + 1}</Link>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
