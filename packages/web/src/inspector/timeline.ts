//! The session timeline (`GET /api/v1/sessions/{id}/timeline`, /tmp/team contract and
//! docs/API.md): its types, a defensive reader (the entries come from recorders, so nothing in
//! `data` is trusted to have a shape), notes merged in, and the markers handed to the player.
//! Times are milliseconds since the session's first event (the player clock).

/** One thing that happened in the session, at `at` ms on the player clock. */
export interface TimelineEntry {
  id: string;
  window_id: string | null;
  at: number;
  /** `click | rage_click | navigation | custom | console | error | network | note`, or newer kinds. */
  kind: string;
  label: string;
  data: Record<string, unknown>;
}

/** A span without user interaction, shaded by the player and skippable. */
export interface InactiveSpan {
  from: number;
  to: number;
}

export interface Timeline {
  session_id: string;
  duration_ms: number;
  entries: TimelineEntry[];
  inactive: InactiveSpan[];
  /** The server kept only the earliest entries (its cap). */
  truncated: boolean;
}

/** A timeline marker as the player draws it. */
export interface TimelineMarker {
  id: string;
  at: number;
  kind: string;
  label: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Orders entries by time, then id, as the server does; a stable order keeps lists calm. */
export function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function readEntry(raw: unknown, index: number): TimelineEntry | null {
  if (!isRecord(raw) || !finite(raw.at) || typeof raw.kind !== 'string') return null;
  return {
    id: typeof raw.id === 'string' && raw.id ? raw.id : `entry-${index}`,
    window_id: typeof raw.window_id === 'string' ? raw.window_id : null,
    at: Math.max(0, raw.at),
    kind: raw.kind,
    label: typeof raw.label === 'string' ? raw.label : '',
    data: isRecord(raw.data) ? raw.data : {},
  };
}

/** Reads a timeline answer, dropping entries and spans that are not well formed. */
export function readTimeline(raw: unknown): Timeline {
  const body = isRecord(raw) ? raw : {};
  const entries = (Array.isArray(body.entries) ? body.entries : [])
    .map(readEntry)
    .filter((e): e is TimelineEntry => e !== null)
    .sort(compareEntries);
  const inactive = (Array.isArray(body.inactive) ? body.inactive : [])
    .filter((s): s is { from: number; to: number } => isRecord(s) && finite(s.from) && finite(s.to) && s.to > s.from)
    .map((s) => ({ from: s.from, to: s.to }));
  return {
    session_id: typeof body.session_id === 'string' ? body.session_id : '',
    duration_ms: finite(body.duration_ms) ? Math.max(0, body.duration_ms) : 0,
    entries,
    inactive,
    truncated: body.truncated === true,
  };
}

/** A note at a moment of the session (`/api/v1/sessions/{id}/notes`). */
export interface Note {
  id: string;
  session_id: string;
  at: number;
  text: string;
  author: { id: string; email: string };
  created_at: string;
}

/** The timeline entry of a note: its id is `note:<note id>`, so markers stay stable. */
export function noteEntry(note: Note): TimelineEntry {
  return {
    id: `note:${note.id}`,
    window_id: null,
    at: note.at,
    kind: 'note',
    label: note.text,
    data: { note_id: note.id, author: note.author.email, text: note.text },
  };
}

/**
 * Returns the timeline's entries with its notes replaced by `notes` (the live list, which
 * changes as people add and delete notes), in timeline order. Without a live list (it failed
 * to load) the timeline's own notes stay.
 */
export function withNotes(entries: readonly TimelineEntry[], notes: readonly Note[] | null): TimelineEntry[] {
  if (notes === null) return [...entries];
  return [...entries.filter((e) => e.kind !== 'note'), ...notes.map(noteEntry)].sort(compareEntries);
}

/**
 * The entries of window `windowId` (the tab the player shows) plus those of no window (notes);
 * all of them when `windowId` is null.
 */
export function inWindow(entries: readonly TimelineEntry[], windowId: string | null): readonly TimelineEntry[] {
  if (windowId === null) return entries;
  return entries.filter((e) => e.window_id === null || e.window_id === windowId);
}

/** Whether a network entry's request failed: an error status, no answer, or `ok: false`. */
export function isFailedRequest(data: Record<string, unknown>): boolean {
  const status = data.status;
  if (finite(status) && (status >= 400 || status === 0)) return true;
  return data.ok === false;
}

const MARKER_KINDS = new Set(['click', 'rage_click', 'navigation', 'error', 'custom', 'note']);

/**
 * The markers for the player's timeline bar: clicks, rage clicks, navigations, errors, custom
 * events and notes, plus failed requests drawn as errors. Console lines and successful requests
 * are left out: they would crowd the bar, and a console error has its own `error` entry.
 */
export function markersFor(entries: readonly TimelineEntry[]): TimelineMarker[] {
  const markers: TimelineMarker[] = [];
  for (const e of entries) {
    if (MARKER_KINDS.has(e.kind)) markers.push({ id: e.id, at: e.at, kind: e.kind, label: e.label });
    else if (e.kind === 'network' && isFailedRequest(e.data)) markers.push({ id: e.id, at: e.at, kind: 'error', label: e.label });
  }
  return markers;
}

/** How the inspector names and colours each kind; unknown kinds keep their own name. */
export const KIND_LABELS: Record<string, string> = {
  navigation: 'Navigation',
  click: 'Click',
  rage_click: 'Rage click',
  custom: 'Custom',
  console: 'Console',
  error: 'Error',
  network: 'Network',
  note: 'Note',
};

const KIND_ORDER = Object.keys(KIND_LABELS);

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind.replace(/_/g, ' ');
}

/** The kinds present in `entries` with their counts, known kinds first in a fixed order. */
export function kindCounts(entries: readonly TimelineEntry[]): { kind: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  const rank = (kind: string): number => {
    const i = KIND_ORDER.indexOf(kind);
    return i === -1 ? KIND_ORDER.length : i;
  };
  return [...counts]
    .map(([kind, count]) => ({ kind, count }))
    .sort((a, b) => rank(a.kind) - rank(b.kind) || (a.kind < b.kind ? -1 : 1));
}

/** The entries whose kind is not in `hidden`. */
export function filterByKind(entries: readonly TimelineEntry[], hidden: ReadonlySet<string>): TimelineEntry[] {
  return hidden.size === 0 ? [...entries] : entries.filter((e) => !hidden.has(e.kind));
}

/** A page the user visited, at `at` on the player clock. */
export interface VisitedUrl {
  at: number;
  url: string;
  title: string | null;
}

/**
 * The session's URL history: the timeline's navigations when it has any (they carry player-clock
 * times), else the session's `urls` with times made relative to `startedAt` (an RFC 3339 time).
 */
export function urlHistory(
  entries: readonly TimelineEntry[],
  urls: readonly { url: string; at: string }[] | undefined,
  startedAt: string,
): VisitedUrl[] {
  const navigations = entries.filter((e) => e.kind === 'navigation');
  if (navigations.length > 0) {
    return navigations.map((e) => ({
      at: e.at,
      url: typeof e.data.url === 'string' ? e.data.url : e.label,
      title: typeof e.data.title === 'string' && e.data.title ? e.data.title : null,
    }));
  }
  const origin = Date.parse(startedAt);
  return (urls ?? []).map((u) => {
    const at = Date.parse(u.at);
    return { at: Number.isFinite(at) && Number.isFinite(origin) ? Math.max(0, at - origin) : 0, url: u.url, title: null };
  });
}
