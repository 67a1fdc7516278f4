//! Which rows of a long list are in the DOM. A timeline may hold 20,000 entries; building all
//! of them costs seconds and slows every frame after, so a panel renders a window of rows around
//! the playhead (or where the user browses) and moves it when the playhead leaves it.

/** Rows rendered at most at once. */
export const ROW_WINDOW = 600;
/** When following, the window moves once the current row is this close to one of its ends. */
const EDGE_ROWS = 40;

/** A half-open range `[start, end)` of row indexes. */
export interface RowWindow {
  start: number;
  end: number;
}

/** Returns the window that puts row `index` a third of the way down (all rows when they fit). */
export function windowAround(index: number, total: number, size = ROW_WINDOW): RowWindow {
  if (total <= size) return { start: 0, end: total };
  const start = Math.min(Math.max(0, index - Math.floor(size / 3)), total - size);
  return { start, end: start + size };
}

/** Whether the window must move to keep row `index` (-1: before the first) clear of its ends. */
export function needsMove(index: number, win: RowWindow, total: number, edge = EDGE_ROWS): boolean {
  if (win.start === 0 && win.end >= total) return false;
  const low = win.start === 0 ? 0 : win.start + edge;
  const high = win.end >= total ? total : win.end - edge;
  return Math.max(0, index) < low || index >= high;
}

/** The window moved by half its size towards the start (`-1`) or the end (`1`), inside the list. */
export function shiftWindow(win: RowWindow, direction: -1 | 1, total: number, size = ROW_WINDOW): RowWindow {
  const span = Math.min(size, total);
  const start = Math.min(Math.max(0, win.start + direction * Math.floor(size / 2)), Math.max(0, total - span));
  return { start, end: start + span };
}
