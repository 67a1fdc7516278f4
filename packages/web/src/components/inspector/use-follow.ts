//! Keeps a panel's list in step with the playhead: the row at or before the current time is
//! marked (`data-current`), the rows after it too (`data-future`, dimmed: not happened yet), and
//! the current row is kept in view — unless the user is scrolling the list themselves, which
//! switches "follow" off until they switch it back on. Long lists render a window of rows
//! (inspector/row-window.ts) that moves with the playhead while following.
//!
//! The marks are set on the DOM directly rather than through a render: the playhead moves many
//! times a second, and re-rendering thousands of rows for a few changed attributes is wasted
//! work. Only the rows between the old and the new position change, and each row is styled by
//! its own attributes: a sibling selector (`[data-current] ~ .row`) made Chrome re-match every
//! row against its predecessors on each move, 190 ms a frame with 2,000 rows.

import type { RefObject } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { lastAtOrBefore, type Playhead } from '../../inspector/playhead.ts';
import { needsMove, shiftWindow, windowAround, type RowWindow } from '../../inspector/row-window.ts';

export interface Follow {
  follow: boolean;
  setFollow(on: boolean): void;
  /** The rows to render: `items.slice(win.start, win.end)`. */
  win: RowWindow;
  /** Shows rows before (`-1`) or after (`1`) the window; stops following. */
  page(direction: -1 | 1): void;
  /** The element whose children are the rendered rows. */
  listRef: RefObject<HTMLElement>;
  /** The element that scrolls (the list itself, or a wrapper around it). */
  scrollerRef: RefObject<HTMLElement>;
}

/** Scrolls `scroller` so `row` is visible, centring it when it was out of view. */
function reveal(scroller: HTMLElement, row: HTMLElement): void {
  const l = scroller.getBoundingClientRect();
  const r = row.getBoundingClientRect();
  if (l.height === 0) return; // hidden panel
  if (r.top >= l.top && r.bottom <= l.bottom) return;
  scroller.scrollTop += r.top - l.top - (l.height - Math.min(r.height, l.height)) / 2;
}

const SCROLL_KEYS = new Set(['PageUp', 'PageDown', 'Home', 'End', 'ArrowUp', 'ArrowDown']);

/**
 * Follows the playhead over rows at `times` (sorted). `active`: the panel is shown (a hidden
 * panel is revealed when it becomes visible).
 */
export function useFollow(times: readonly number[], playhead: Playhead, active: boolean): Follow {
  const listRef = useRef<HTMLElement>(null);
  const scrollerRef = useRef<HTMLElement>(null);
  const [follow, setFollowState] = useState(true);
  const followRef = useRef(follow);
  followRef.current = follow;
  const [, rerender] = useState(0);
  // The window belongs to one list of times: new times (a filter changed) get a fresh window.
  const winRef = useRef<{ times: readonly number[]; win: RowWindow } | null>(null);
  if (winRef.current?.times !== times) {
    winRef.current = { times, win: windowAround(lastAtOrBefore(times, playhead.get()), times.length) };
  }
  const win = winRef.current.win;
  const setWin = useCallback(
    (next: RowWindow) => {
      winRef.current = { times, win: next };
      rerender((n) => n + 1);
    },
    [times],
  );
  const marked = useRef<{ index: number; row: Element | null }>({ index: -2, row: null });

  const apply = useCallback(
    (force: boolean): void => {
      const list = listRef.current;
      const current = winRef.current;
      if (!list || !current) return;
      const overall = lastAtOrBefore(times, playhead.get());
      if (followRef.current && needsMove(overall, current.win, times.length)) {
        setWin(windowAround(overall, times.length));
        return; // the render that follows marks the rows
      }
      const index = overall - current.win.start;
      const rows = list.children;
      const row = index >= 0 && index < rows.length ? (rows[index] ?? null) : null;
      const before = marked.current;
      if (!force && index === before.index && row === before.row) return;
      if (force) {
        for (const old of list.querySelectorAll(':scope > [data-current]')) old.removeAttribute('data-current');
        for (let i = 0; i < rows.length; i++) rows[i]?.toggleAttribute('data-future', i > index);
      } else {
        before.row?.removeAttribute('data-current');
        // Rows between the two positions change sides; the others keep their marks.
        const [from, to, future] = index > before.index ? [before.index + 1, index, false] : [index + 1, before.index, true];
        for (let i = Math.max(0, from); i <= to && i < rows.length; i++) rows[i]?.toggleAttribute('data-future', future);
      }
      row?.setAttribute('data-current', '');
      marked.current = { index, row };
      const scroller = scrollerRef.current ?? list;
      if (followRef.current && row instanceof HTMLElement) reveal(scroller, row);
    },
    [times, playhead, setWin],
  );

  // After every render of the rows (filters change which element is which row), mark again.
  useLayoutEffect(() => apply(true));
  // The player may report the time several times a frame; marking and scrolling (which reads
  // layout) once per frame keeps the page from laying out again and again.
  useEffect(() => {
    let frame = 0;
    const stop = playhead.subscribe(() => {
      if (frame === 0) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          apply(false);
        });
      }
    });
    return () => {
      stop();
      cancelAnimationFrame(frame);
    };
  }, [playhead, apply]);
  useEffect(() => {
    if (active) apply(true);
  }, [active, apply]);

  // Only the user's own gestures switch following off; the list's programmatic scrolling does not.
  useEffect(() => {
    const scroller = scrollerRef.current ?? listRef.current;
    if (!scroller) return;
    const scrollable = (): boolean => scroller.scrollHeight > scroller.clientHeight + 1;
    const userScrolled = (): void => {
      if (followRef.current && scrollable()) setFollowState(false);
    };
    const onPointerDown = (event: PointerEvent): void => {
      if (event.target === scroller) userScrolled(); // the scrollbar: rows cover the rest
    };
    const onKey = (event: KeyboardEvent): void => {
      if (SCROLL_KEYS.has(event.key)) userScrolled();
    };
    scroller.addEventListener('wheel', userScrolled, { passive: true });
    scroller.addEventListener('touchmove', userScrolled, { passive: true });
    scroller.addEventListener('pointerdown', onPointerDown);
    scroller.addEventListener('keydown', onKey);
    return () => {
      scroller.removeEventListener('wheel', userScrolled);
      scroller.removeEventListener('touchmove', userScrolled);
      scroller.removeEventListener('pointerdown', onPointerDown);
      scroller.removeEventListener('keydown', onKey);
    };
  }, []);

  const setFollow = useCallback(
    (on: boolean) => {
      followRef.current = on;
      setFollowState(on);
      if (on) apply(true);
    },
    [apply],
  );
  const page = useCallback(
    (direction: -1 | 1) => {
      followRef.current = false;
      setFollowState(false);
      setWin(shiftWindow(winRef.current?.win ?? win, direction, times.length));
    },
    [setWin, times, win],
  );
  return { follow, setFollow, win, page, listRef, scrollerRef };
}
