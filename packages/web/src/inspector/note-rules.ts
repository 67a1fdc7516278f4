//! The rules the notes and info UI apply: who may add and delete a note, what a note's text
//! may be (the server checks both again), and which recorded links are safe to show as links.

import type { Note } from './timeline.ts';

/** Longest note text, in characters after trimming (the server's limit). */
export const NOTE_MAX_CHARS = 2000;

/** Roles that may write to a session of their organization. */
const WRITERS = new Set(['owner', 'admin', 'member']);
/** Roles that may delete anyone's note. */
const MODERATORS = new Set(['owner', 'admin']);

/** Returns an error message for a note text, or null when it may be sent. */
export function noteTextError(text: string): string | null {
  const length = [...text.trim()].length;
  if (length === 0) return 'Write something first.';
  if (length > NOTE_MAX_CHARS) return `A note holds at most ${NOTE_MAX_CHARS.toLocaleString('en-US')} characters (this one has ${length.toLocaleString('en-US')}).`;
  return null;
}

/** Whether a user with `role` in the session's organization may add notes (viewers may not). */
export function canAddNotes(role: string | null): boolean {
  return role !== null && WRITERS.has(role);
}

/** Whether the user may delete `note`: their own, or any as owner/admin. */
export function canDeleteNote(note: Pick<Note, 'author'>, userId: string | null, role: string | null): boolean {
  if (userId !== null && note.author.id === userId) return true;
  return role !== null && MODERATORS.has(role);
}

/** The user's role in the organization `organizationId`, from `/api/v1/me`; with no id, their only role. */
export function roleIn(organizations: readonly { id: string; role: string }[], organizationId: string | null | undefined): string | null {
  if (organizationId) return organizations.find((o) => o.id === organizationId)?.role ?? null;
  return organizations.length === 1 ? (organizations[0]?.role ?? null) : null;
}

/** Returns `url` when it is an http(s) URL (safe as a link's `href`), else null: recorded values are untrusted. */
export function safeHttpUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The support ticket the session is linked to (`metadata.ticket`, `metadata.ticket_url`), if any. */
export function ticketOf(metadata: Record<string, unknown> | null | undefined): { ref: string; url: string | null } | null {
  if (!metadata) return null;
  const ref = typeof metadata.ticket === 'string' ? metadata.ticket.trim() : '';
  const url = safeHttpUrl(metadata.ticket_url);
  if (!ref && !url) return null;
  return { ref: ref || (url as string), url };
}
