//! Multi-select over the list's rows: a click toggles one row, a shift-click sets every row
//! between the last clicked one (the anchor) and this one to the clicked row's new state, as in
//! a mail client. Rows are identified by id, so loading more pages keeps the selection. Pure.

export interface Selection {
  ids: ReadonlySet<string>;
  /** The row last clicked without shift, the start of a shift-click range. */
  anchor: string | null;
}

export const NO_SELECTION: Selection = { ids: new Set(), anchor: null };

/** Returns the selection after a click on row `index` of `order` (the list's ids, in display order). */
export function clickRow(selection: Selection, order: readonly string[], index: number, shift: boolean): Selection {
  const id = order[index];
  if (id === undefined) return selection;
  const select = !selection.ids.has(id);
  const anchorAt = selection.anchor === null ? -1 : order.indexOf(selection.anchor);
  const ids = new Set(selection.ids);
  if (shift && anchorAt >= 0) {
    const [from, to] = anchorAt <= index ? [anchorAt, index] : [index, anchorAt];
    for (const rowId of order.slice(from, to + 1)) {
      if (select) ids.add(rowId);
      else ids.delete(rowId);
    }
    // The anchor stays, so a second shift-click re-draws the range from the same row.
    return { ids, anchor: selection.anchor };
  }
  if (select) ids.add(id);
  else ids.delete(id);
  return { ids, anchor: id };
}

/** Selects all of `order`, or clears the selection when all are selected already. */
export function toggleAll(selection: Selection, order: readonly string[]): Selection {
  const all = order.length > 0 && order.every((id) => selection.ids.has(id));
  return all ? NO_SELECTION : { ids: new Set(order), anchor: selection.anchor };
}

/** The selected ids in display order (ids no longer listed are dropped). */
export function selectedInOrder(selection: Selection, order: readonly string[]): string[] {
  return order.filter((id) => selection.ids.has(id));
}
