//! Keeping a shown list current (pure): a fresh first page is merged into the rows already shown.
//! Shown rows take the fresh values in place (duration, events, live state, tags…) and keep their
//! position; sessions the user has not seen yet are held back ("N new sessions — show") rather
//! than inserted under the pointer, which would move the row the user is about to click.

/** What a row needs to be merged: its id. */
export interface Keyed {
  id: string;
}

export interface Merged<T extends Keyed> {
  /** The shown rows, in the same order, each replaced by its fresh copy when the page has one. */
  rows: T[];
  /** Sessions not shown yet, in the page's order, then older pending ones the page no longer holds. */
  pending: T[];
}

/**
 * Merges `page` (the query's first page, just fetched) into `shown`. `pending` are the sessions
 * already held back by an earlier refresh; fresh copies replace them and they stay counted.
 * Rows missing from the page stay: a row never disappears under the user's eyes.
 */
export function mergeFirstPage<T extends Keyed>(shown: readonly T[], page: readonly T[], pending: readonly T[] = []): Merged<T> {
  const fresh = new Map(page.map((s) => [s.id, s]));
  const shownIds = new Set(shown.map((s) => s.id));
  const rows = shown.map((s) => fresh.get(s.id) ?? s);
  const newOnes = page.filter((s) => !shownIds.has(s.id));
  const newIds = new Set(newOnes.map((s) => s.id));
  const older = pending.filter((s) => !newIds.has(s.id) && !shownIds.has(s.id));
  return { rows, pending: [...newOnes, ...older] };
}

/**
 * The rows after "show": the pending sessions on top (the newest-first list's order), without
 * any row twice.
 */
export function showPending<T extends Keyed>(shown: readonly T[], pending: readonly T[]): T[] {
  const ids = new Set(pending.map((s) => s.id));
  return [...pending, ...shown.filter((s) => !ids.has(s.id))];
}

/** Milliseconds between refreshes, and after a failed one (a server in trouble is asked less). */
export const REFRESH_MS = 10_000;
export const BACKOFF_MS = 60_000;

/**
 * The delay before the next refresh. `overrideMs` (tests only: `localStorage['tapedeck.listRefreshMs']`)
 * replaces the 10 s, and the back-off is then six times it, as 60 s is six times 10 s.
 */
export function nextDelay(failed: boolean, overrideMs?: number | null): number {
  const base = overrideMs && overrideMs > 0 ? overrideMs : REFRESH_MS;
  if (!failed) return base;
  return overrideMs && overrideMs > 0 ? base * 6 : BACKOFF_MS;
}

/** Why a refresh must wait: a list request in flight, rows selected for bulk tagging, a hidden page. */
export function mayRefresh(state: { busy: boolean; selected: number; visible: boolean }): boolean {
  return !state.busy && state.selected === 0 && state.visible;
}
