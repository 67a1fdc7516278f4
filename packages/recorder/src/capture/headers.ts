/**
 * Which request and response headers network capture keeps. Only allow-listed names are kept;
 * credentials (`authorization`, `cookie`, `set-cookie`, `proxy-authorization`) and API-key-like
 * names (containing key, token, secret, auth, session, csrf, password) are never kept, even when
 * an integrator allows them. Kept values still go through `maskSensitive`. Pure: no DOM.
 */

import { maskSensitive } from './mask';

/** Headers kept without any `allowHeaders` option (lowercase). */
export const DEFAULT_ALLOWED_HEADERS: readonly string[] = [
  'accept',
  'cache-control',
  'content-encoding',
  'content-length',
  'content-type',
  'etag',
  'retry-after',
  'server-timing',
  'traceparent',
  'x-request-id',
  'x-correlation-id',
];

/** Headers that are never kept, whatever the allow-list says (lowercase). */
export const NEVER_CAPTURED_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'set-cookie2',
];

/** Substrings of header names that look like credentials; such headers are never kept. */
const SECRET_HEADER_PARTS: readonly string[] = ['key', 'token', 'secret', 'auth', 'session', 'csrf', 'xsrf', 'password'];

/** Returns true when a header of this name must never be captured. */
export function isNeverCapturedHeader(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return NEVER_CAPTURED_HEADERS.includes(lower) || SECRET_HEADER_PARTS.some((part) => lower.includes(part));
}

/** The set of header names to keep: the defaults plus `extra`, minus the never-captured ones. */
export function headerAllowList(extra: readonly string[] = []): ReadonlySet<string> {
  const allowed = new Set<string>();
  for (const name of [...DEFAULT_ALLOWED_HEADERS, ...extra]) {
    const lower = String(name).trim().toLowerCase();
    if (lower !== '' && !isNeverCapturedHeader(lower)) allowed.add(lower);
  }
  return allowed;
}

/**
 * Keeps the allowed headers of `entries` (lowercased names, masked values); `undefined` when none
 * is left. Repeated names are joined with `, ` as `Headers` does.
 */
export function filterHeaders(
  entries: Iterable<readonly [string, string]>,
  allowed: ReadonlySet<string>,
): Record<string, string> | undefined {
  const kept: Record<string, string> = {};
  let any = false;
  for (const [name, value] of entries) {
    const lower = String(name).trim().toLowerCase();
    if (!allowed.has(lower) || isNeverCapturedHeader(lower)) continue;
    const masked = maskSensitive(String(value));
    kept[lower] = lower in kept ? `${kept[lower]}, ${masked}` : masked;
    any = true;
  }
  return any ? kept : undefined;
}

/** Parses `XMLHttpRequest.getAllResponseHeaders()` output into name/value pairs. */
export function parseRawHeaders(raw: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const line of raw.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return pairs;
}
