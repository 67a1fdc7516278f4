//! One session of the list as a card: who (a link to the end user's page), when, how long, the
//! first page, error and rage-click badges, tags, ticket links and a pulsing badge while it still
//! records. A click anywhere but a control opens the player; the first page is a real link, so
//! middle-click and "open in new tab" work.

import type { SessionListItem } from '../api.ts';
import { browserLabel, formatCount, formatDateTime, formatDuration, relativeTime, splitUrl } from '../format.ts';
import { safeHttpUrl } from '../inspector/note-rules.ts';
import { tagEntries, tagLabel } from '../list/tags.ts';
import { isPlainClick, navigate } from '../router.ts';
import { sessionPath, userPath } from '../routes.ts';
import { Link } from './Link.tsx';

/** Every row's height in px; the virtual list positions rows by it, so the CSS must not change it. */
export const ROW_HEIGHT = 68;

interface SessionRowProps {
  session: SessionListItem;
  now: Date;
  selected: boolean;
  /** `shift`: extend the selection from the last clicked row. */
  onSelect(shift: boolean): void;
  /** Hides the user column's link on the end user's own page. */
  userLink?: boolean;
}

/** Whether a click landed on a control of its own (a link, a button, the checkbox). */
function onControl(event: MouseEvent): boolean {
  return event.target instanceof Element && event.target.closest('a, button, input, label') !== null;
}

const plural = (n: number, word: string): string => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

export function isLive(session: SessionListItem): boolean {
  return session.live ?? session.status === 'recording';
}

export function SessionRow({ session, now, selected, onSelect, userLink = true }: SessionRowProps) {
  const url = splitUrl(session.first_url);
  const href = sessionPath(session.id);
  const name = session.user_name || session.user_email || session.user_id;
  const secondary = session.user_name && session.user_email ? session.user_email : session.user_id && name !== session.user_id ? session.user_id : '';
  const errors = session.error_count ?? 0;
  const rage = session.rage_click_count ?? 0;
  const failed = session.failed_request_count ?? 0;
  const tags = tagEntries(session.tags);
  const links = session.links ?? [];
  const live = isLive(session);
  return (
    <div
      class={`session-row${selected ? ' session-row--selected' : ''}`}
      role="listitem"
      style={{ height: `${ROW_HEIGHT}px` }}
      data-session-id={session.id}
      onClick={(e) => {
        if (onControl(e)) return;
        // Ctrl/⌘-click opens the player in a new tab, as on a link.
        if (isPlainClick(e)) navigate(href);
        else if (e.ctrlKey || e.metaKey) window.open(href, '_blank', 'noopener');
      }}
    >
      <label class="cell cell--check" title="Select (shift-click selects a range)">
        <input
          type="checkbox"
          checked={selected}
          aria-label={`Select the session of ${name ?? 'an anonymous user'}`}
          onClick={(e) => {
            e.stopPropagation();
            onSelect(e.shiftKey);
          }}
        />
      </label>
      <span class="cell cell--user">
        {name && session.user_id && userLink ? (
          <Link href={userPath(session.user_id)} class="strong" title={`All sessions of ${name}`}>
            {name}
          </Link>
        ) : (
          <span class={name ? 'strong' : 'muted'}>{name ?? 'Anonymous'}</span>
        )}
        <span class="muted small">{secondary || browserLabel(session)}</span>
      </span>
      <span class="cell cell--url">
        <Link href={href} class="url__path" title={session.first_url ?? undefined}>
          {url.path || '—'}
        </Link>
        <span class="muted small">
          {[url.host, session.page_views ? `${formatCount(session.page_views)} page${session.page_views === 1 ? '' : 's'}` : '']
            .filter(Boolean)
            .join(' · ')}
        </span>
      </span>
      <span class="cell cell--started" title={formatDateTime(session.started_at)}>
        <span>{relativeTime(new Date(session.started_at), now)}</span>
        <span class="muted small">{formatDateTime(session.started_at)}</span>
      </span>
      <span class="cell cell--num cell--duration">
        <span class="tabular">{formatDuration(session.duration)}</span>
        <span class="muted small">{formatCount(session.event_count)} events</span>
      </span>
      <span class="cell cell--signals">
        <span class="signals">
          {live && <span class="badge badge--live badge--pulse">live</span>}
          {errors > 0 && (
            <span class="badge badge--error" title={`${plural(errors, 'error')}: thrown errors and console.error calls (${plural(session.console_error_count ?? 0, 'console error')})`}>
              {formatCount(errors)} error{errors === 1 ? '' : 's'}
            </span>
          )}
          {failed > 0 && (
            <span class="badge badge--failed" title={`${plural(failed, 'request')} failed or answered 4xx/5xx`}>
              {formatCount(failed)} failed
            </span>
          )}
          {rage > 0 && (
            <span class="badge badge--rage" title={`${rage} rage click${rage === 1 ? '' : 's'}`}>
              {formatCount(rage)} rage
            </span>
          )}
        </span>
        <span class="row-tags">
          {links.map((link) => {
            const safe = safeHttpUrl(link.url);
            return safe ? (
              <a key={`${link.kind}:${link.ref}`} class="row-link" href={safe} target="_blank" rel="noopener noreferrer" title={`${link.kind} ${link.ref}`}>
                {link.ref} ↗
              </a>
            ) : (
              <span key={`${link.kind}:${link.ref}`} class="row-link" title={link.kind}>
                {link.ref}
              </span>
            );
          })}
          {tags.map(([k, v]) => (
            <span key={k} class="tag">
              {tagLabel(k, v)}
            </span>
          ))}
        </span>
      </span>
    </div>
  );
}

/** The column titles, matching `SessionRow`'s cells; the first holds the select-all box. */
export function SessionListHeader({ allSelected, someSelected, onToggleAll }: { allSelected: boolean; someSelected: boolean; onToggleAll(): void }) {
  return (
    <div class="session-row session-row--head" role="presentation">
      <label class="cell cell--check">
        <input
          type="checkbox"
          aria-label="Select all loaded sessions"
          checked={allSelected}
          ref={(el) => {
            if (el) el.indeterminate = someSelected && !allSelected;
          }}
          onClick={onToggleAll}
        />
      </label>
      <span class="cell">User</span>
      <span class="cell">First page</span>
      <span class="cell">Started</span>
      <span class="cell cell--num">Duration</span>
      <span class="cell">Signals and tags</span>
    </div>
  );
}

/** A grey placeholder row shown while the list loads. */
export function SkeletonRow() {
  return (
    <div class="session-row session-row--skeleton" aria-hidden="true" style={{ height: `${ROW_HEIGHT}px` }}>
      {[0, 70, 80, 50, 40, 60].map((width, i) => (
        <span key={i} class="cell">
          {width > 0 && <span class="skeleton" style={{ width: `${width}%` }} />}
          {width > 0 && <span class="skeleton" style={{ width: `${width / 2}%` }} />}
        </span>
      ))}
    </div>
  );
}
