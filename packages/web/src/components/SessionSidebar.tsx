//! The player page's metadata panel: who, when, how long, on what, and which pages.

import type { ComponentChildren } from 'preact';
import type { Session } from '../api.ts';
import { Link } from './Link.tsx';
import { browserLabel, formatCount, formatDateTime, formatDuration, relativeTime, splitUrl, userLabel } from '../format.ts';

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function SessionSidebar({ session, currentWindow }: { session: Session; currentWindow: string | null }) {
  const urls = session.urls ?? [];
  const viewport = session.viewport ? `${session.viewport.width} × ${session.viewport.height}` : '—';
  const windows = session.windows ?? [];
  return (
    <aside class="sidebar">
      <h2 class="sidebar__user">
        <span title={userLabel(session)}>{userLabel(session)}</span>
        {session.status === 'recording' && <span class="badge badge--live">live</span>}
      </h2>
      {session.user_name && session.user_email && <p class="muted">{session.user_name}</p>}
      <dl class="fields">
        <Field label="Started">
          {formatDateTime(session.started_at)}
          <span class="muted small block">{relativeTime(new Date(session.started_at), new Date())}</span>
        </Field>
        <Field label="Duration">{formatDuration(session.duration)}</Field>
        <Field label="Browser">{browserLabel({ browser: session.browser, browser_version: session.browser_version, os: null })}</Field>
        <Field label="OS">{session.os || '—'}</Field>
        <Field label="Device">{session.device_type || '—'}</Field>
        <Field label="Viewport">{viewport}</Field>
        <Field label="Events">{formatCount(session.event_count)}</Field>
        {session.user_id && <Field label="User id">{session.user_id}</Field>}
      </dl>
      {windows.length > 1 && (
        <section class="sidebar__section">
          <h3>Tabs</h3>
          <ul class="plain-list">
            {windows.map((w, i) => (
              <li key={w}>
                {w === currentWindow ? (
                  <strong>Tab {i + 1}</strong>
                ) : (
                  <Link href={`${location.pathname}?${new URLSearchParams({ window: w })}`}>Tab {i + 1}</Link>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section class="sidebar__section">
        <h3>Pages ({formatCount(session.page_views ?? urls.length)})</h3>
        <ol class="url-list">
          {urls.length === 0 && <li class="muted">{session.first_url || 'No pages recorded'}</li>}
          {urls.map((entry, i) => {
            const parts = splitUrl(entry.url);
            return (
              <li key={`${i}-${entry.url}`} title={entry.url}>
                <span class="url__path">{parts.path || entry.url}</span>
                {parts.host && <span class="url__host muted small">{parts.host}</span>}
              </li>
            );
          })}
        </ol>
      </section>
      {session.tags && Object.keys(session.tags).length > 0 && (
        <section class="sidebar__section">
          <h3>Tags</h3>
          <div class="tags">
            {Object.entries(session.tags).map(([k, v]) => (
              <span key={k} class="tag">
                {k}: {v}
              </span>
            ))}
          </div>
        </section>
      )}
    </aside>
  );
}
