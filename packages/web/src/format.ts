//! Pure display helpers for the web app: durations, URLs, dates, and who/what labels.

// The pure module, not the package entry: the entry pulls in CSS that Node tests cannot load.
import { formatClock } from '@tapedeck/player/src/time-format.ts';

import type { Session } from './api.ts';

/**
 * Returns a duration given in seconds as `m:ss`, or `h:mm:ss` from an hour on — the same clock
 * the player's controls show, so the list, the sidebar and the scrubber never disagree.
 */
export function formatDuration(seconds: number | null | undefined): string {
  return formatClock(typeof seconds === 'number' ? seconds * 1000 : 0);
}

/**
 * Returns a moment of the session as the inspector lists show it: the player's clock plus
 * tenths of a second ("0:04.2"), since many entries fall within one second.
 */
export function formatOffset(ms: number): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  const whole = Math.floor(safe / 1000) * 1000;
  return `${formatClock(whole)}.${Math.floor((safe - whole) / 100)}`;
}

/** A URL cut into its host (shown muted) and the rest (shown prominently). */
export interface UrlParts {
  host: string;
  path: string;
}

/** Splits a URL into host and path+query+hash; text that is not a URL is all path. */
export function splitUrl(url: string | null | undefined): UrlParts {
  if (!url) return { host: '', path: '' };
  try {
    const parsed = new URL(url);
    if (!parsed.host) return { host: '', path: url };
    return { host: parsed.host, path: `${parsed.pathname}${parsed.search}${parsed.hash}` || '/' };
  } catch {
    return { host: '', path: url };
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

/** Returns how long before `now` the moment `then` was, in words ("5 min ago"). */
export function relativeTime(then: Date, now: Date): string {
  const ms = now.getTime() - then.getTime();
  if (!Number.isFinite(ms)) return '';
  if (ms < 45_000) return 'just now';
  if (ms < HOUR) return `${Math.max(1, Math.round(ms / MINUTE))} min ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  const days = Math.floor(ms / DAY);
  if (days === 1) return 'yesterday';
  if (days < 30) return plural(days, 'day');
  if (days < 365) return plural(Math.floor(days / 30), 'month');
  return plural(Math.floor(days / 365), 'year');
}

/** Returns a local, readable date and time ("25 Nov 2026, 09:00"), or '' for bad input. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Returns who the session belongs to: email, else name, else id, else "Anonymous". */
export function userLabel(session: Pick<Session, 'user_email' | 'user_name' | 'user_id'>): string {
  return session.user_email || session.user_name || session.user_id || 'Anonymous';
}

/** Returns "Chrome 131 · Linux" from whatever parts are known, or an em dash. */
export function browserLabel(session: Pick<Session, 'browser' | 'browser_version' | 'os'>): string {
  const major = session.browser_version ? session.browser_version.split('.')[0] : '';
  const browser = [session.browser, session.browser && major].filter(Boolean).join(' ');
  return [browser, session.os].filter(Boolean).join(' · ') || '—';
}

/** Returns a count with thousands separators, or an em dash when unknown. */
export function formatCount(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US') : '—';
}
