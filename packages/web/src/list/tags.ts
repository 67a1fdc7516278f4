//! Session tags and links as the UI shows and edits them: a tag is `key` → `value`, a plain label
//! has the value "" and shows as its key alone; typed input "key:value" splits at the first colon.
//! Pure.

import { safeHttpUrl } from '../inspector/note-rules.ts';

/** Returns a tag as shown: `key` when its value is empty, else `key: value`. */
export function tagLabel(key: string, value: string): string {
  return value === '' ? key : `${key}: ${value}`;
}

/** Splits "key:value" / "key: value" / "label" at the first colon into a tag's key and value. */
export function parseTag(text: string): { key: string; value: string } {
  const at = text.indexOf(':');
  if (at < 0) return { key: text.trim(), value: '' };
  return { key: text.slice(0, at).trim(), value: text.slice(at + 1).trim() };
}

/** A session's tags sorted by key, for a stable display. */
export function tagEntries(tags: Readonly<Record<string, string>> | null | undefined): [string, string][] {
  return Object.entries(tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The tags after the server applied `remove` (keys) then `add` (key → value), as the tags API does. */
export function applyTagChange(
  tags: Readonly<Record<string, string>> | null | undefined,
  add: Readonly<Record<string, string>>,
  remove: readonly string[],
): Record<string, string> {
  const next: Record<string, string> = { ...(tags ?? {}) };
  for (const key of remove) delete next[key];
  Object.assign(next, add);
  return next;
}

/** The ticket and issue links of `sessions`, each reference once (its first safe URL), in order. */
export function distinctLinks(sessions: readonly { links?: readonly { ref: string; url?: string | null }[] }[]): { ref: string; url: string | null }[] {
  const seen = new Map<string, string | null>();
  for (const s of sessions) {
    for (const link of s.links ?? []) {
      const url = safeHttpUrl(link.url);
      if (!seen.has(link.ref) || (seen.get(link.ref) === null && url)) seen.set(link.ref, url);
    }
  }
  return [...seen].map(([ref, url]) => ({ ref, url }));
}
