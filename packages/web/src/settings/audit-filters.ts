//! The audit log page's filters as data: read from and written to the page's query string
//! (so a filtered view can be bookmarked and shared), and turned into the query of
//! `GET /api/v1/audit` and its CSV / NDJSON export. Dates are whole days in the viewer's time
//! zone; the API gets exact instants. Pure, so it is unit-tested.

export interface AuditFilters {
  /** An exact action (`member.invite`) or a prefix ending in `.*` (`session.*`). */
  action: string;
  /** An exact actor: `user:<id>`, `api_key:<id>`, `system:retention`, `cli`. */
  actor: string;
  /** An exact target: `session:<id>`, `user:<id>`, `invitation:<id>`, … */
  target: string;
  /** First day shown, `YYYY-MM-DD`, or ''. */
  from: string;
  /** Last day shown (inclusive), `YYYY-MM-DD`, or ''. */
  to: string;
}

export type ExportFormat = 'csv' | 'ndjson';

export const EMPTY_FILTERS: AuditFilters = { action: '', actor: '', target: '', from: '', to: '' };

const FILTER_KEYS = ['action', 'actor', 'target', 'from', 'to'] as const;

/** Longest filter value kept from an address (the API caps its parameters too). */
const MAX_FILTER_CHARS = 200;

/** The audited actions, grouped as the action filter offers them (prefix entries end in `.*`). */
export const AUDIT_ACTIONS: { value: string; label: string }[] = [
  { value: 'member.*', label: 'Members: all' },
  { value: 'member.invite', label: 'Member invited' },
  { value: 'member.invite_revoke', label: 'Invitation revoked' },
  { value: 'member.join', label: 'Member joined' },
  { value: 'member.role_change', label: 'Role changed' },
  { value: 'member.remove', label: 'Member removed' },
  { value: 'user.*', label: 'Passwords: all' },
  { value: 'user.password_change', label: 'Password changed' },
  { value: 'user.password_reset', label: 'Password reset link made' },
  { value: 'auth.*', label: 'Sign-ins: all' },
  { value: 'auth.login', label: 'Signed in' },
  { value: 'auth.login_failed', label: 'Sign-in failed' },
  { value: 'auth.logout', label: 'Signed out' },
  { value: 'api_key.*', label: 'API keys: all' },
  { value: 'api_key.create', label: 'API key created' },
  { value: 'api_key.revoke', label: 'API key revoked' },
  { value: 'project.*', label: 'Projects: all' },
  { value: 'project.create', label: 'Project created' },
  { value: 'project.settings', label: 'Project settings changed' },
  { value: 'project.key_rotate', label: 'Ingest key rotated' },
  { value: 'project.key_update', label: 'Ingest key changed' },
  { value: 'project.key_retire', label: 'Ingest key retired' },
  { value: 'session.*', label: 'Recordings: all' },
  { value: 'session.view', label: 'Recording viewed' },
  { value: 'session.export', label: 'Recording exported' },
  { value: 'session.delete', label: 'Recording deleted' },
  { value: 'session.import', label: 'Recording imported' },
  { value: 'session.tag', label: 'Recording tagged' },
  { value: 'session.link', label: 'Ticket linked' },
  { value: 'session.unlink', label: 'Ticket unlinked' },
  { value: 'end_user.*', label: 'End-user data: all' },
  { value: 'end_user.export', label: 'End-user data exported' },
  { value: 'end_user.erase', label: 'End-user data erased' },
  { value: 'audit.export', label: 'Audit log exported' },
];

/** Returns the human name of an action, or the action itself when it is not a known one. */
export function actionLabel(action: string): string {
  return AUDIT_ACTIONS.find((a) => a.value === action)?.label ?? action;
}

/** Returns true for a `YYYY-MM-DD` string naming a real calendar day. */
export function isDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
}

/** Returns the filters in a page address's query string; bad or overlong values are dropped. */
export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  const read = (key: (typeof FILTER_KEYS)[number]): string => {
    const value = (search.get(key) ?? '').trim();
    if (value.length > MAX_FILTER_CHARS) return '';
    if ((key === 'from' || key === 'to') && !isDay(value)) return '';
    return value;
  };
  return { action: read('action'), actor: read('actor'), target: read('target'), from: read('from'), to: read('to') };
}

/** Returns the page's query string (without `?`) for an organization and filters; empty ones are left out. */
export function searchFromFilters(organizationId: string | null, filters: AuditFilters): string {
  const params = new URLSearchParams();
  if (organizationId) params.set('org', organizationId);
  for (const key of FILTER_KEYS) {
    const value = filters[key].trim();
    if (value) params.set(key, value);
  }
  return params.toString();
}

/** Returns true when any filter is set. */
export function isFiltered(filters: AuditFilters): boolean {
  return FILTER_KEYS.some((key) => filters[key].trim() !== '');
}

/** Returns the first instant of a local day as RFC 3339 (UTC). */
export function startOfDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date).toISOString();
}

/** Returns the first instant after a local day as RFC 3339 (UTC): the API's `to` is exclusive, so this includes the whole day. */
export function endOfDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date + 1).toISOString();
}

/** Returns a problem with the date range for the form, or null. */
export function checkRange(filters: AuditFilters): string | null {
  if (filters.from && filters.to && filters.from > filters.to) return 'The start day is after the end day.';
  return null;
}

/** Returns the query of `GET /api/v1/audit` (and, with `format`, of its export). */
export function apiQuery(
  organizationId: string,
  filters: AuditFilters,
  page: { cursor?: string | null; limit?: number; format?: ExportFormat } = {},
): URLSearchParams {
  const params = new URLSearchParams({ organization_id: organizationId });
  if (filters.action.trim()) params.set('action', filters.action.trim());
  if (filters.actor.trim()) params.set('actor', filters.actor.trim());
  if (filters.target.trim()) params.set('target', filters.target.trim());
  if (isDay(filters.from)) params.set('from', startOfDay(filters.from));
  if (isDay(filters.to)) params.set('to', endOfDay(filters.to));
  if (page.cursor) params.set('cursor', page.cursor);
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.format) params.set('format', page.format);
  return params;
}

/** Returns the address that downloads every matching entry as a file. */
export function exportHref(organizationId: string, filters: AuditFilters, format: ExportFormat): string {
  return `/api/v1/audit/export?${apiQuery(organizationId, filters, { format })}`;
}

const UUID = /\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** Returns text with every UUID shortened to its first 8 hex digits and `…` (the full value stays in a tooltip). */
export function shortenIds(text: string): string {
  return text.replace(UUID, '$1…');
}

/** Returns a target (`kind:id`) split for display: `{ kind: 'session', id: '0193f2c4…' }`; ids are shortened. */
export function targetParts(target: string): { kind: string; id: string } {
  const colon = target.indexOf(':');
  if (colon <= 0) return { kind: '', id: shortenIds(target) };
  return { kind: target.slice(0, colon), id: shortenIds(target.slice(colon + 1)) };
}

/** Who did it, as the table shows it: a name and, for non-people, what kind of actor it is. */
export function actorLabel(entry: { actor: string; actor_email?: string | null; actor_name?: string | null }): { name: string; kind: string | null } {
  if (entry.actor_email) return { name: entry.actor_email, kind: null };
  if (entry.actor.startsWith('api_key:')) return { name: entry.actor_name || shortenIds(entry.actor), kind: 'API key' };
  if (entry.actor === 'system:retention') return { name: 'Retention job', kind: 'System' };
  if (entry.actor.startsWith('system:')) return { name: entry.actor.slice('system:'.length), kind: 'System' };
  if (entry.actor === 'cli') return { name: 'Command line', kind: 'Operator' };
  return { name: entry.actor_name || shortenIds(entry.actor), kind: null };
}

/** Returns an entry's details as `[key, value]` pairs for display, values as short text with ids shortened. */
export function detailPairs(details: unknown): [string, string][] {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return [];
  return Object.entries(details).map(([key, value]) => [key, shortenIds(typeof value === 'string' ? value : JSON.stringify(value))]);
}

/** Returns an entry's details as one line (`from: member, to: admin`), for tooltips. */
export function detailsLine(details: unknown): string {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return '';
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}
