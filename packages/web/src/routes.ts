//! The app's routes as data: matching a pathname, and validating redirect targets.
//! Pure, so it is unit-tested without a browser.

/** The parts of `/settings/…`, in the order of its left nav. */
export const SETTINGS_SECTIONS = ['projects', 'members', 'api-keys', 'audit', 'account'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export type Route =
  | { name: 'sessions' }
  | { name: 'session'; id: string }
  | { name: 'user'; userId: string }
  | { name: 'login' }
  | { name: 'setup' }
  | { name: 'settings'; section: SettingsSection }
  | { name: 'invite' }
  | { name: 'reset-password' }
  | { name: 'not-found' };

/** Returns the route for a pathname; a trailing slash is ignored. */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/' || path === '') return { name: 'sessions' };
  if (path === '/login') return { name: 'login' };
  if (path === '/setup') return { name: 'setup' };
  if (path === '/invite') return { name: 'invite' };
  if (path === '/reset-password') return { name: 'reset-password' };
  if (path === '/settings') return { name: 'settings', section: 'projects' };
  const settings = /^\/settings\/([a-z-]+)$/.exec(path);
  const section = SETTINGS_SECTIONS.find((s) => s === settings?.[1]);
  if (section) return { name: 'settings', section };
  const session = /^\/sessions\/([^/]+)$/.exec(path);
  const sessionId = session ? decodeSegment(session[1]) : null;
  if (sessionId) return { name: 'session', id: sessionId };
  const user = /^\/users\/([^/]+)$/.exec(path);
  // End-user ids are whatever the site's `identify` sent, slashes included (escaped as %2F).
  const userId = user ? decodeSegment(user[1], true) : null;
  if (userId) return { name: 'user', userId };
  return { name: 'not-found' };
}

/** Returns the path of a settings section, keeping the chosen organization (`?org=`) if given. */
export function settingsPath(section: SettingsSection, organizationId?: string | null): string {
  return `/settings/${section}${organizationId ? `?${new URLSearchParams({ org: organizationId })}` : ''}`;
}

/**
 * Returns the one-time token of an `/invite#TOKEN` or `/reset-password#TOKEN` link: the hash
 * keeps it out of server logs and Referer headers. Also accepts `#token=TOKEN`.
 */
export function tokenFromHash(hash: string): string {
  const raw = hash.replace(/^#/, '').trim();
  const value = raw.startsWith('token=') ? raw.slice('token='.length) : raw;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Decodes one path segment; null when empty, malformed, or (unless allowed) holding a slash. */
function decodeSegment(segment: string | undefined, allowSlash = false): string | null {
  try {
    const value = decodeURIComponent(segment ?? '');
    return value && (allowSlash || !value.includes('/')) ? value : null;
  } catch {
    // A malformed escape is not an id.
    return null;
  }
}

/** Returns the path of an end user's page (`/users/{user_id}`), with the list's query if given. */
export function userPath(userId: string, search = ''): string {
  return `/users/${encodeURIComponent(userId)}${search ? `?${search}` : ''}`;
}

/** Returns the path of a session page, with `t`, `window` and `embed` if asked. */
export function sessionPath(id: string, query: { t?: number; window?: string; embed?: boolean } = {}): string {
  const params = new URLSearchParams();
  if (query.t !== undefined) params.set('t', String(Number.isFinite(query.t) ? Math.max(0, Math.round(query.t)) : 0));
  if (query.window) params.set('window', query.window);
  if (query.embed) params.set('embed', '1');
  const search = params.toString();
  return `/sessions/${encodeURIComponent(id)}${search ? `?${search}` : ''}`;
}

/**
 * Returns `next` when it is a path on this site, else '/'. Guards the login redirect
 * against sending people to other origins (`//evil`, `https://…`, `/\evil`).
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

/** Returns a non-negative integer millisecond offset from a `?t=` value, or 0. */
export function parseStartTime(value: string | null): number {
  if (!value) return 0;
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? Math.floor(ms) : 0;
}
