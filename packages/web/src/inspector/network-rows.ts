//! The Network panel's rows: requests from the timeline's `network` entries (the recorder's
//! `tapedeck.network` payload), their status classes and filters, and the waterfall geometry.

import { isFailedRequest, type TimelineEntry } from './timeline.ts';

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'failed' | 'other';
export const STATUS_CLASSES: readonly StatusClass[] = ['2xx', '3xx', '4xx', '5xx', 'failed'];

/** One request of the Network panel. Times are ms on the player clock. */
export interface NetworkRow {
  id: string;
  /** When the request was made. */
  start: number;
  durationMs: number;
  /** The entry's own time (when the recorder reported it, after the answer). */
  at: number;
  type: string;
  method: string;
  url: string;
  status: number;
  failed: boolean;
  error: string | null;
  requestSize: number | null;
  responseSize: number | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody: string | null;
  responseBody: string | null;
  /** The recorder or the server cut part of this request's data. */
  truncated: boolean;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function headers(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Slack for client clocks: a request reported more than this after its start is suspect. */
const MAX_REPORT_DELAY_MS = 10 * 60_000;

/**
 * Returns when a request started on the player clock. The payload's `start` is epoch ms from the
 * page's clock, the same clock as the session's first event (`sessionStartMs`), so their
 * difference is exact; when it is missing or does not fit before the report (`at`), the start
 * is taken as `at - duration`.
 */
export function requestStart(data: Record<string, unknown>, at: number, sessionStartMs: number | null): number {
  const duration = Math.max(0, num(data.duration_ms) ?? 0);
  const fallback = Math.max(0, at - duration);
  const start = num(data.start);
  if (start === null || sessionStartMs === null) return fallback;
  const onClock = start - sessionStartMs;
  return onClock >= 0 && onClock <= at + 1 && at - onClock <= MAX_REPORT_DELAY_MS ? onClock : fallback;
}

/** The requests of a timeline, by start time. `sessionStartMs`: the session's first event, epoch ms. */
export function networkRows(entries: readonly TimelineEntry[], sessionStartMs: number | null): NetworkRow[] {
  return entries
    .filter((e) => e.kind === 'network')
    .map((e): NetworkRow => {
      const d = e.data;
      return {
        id: e.id,
        start: requestStart(d, e.at, sessionStartMs),
        durationMs: Math.max(0, num(d.duration_ms) ?? 0),
        at: e.at,
        type: str(d.kind) ?? '',
        method: (str(d.method) ?? 'GET').toUpperCase(),
        url: str(d.url) ?? e.label,
        status: num(d.status) ?? 0,
        failed: isFailedRequest(d),
        error: str(d.error),
        requestSize: num(d.request_size),
        responseSize: num(d.response_size),
        requestHeaders: headers(d.request_headers),
        responseHeaders: headers(d.response_headers),
        requestBody: str(d.request_body),
        responseBody: str(d.response_body),
        truncated: d.truncated === true,
      };
    })
    .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
}

export function statusClass(row: Pick<NetworkRow, 'status'>): StatusClass {
  const s = row.status;
  if (s === 0) return 'failed';
  if (s >= 500 && s < 600) return '5xx';
  if (s >= 400) return '4xx';
  if (s >= 300) return '3xx';
  if (s >= 200) return '2xx';
  return 'other';
}

/** The rows of the status classes shown (none selected: all) whose method, URL or status contains `search`. */
export function filterNetwork(rows: readonly NetworkRow[], classes: ReadonlySet<StatusClass>, search: string): NetworkRow[] {
  const needle = search.trim().toLowerCase();
  return rows.filter((row) => {
    if (classes.size > 0 && !classes.has(statusClass(row))) return false;
    if (!needle) return true;
    return `${row.method} ${row.url} ${row.status}`.toLowerCase().includes(needle);
  });
}

/** The time span the waterfall column shows. */
export interface WaterfallScale {
  from: number;
  to: number;
}

/**
 * The waterfall's span: from the first request's start to the last one's end, as browser
 * devtools draw it (the whole session would squash every bar of a long session into a dot).
 * At least 1 ms wide, so a lone instant request still has a bar.
 */
export function waterfallScale(rows: readonly Pick<NetworkRow, 'start' | 'durationMs'>[]): WaterfallScale {
  if (rows.length === 0) return { from: 0, to: 1 };
  let from = Infinity;
  let to = -Infinity;
  for (const row of rows) {
    from = Math.min(from, row.start);
    to = Math.max(to, row.start + row.durationMs);
  }
  return { from, to: Math.max(to, from + 1) };
}

/** A bar's left edge and width, in percent of the waterfall column (both within 0–100). */
export function waterfallBar(row: Pick<NetworkRow, 'start' | 'durationMs'>, scale: WaterfallScale): { left: number; width: number } {
  const span = scale.to - scale.from;
  const clamp = (v: number): number => Math.min(100, Math.max(0, v));
  const left = clamp(((row.start - scale.from) / span) * 100);
  const width = Math.min(100 - left, clamp((row.durationMs / span) * 100));
  return { left, width };
}

/** Where the playhead falls in the waterfall, in percent, or null outside its span. */
export function waterfallPlayhead(ms: number, scale: WaterfallScale): number | null {
  if (ms < scale.from || ms > scale.to) return null;
  return ((ms - scale.from) / (scale.to - scale.from)) * 100;
}

/** Returns "512 B", "1.5 kB", "2.3 MB" (decimal units, as devtools show), or "—". */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Returns "85 ms", "1.25 s", "2.0 min". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** The path and query of a URL (what fits a row), with its origin shown apart. */
export function shortUrl(url: string): { path: string; origin: string } {
  try {
    const parsed = new URL(url);
    return { path: `${parsed.pathname}${parsed.search}` || '/', origin: parsed.origin === 'null' ? '' : parsed.origin };
  } catch {
    return { path: url, origin: '' };
  }
}
