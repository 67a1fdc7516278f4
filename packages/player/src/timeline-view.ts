//! The timeline bar's geometry: which part of the session it shows (zoom and pan), where a
//! time falls on it, and how markers group when they would overlap. Pure: no DOM. Times are
//! milliseconds on the player clock; positions are fractions of the bar's width (0–1).

import type { MarkerKind, TimelineMarker } from './types.ts';

/** The part of the session the bar shows. */
export interface TimelineView {
  start: number;
  end: number;
}

/** The narrowest view: 10 seconds across the whole bar. */
export const MIN_VIEW_MS = 10_000;
/** One zoom step (a button press or a wheel notch) halves or doubles the visible span. */
export const ZOOM_STEP = 2;
/** When the playhead leaves a zoomed view while playing, the view pages so it sits here. */
export const FOLLOW_AT = 0.1;

/** Returns the view of the whole session. */
export function fullView(durationMs: number): TimelineView {
  return { start: 0, end: Math.max(0, durationMs) };
}

/** Returns true when `view` shows less than the whole session. */
export function isZoomed(view: TimelineView, durationMs: number): boolean {
  return view.end - view.start < durationMs - 0.5;
}

/** Returns `view` moved (not resized) to lie inside `[0, durationMs]`. */
export function clampView(view: TimelineView, durationMs: number): TimelineView {
  const span = Math.min(Math.max(0, view.end - view.start), Math.max(0, durationMs));
  const start = Math.min(Math.max(0, view.start), Math.max(0, durationMs - span));
  return { start, end: start + span };
}

/**
 * Returns `view` zoomed by `factor` (> 1 zooms in) around `anchorMs`, which keeps its place on
 * the bar. The span stays between `MIN_VIEW_MS` (or the duration, if shorter) and the duration.
 */
export function zoomView(view: TimelineView, factor: number, anchorMs: number, durationMs: number): TimelineView {
  const span = view.end - view.start;
  if (!(factor > 0) || span <= 0 || durationMs <= 0) return fullView(durationMs);
  const nextSpan = Math.min(durationMs, Math.max(Math.min(MIN_VIEW_MS, durationMs), span / factor));
  const anchor = Math.min(Math.max(anchorMs, view.start), view.end);
  const at = (anchor - view.start) / span;
  return clampView({ start: anchor - at * nextSpan, end: anchor - at * nextSpan + nextSpan }, durationMs);
}

/** Returns `view` shifted by `deltaMs`, kept inside the session. */
export function panView(view: TimelineView, deltaMs: number, durationMs: number): TimelineView {
  return clampView({ start: view.start + deltaMs, end: view.end + deltaMs }, durationMs);
}

/** Returns a view that shows `playheadMs`: `view` itself, or `view` paged to put it at `FOLLOW_AT`. */
export function followPlayhead(view: TimelineView, playheadMs: number, durationMs: number): TimelineView {
  if (playheadMs >= view.start && playheadMs <= view.end) return view;
  const span = view.end - view.start;
  const start = playheadMs - span * FOLLOW_AT;
  return clampView({ start, end: start + span }, durationMs);
}

/** Returns where `ms` falls on the bar showing `view` (may be outside 0–1). */
export function toFraction(view: TimelineView, ms: number): number {
  const span = view.end - view.start;
  return span > 0 ? (ms - view.start) / span : 0;
}

/** Returns the time at `fraction` of the bar showing `view`, with `fraction` clamped to 0–1. */
export function fromFraction(view: TimelineView, fraction: number): number {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  return view.start + f * (view.end - view.start);
}

/** Marker kinds from most to least important: a group shows the first it holds. */
export const MARKER_PRIORITY: readonly MarkerKind[] = ['error', 'rage_click', 'note', 'navigation', 'custom', 'network', 'console', 'click'];

/** Markers drawn at one spot of the bar. */
export interface MarkerGroup {
  /** Position on the bar (0–1), the mean of its markers' positions. */
  x: number;
  /** The most important kind among `markers`. */
  kind: MarkerKind;
  /** The markers, by time. */
  markers: TimelineMarker[];
}

function rank(kind: MarkerKind): number {
  const i = MARKER_PRIORITY.indexOf(kind);
  return i < 0 ? MARKER_PRIORITY.length : i;
}

/**
 * Returns the markers (sorted by `at`) visible in `view`, grouped so that no two groups are
 * closer than `minGapPx` on a bar `widthPx` wide. Each group starts at its first marker and
 * takes in the markers that follow within the gap.
 */
export function layoutMarkers(
  markers: readonly TimelineMarker[],
  view: TimelineView,
  widthPx: number,
  minGapPx: number,
): MarkerGroup[] {
  if (!(widthPx > 0)) return [];
  const groups: MarkerGroup[] = [];
  const gap = minGapPx / widthPx;
  let open: { first: number; sum: number; group: MarkerGroup } | null = null;
  for (const marker of markers) {
    if (marker.at < view.start || marker.at > view.end) continue;
    const x = toFraction(view, marker.at);
    if (open && x - open.first < gap) {
      open.group.markers.push(marker);
      open.sum += x;
      open.group.x = open.sum / open.group.markers.length;
      if (rank(marker.kind) < rank(open.group.kind)) open.group.kind = marker.kind;
      continue;
    }
    open = { first: x, sum: x, group: { x, kind: marker.kind, markers: [marker] } };
    groups.push(open.group);
  }
  return groups;
}

/** Returns `markers` sorted by time, then id, without entries whose time is not a number. */
export function sortMarkers(markers: readonly TimelineMarker[]): TimelineMarker[] {
  return markers
    .filter((m) => Number.isFinite(m.at))
    .slice()
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Tick spacing candidates for the time axis, in milliseconds. */
const TICK_STEPS = [1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/** Returns the times of axis ticks for `view` on a bar `widthPx` wide, about `minSpacingPx` apart or more. */
export function axisTicks(view: TimelineView, widthPx: number, minSpacingPx = 80): number[] {
  const span = view.end - view.start;
  if (!(span > 0) || !(widthPx > 0)) return [];
  const step = TICK_STEPS.find((s) => (s / span) * widthPx >= minSpacingPx) ?? TICK_STEPS[TICK_STEPS.length - 1];
  const ticks: number[] = [];
  for (let t = Math.ceil(view.start / step) * step; t <= view.end && ticks.length < 200; t += step) ticks.push(t);
  return ticks;
}
