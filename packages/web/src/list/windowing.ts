//! Virtual scrolling for the sessions list: which rows of a long, fixed-height list are in the
//! DOM for a given scroll position, and when to fetch the next page. The list scrolls with the
//! page, so positions are measured from the list's top. Pure, unit-tested.

/** Rows drawn above and below the visible ones, so a fast scroll does not show blank space. */
export const OVERSCAN_ROWS = 8;
/** The next page is fetched once the visible rows come this close to the end of what is loaded. */
export const PREFETCH_ROWS = 20;

/** A half-open range `[start, end)` of row indexes. */
export interface RowRange {
  start: number;
  end: number;
}

export interface Viewport {
  /** How far the page has scrolled past the list's top edge, in px (negative: the list starts lower down). */
  scrollTop: number;
  /** The visible height, in px. */
  height: number;
}

/** Returns the rows to render: those that intersect the viewport, plus `overscan` on each side. */
export function visibleRows(view: Viewport, rowHeight: number, total: number, overscan = OVERSCAN_ROWS): RowRange {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, view.scrollTop);
  const bottom = Math.max(0, view.scrollTop + Math.max(0, view.height));
  const first = Math.min(total, Math.floor(top / rowHeight));
  const last = Math.min(total, Math.ceil(bottom / rowHeight));
  return { start: Math.max(0, first - overscan), end: Math.min(total, Math.max(last, first) + overscan) };
}

/** The spacer heights around the rendered rows, so the scrollbar reflects the whole list. */
export function padding(range: RowRange, rowHeight: number, total: number): { before: number; after: number } {
  return { before: range.start * rowHeight, after: Math.max(0, total - range.end) * rowHeight };
}

/** Whether to fetch the next page: there is one, none is in flight, and the rendered rows near the end. */
export function shouldFetchMore(range: RowRange, total: number, state: { hasMore: boolean; loading: boolean }, prefetch = PREFETCH_ROWS): boolean {
  return state.hasMore && !state.loading && range.end >= total - prefetch;
}
