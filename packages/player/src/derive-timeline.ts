//! Timeline markers read from events held in memory (HTML exports, tests), by the rules of the
//! server's timeline API (docs/API.md): clicks, rage clicks, navigations, errors (recorded
//! errors, console errors, failed requests) and custom events. Pure: no DOM.

import { EventType, IncrementalSource, MouseInteractions } from '@rrweb/types';
import type { TimelineMarker } from './types.ts';

/** A rage click: at least this many clicks… */
export const RAGE_MIN_CLICKS = 3;
/** …within this long of the first… */
export const RAGE_WINDOW_MS = 1_000;
/** …and this close to it, in CSS pixels. */
export const RAGE_RADIUS_PX = 30;

interface EventShape {
  type: number;
  timestamp: number;
  data: unknown;
}

type Payload = Record<string, unknown>;

function record(value: unknown): Payload {
  return typeof value === 'object' && value !== null ? (value as Payload) : {};
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

/** Returns the path (and query) of `url`, or `url` itself when it does not parse. */
export function urlLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/** Returns the marker of a custom event, or null for the player's own and Tapedeck's quiet ones. */
function customMarker(id: string, at: number, data: Payload): TimelineMarker | null {
  const tag = text(data.tag, '');
  const payload = record(data.payload);
  if (tag === 'tapedeck.error') return { id, at, kind: 'error', label: text(payload.message, 'Error') };
  if (tag === 'tapedeck.console') {
    if (payload.level !== 'error') return null;
    const args = Array.isArray(payload.args) ? payload.args.map(String).join(' ') : '';
    return { id, at, kind: 'error', label: text(args, 'console.error') };
  }
  if (tag === 'tapedeck.network') {
    const status = typeof payload.status === 'number' ? payload.status : 0;
    if (payload.ok !== false && status > 0 && status < 400) return null;
    const label = `${text(payload.method, 'GET')} ${urlLabel(text(payload.url, ''))} → ${status || 'failed'}`;
    return { id, at, kind: 'error', label };
  }
  if (tag === '' || tag.startsWith('tapedeck.')) return null;
  return { id, at, kind: 'custom', label: tag };
}

/**
 * Returns the markers of `events` (sorted, epoch timestamps) on the player clock whose zero is
 * `originMs`, sorted by time. Ids are `e-<index>`, stable for the same events.
 */
export function deriveMarkers(events: readonly EventShape[], originMs: number): TimelineMarker[] {
  const markers: TimelineMarker[] = [];
  const clicks: { at: number; x: number; y: number }[] = [];
  let href: string | null = null;
  events.forEach((event, i) => {
    const at = event.timestamp - originMs;
    const id = `e-${i}`;
    const data = record(event.data);
    if (event.type === EventType.Meta) {
      const next = text(data.href, '');
      if (next && next !== href) markers.push({ id, at, kind: 'navigation', label: urlLabel(next) });
      href = next || href;
    } else if (event.type === EventType.Custom) {
      const marker = customMarker(id, at, data);
      if (marker) markers.push(marker);
    } else if (
      event.type === EventType.IncrementalSnapshot &&
      data.source === IncrementalSource.MouseInteraction &&
      data.type === MouseInteractions.Click
    ) {
      markers.push({ id, at, kind: 'click', label: 'Click' });
      clicks.push({ at, x: Number(data.x) || 0, y: Number(data.y) || 0 });
    }
  });
  markers.push(...rageClicks(clicks));
  return markers.sort((a, b) => a.at - b.at);
}

/** Returns one `rage_click` marker per burst of clicks, at the burst's first click. */
export function rageClicks(clicks: readonly { at: number; x: number; y: number }[]): TimelineMarker[] {
  const found: TimelineMarker[] = [];
  let i = 0;
  while (i < clicks.length) {
    const first = clicks[i];
    let j = i + 1;
    while (
      j < clicks.length &&
      clicks[j].at - first.at <= RAGE_WINDOW_MS &&
      Math.hypot(clicks[j].x - first.x, clicks[j].y - first.y) <= RAGE_RADIUS_PX
    ) {
      j++;
    }
    const count = j - i;
    if (count >= RAGE_MIN_CLICKS) {
      found.push({ id: `rage-${first.at}`, at: first.at, kind: 'rage_click', label: `Rage click (${count}×)` });
      i = j;
    } else i++;
  }
  return found;
}
