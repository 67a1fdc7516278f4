//! The timeline bar: a scrubber (a native range input, for keyboard and screen readers) over a
//! track showing the loaded span, the inactive spans and progress, with markers above it and an
//! overview of the whole session below. It zooms (wheel or the − / + buttons) around the
//! pointer or the playhead; the overview shows and pans the zoomed part. Geometry is in
//! timeline-view.ts; this module only draws and reports intents.

import { formatClock } from './time-format.ts';
import {
  clampView,
  followPlayhead,
  fromFraction,
  fullView,
  isZoomed,
  layoutMarkers,
  MARKER_PRIORITY,
  MIN_VIEW_MS,
  panView,
  toFraction,
  zoomView,
  ZOOM_STEP,
  type MarkerGroup,
  type TimelineView,
} from './timeline-view.ts';
import type { InactiveSpan, MarkerKind, TimelineMarker } from './types.ts';

/** Markers closer than this on screen are drawn as one. */
const MARKER_GAP_PX = 7;
/** The track's inset on each side: half the scrubber's thumb (player.css). */
const TRACK_INSET_PX = 7;
/** How many labels a marker's tooltip lists before "and N more". */
const TOOLTIP_LINES = 4;

/** Human names of marker kinds, for tooltips and labels. */
export const MARKER_NAMES: Record<MarkerKind, string> = {
  click: 'Click',
  rage_click: 'Rage click',
  navigation: 'Navigation',
  error: 'Error',
  custom: 'Custom event',
  note: 'Note',
  network: 'Request',
  console: 'Console',
};

/** Returns the human name of a marker kind; kinds this player does not know keep their own. */
export function markerName(kind: string): string {
  return (MARKER_NAMES as Record<string, string>)[kind] ?? kind.replace(/_/g, ' ');
}

function rank(kind: string): number {
  const i = (MARKER_PRIORITY as readonly string[]).indexOf(kind);
  return i < 0 ? MARKER_PRIORITY.length : i;
}

/** What the bar asks the player to do. */
export interface TimelineIntents {
  onSeek(ms: number): void;
  /** The pointer rested over `ms`: a seek there may follow (the player prefetches it). */
  onHover?(ms: number): void;
}

/** The pointer counts as resting after this long without moving. */
const HOVER_REST_MS = 120;

export interface TimelineBar {
  readonly element: HTMLElement;
  /** The zoom buttons, for the caller to place. */
  readonly zoomControls: HTMLElement;
  setDuration(ms: number): void;
  /** Moves the playhead; a zoomed view follows it when `follow` is true. */
  setTime(ms: number, follow: boolean): void;
  setCoverage(coverage: { from: number; to: number } | null): void;
  setMarkers(markers: readonly TimelineMarker[]): void;
  setInactive(spans: readonly InactiveSpan[]): void;
  zoom(factor: number): void;
  /** Returns true when `node` is one of the bar's focusable controls. */
  owns(node: EventTarget | null): boolean;
  destroy(): void;
}

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  node.className = className;
  return node;
}

function percent(fraction: number): string {
  return `${(Math.min(1, Math.max(0, fraction)) * 100).toFixed(4)}%`;
}

function iconButton(doc: Document, className: string, label: string, text: string): HTMLButtonElement {
  const button = el(doc, 'button', className);
  button.type = 'button';
  button.setAttribute('aria-label', label);
  button.title = label;
  button.textContent = text;
  return button;
}

export function createTimelineBar(doc: Document, intents: TimelineIntents): TimelineBar {
  const root = el(doc, 'div', 'td-timeline');
  const main = el(doc, 'div', 'td-timeline__main');
  const markerLayer = el(doc, 'div', 'td-timeline__markers');
  const track = el(doc, 'div', 'td-timeline__track');
  const inactiveLayer = el(doc, 'div', 'td-timeline__inactive-layer');
  const loaded = el(doc, 'div', 'td-timeline__loaded');
  const progress = el(doc, 'div', 'td-timeline__progress');
  track.append(inactiveLayer, loaded, progress);
  const scrubber = el(doc, 'input', 'td-timeline__scrubber');
  scrubber.type = 'range';
  scrubber.min = '0';
  scrubber.step = '1';
  scrubber.setAttribute('aria-label', 'Seek');
  const tooltip = el(doc, 'div', 'td-timeline__tooltip');
  tooltip.setAttribute('role', 'tooltip');
  tooltip.hidden = true;
  main.append(track, markerLayer, scrubber, tooltip);

  const overview = el(doc, 'div', 'td-timeline__overview');
  overview.setAttribute('aria-hidden', 'true');
  const overviewLoaded = el(doc, 'div', 'td-timeline__overview-loaded');
  const overviewWindow = el(doc, 'div', 'td-timeline__overview-window');
  const overviewHead = el(doc, 'div', 'td-timeline__overview-head');
  overview.append(overviewLoaded, overviewWindow, overviewHead);
  root.append(main, overview);

  const zoomControls = el(doc, 'div', 'td-timeline__zoom');
  const zoomOut = iconButton(doc, 'td-icon-button', 'Zoom out of the timeline', '−');
  const zoomIn = iconButton(doc, 'td-icon-button', 'Zoom into the timeline', '+');
  zoomControls.append(zoomOut, zoomIn);

  let durationMs = 0;
  let timeMs = 0;
  let view: TimelineView = fullView(0);
  let coverage: { from: number; to: number } | null = null;
  let markers: readonly TimelineMarker[] = [];
  let inactive: readonly InactiveSpan[] = [];
  let groups: MarkerGroup[] = [];
  let dragging = false;
  let hoverGroup: MarkerGroup | null = null;
  let restTimer = 0;
  const rested = (ms: number): void => {
    const win = doc.defaultView;
    if (!win || !intents.onHover) return;
    win.clearTimeout(restTimer);
    restTimer = win.setTimeout(() => intents.onHover?.(ms), HOVER_REST_MS);
  };

  const renderTime = (): void => {
    if (!dragging) scrubber.value = String(Math.round(timeMs));
    const f = toFraction(view, timeMs);
    progress.style.width = percent(f);
    overviewHead.style.left = percent(durationMs > 0 ? timeMs / durationMs : 0);
    scrubber.setAttribute('aria-valuetext', `${formatClock(timeMs)} of ${formatClock(durationMs)}`);
  };
  const renderCoverage = (): void => {
    loaded.hidden = overviewLoaded.hidden = coverage === null;
    if (!coverage) return;
    const to = Math.min(coverage.to, durationMs);
    const a = toFraction(view, coverage.from);
    const b = toFraction(view, to);
    loaded.style.left = percent(a);
    loaded.style.width = percent(Math.min(1, b) - Math.max(0, a));
    overviewLoaded.style.left = percent(durationMs > 0 ? coverage.from / durationMs : 0);
    overviewLoaded.style.width = percent(durationMs > 0 ? (to - coverage.from) / durationMs : 0);
  };
  const renderInactive = (): void => {
    inactiveLayer.replaceChildren(
      ...inactive
        .filter((s) => s.to > view.start && s.from < view.end)
        .map((s) => {
          const span = el(doc, 'div', 'td-timeline__inactive');
          const a = Math.max(0, toFraction(view, s.from));
          span.style.left = percent(a);
          span.style.width = percent(Math.min(1, toFraction(view, s.to)) - a);
          span.title = `Inactive ${formatClock(s.from)}–${formatClock(s.to)}`;
          return span;
        }),
    );
  };
  const renderMarkers = (): void => {
    groups = layoutMarkers(markers, view, markerLayer.clientWidth || 600, MARKER_GAP_PX);
    markerLayer.replaceChildren(
      ...groups.map((group) => {
        const button = el(doc, 'button', `td-marker td-marker--${group.kind}`);
        button.type = 'button';
        button.tabIndex = -1; // shift+←/→ reach markers from the keyboard; 200 tab stops would not help
        button.style.left = percent(group.x);
        // The group speaks for its most important marker: the kind it is drawn in.
        const lead = group.markers.find((m) => m.kind === group.kind) ?? group.markers[0];
        const more = group.markers.length > 1 ? ` (+${group.markers.length - 1} more)` : '';
        button.setAttribute('aria-label', `${markerName(lead.kind)}: ${lead.label} at ${formatClock(lead.at)}${more}`);
        button.dataset.kind = group.kind;
        button.dataset.at = String(lead.at);
        button.addEventListener('pointerenter', () => {
          showMarkerTip(group);
          rested(lead.at);
        });
        button.addEventListener('pointerleave', hideTip);
        button.addEventListener('click', () => intents.onSeek(lead.at));
        return button;
      }),
    );
  };
  const renderView = (): void => {
    scrubber.min = String(Math.floor(view.start));
    scrubber.max = String(Math.ceil(view.end));
    const zoomed = isZoomed(view, durationMs);
    root.classList.toggle('td-timeline--zoomed', zoomed);
    overviewWindow.style.left = percent(durationMs > 0 ? view.start / durationMs : 0);
    overviewWindow.style.width = percent(durationMs > 0 ? (view.end - view.start) / durationMs : 1);
    zoomOut.disabled = !zoomed;
    zoomIn.disabled = durationMs <= 0 || view.end - view.start <= MIN_VIEW_MS + 1;
    renderTime();
    renderCoverage();
    renderInactive();
    renderMarkers();
  };
  const setView = (next: TimelineView): void => {
    view = clampView(next, durationMs);
    hideTip();
    renderView();
  };

  /** Shows the tooltip over `fraction` of the track, kept inside the bar. */
  function placeTip(fraction: number): void {
    tooltip.hidden = false;
    const width = main.clientWidth;
    const tip = tooltip.offsetWidth;
    const x = TRACK_INSET_PX + fraction * (width - 2 * TRACK_INSET_PX);
    tooltip.style.left = `${Math.round(Math.min(Math.max(0, x - tip / 2), Math.max(0, width - tip)))}px`;
  }
  function showMarkerTip(group: MarkerGroup): void {
    hoverGroup = group;
    const shown = [...group.markers].sort((a, b) => rank(a.kind) - rank(b.kind) || a.at - b.at).slice(0, TOOLTIP_LINES);
    const lines = shown.map((m) => {
      const row = el(doc, 'div', `td-timeline__tip-row td-timeline__tip-row--${m.kind}`);
      const time = el(doc, 'span', 'td-timeline__tip-time');
      time.textContent = formatClock(m.at);
      const label = el(doc, 'span', 'td-timeline__tip-label');
      label.textContent = m.kind === 'click' || m.label === markerName(m.kind) ? markerName(m.kind) : `${markerName(m.kind)}: ${m.label}`;
      row.append(time, label);
      return row;
    });
    if (group.markers.length > TOOLTIP_LINES) {
      const rest = el(doc, 'div', 'td-timeline__tip-more');
      rest.textContent = `and ${group.markers.length - TOOLTIP_LINES} more`;
      lines.push(rest);
    }
    tooltip.replaceChildren(...lines);
    placeTip(group.x);
  }
  function hideTip(): void {
    hoverGroup = null;
    tooltip.hidden = true;
  }
  const fractionAt = (clientX: number, box: DOMRect): number => (box.width > 0 ? (clientX - box.left) / box.width : 0);

  // Hovering the track shows the time under the pointer.
  main.addEventListener('pointermove', (event) => {
    if (hoverGroup || event.target instanceof HTMLButtonElement) return;
    const f = fractionAt(event.clientX, track.getBoundingClientRect());
    const ms = fromFraction(view, f);
    rested(ms);
    const time = el(doc, 'span', 'td-timeline__tip-time');
    time.textContent = formatClock(ms);
    tooltip.replaceChildren(time);
    placeTip(Math.min(1, Math.max(0, f)));
  });
  main.addEventListener('pointerleave', hideTip);

  // The wheel zooms around the time under the pointer; sideways (or with shift) it pans.
  main.addEventListener(
    'wheel',
    (event) => {
      if (durationMs <= 0) return;
      event.preventDefault();
      const span = view.end - view.start;
      const sideways = Math.abs(event.deltaX) > Math.abs(event.deltaY) ? event.deltaX : event.shiftKey ? event.deltaY : 0;
      if (sideways !== 0) {
        setView(panView(view, (sideways / Math.max(1, main.clientWidth)) * span, durationMs));
        return;
      }
      const anchor = fromFraction(view, fractionAt(event.clientX, track.getBoundingClientRect()));
      setView(zoomView(view, event.deltaY < 0 ? Math.SQRT2 : Math.SQRT1_2, anchor, durationMs));
    },
    { passive: false },
  );

  // Scrubbing: while the thumb is held, playback time updates must not yank it back.
  scrubber.addEventListener('pointerdown', () => {
    dragging = true;
  });
  const endDrag = (): void => {
    dragging = false;
  };
  scrubber.addEventListener('pointerup', endDrag);
  scrubber.addEventListener('pointercancel', endDrag);
  scrubber.addEventListener('change', endDrag);
  scrubber.addEventListener('input', () => {
    const ms = Number(scrubber.value);
    timeMs = ms;
    renderTime();
    intents.onSeek(ms);
  });

  // The overview pans a zoomed view: press or drag to centre the view there.
  const panTo = (clientX: number): void => {
    const f = fractionAt(clientX, overview.getBoundingClientRect());
    const span = view.end - view.start;
    setView({ start: f * durationMs - span / 2, end: f * durationMs + span / 2 });
  };
  overview.addEventListener('pointerdown', (event) => {
    if (!isZoomed(view, durationMs)) return;
    overview.setPointerCapture(event.pointerId);
    panTo(event.clientX);
    const move = (e: PointerEvent): void => panTo(e.clientX);
    const up = (): void => {
      overview.removeEventListener('pointermove', move);
      overview.removeEventListener('pointerup', up);
      overview.removeEventListener('pointercancel', up);
    };
    overview.addEventListener('pointermove', move);
    overview.addEventListener('pointerup', up);
    overview.addEventListener('pointercancel', up);
  });

  const bar: TimelineBar = {
    element: root,
    zoomControls,
    setDuration(ms) {
      const wasFull = !isZoomed(view, durationMs);
      durationMs = Math.max(0, ms);
      view = wasFull ? fullView(durationMs) : clampView(view, durationMs);
      renderView();
    },
    setTime(ms, follow) {
      timeMs = ms;
      if (follow && !dragging) {
        const next = followPlayhead(view, ms, durationMs);
        if (next !== view) return setView(next);
      }
      renderTime();
    },
    setCoverage(next) {
      coverage = next;
      renderCoverage();
    },
    setMarkers(next) {
      markers = next;
      renderMarkers();
    },
    setInactive(next) {
      inactive = next;
      renderInactive();
    },
    zoom(factor) {
      const anchor = timeMs >= view.start && timeMs <= view.end ? timeMs : (view.start + view.end) / 2;
      setView(zoomView(view, factor, anchor, durationMs));
    },
    owns(node) {
      return node === scrubber || node === zoomIn || node === zoomOut || (node instanceof Node && markerLayer.contains(node));
    },
    destroy() {
      observer?.disconnect();
      doc.defaultView?.clearTimeout(restTimer);
    },
  };
  zoomIn.addEventListener('click', () => bar.zoom(ZOOM_STEP));
  zoomOut.addEventListener('click', () => bar.zoom(1 / ZOOM_STEP));
  // Marker grouping depends on the bar's width.
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => renderMarkers());
  observer?.observe(markerLayer);
  renderView();
  return bar;
}
