//! One row of the sessions list, linking to the player page.

import type { Session } from '../api.ts';
import {
  browserLabel,
  formatCount,
  formatDateTime,
  formatDuration,
  relativeTime,
  splitUrl,
  userLabel,
} from '../format.ts';
import { sessionPath } from '../routes.ts';
import { Link } from './Link.tsx';

export function SessionRow({ session, now }: { session: Session; now: Date }) {
  const url = splitUrl(session.first_url);
  const started = new Date(session.started_at);
  const anonymous = !session.user_email && !session.user_name && !session.user_id;
  return (
    <Link href={sessionPath(session.id)} class="session-row">
      <span class="cell cell--user">
        <span class={anonymous ? 'muted' : 'strong'}>{userLabel(session)}</span>
        {session.status === 'recording' && <span class="badge badge--live">live</span>}
      </span>
      <span class="cell cell--started" title={session.started_at}>
        <span>{formatDateTime(session.started_at)}</span>
        <span class="muted small">{relativeTime(started, now)}</span>
      </span>
      <span class="cell cell--num">{formatDuration(session.duration)}</span>
      <span class="cell cell--num">{formatCount(session.page_views)}</span>
      <span class="cell cell--url" title={session.first_url ?? ''}>
        <span class="url__path">{url.path || '—'}</span>
        {url.host && <span class="url__host muted small">{url.host}</span>}
      </span>
      <span class="cell">{browserLabel(session)}</span>
      <span class="cell cell--num">{formatCount(session.event_count)}</span>
    </Link>
  );
}

/** The column titles, matching `SessionRow`'s cells. */
export function SessionListHeader() {
  return (
    <div class="session-row session-row--head" role="presentation">
      <span class="cell">User</span>
      <span class="cell">Started</span>
      <span class="cell cell--num">Duration</span>
      <span class="cell cell--num">Pages</span>
      <span class="cell">First page</span>
      <span class="cell">Browser</span>
      <span class="cell cell--num">Events</span>
    </div>
  );
}

/** A grey placeholder row shown while the list loads. */
export function SkeletonRow() {
  return (
    <div class="session-row session-row--skeleton" aria-hidden="true">
      {[60, 70, 30, 20, 80, 50, 30].map((width, i) => (
        <span key={i} class="cell">
          <span class="skeleton" style={{ width: `${width}%` }} />
        </span>
      ))}
    </div>
  );
}
