//! Keeps a panel's list in step with the playhead: the row at or before the current time is
//! marked (`data-current`), the rows after it too (`data-future`, dimmed: not happened yet), and
//! the current row is kept in view — unless the user is scrolling the list themselves, which
//! switches "follow" off until they switch it back on.
//!
//! The marks are set on the DOM directly rather than through a render: the playhead moves many
//! times a second, and re-rendering thousands of rows for a few changed attributes is wasted
//! work. Only the rows between the old and the new position change, and each row is styled by
//! its own attributes: a sibling selector (`[data-current] ~ .row`) made Chrome re-match every
//! row against its predecessors on each move, 190 ms a frame with 2,000 rows.

import type { RefObject } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { lastAtOrBefore, type Playhead } from '../../inspector/playhead.ts';

export interface Follow {
  follow: boolean;
  setFollow(on: boolean): void;
}

/** Scrolls `list` so `row` is visible, centring it when it was out of view. */
function reveal(list: HTMLElement, row: HTMLElement): void {
  const l = list.getBoundingClientRect();
  const r = row.getBoundingClientRect();
  if (l.height === 0) return; // hidden panel
  if (r.top >= l.top && r.bottom <= l.bottom) return;
  list.scrollTop += r.top - l.top - (l.height - Math.min(r.height, l.height)) / 2;
}

const SCROLL_KEYS = new Set(['PageUp', 'PageDown', 'Home', 'End', 'ArrowUp', 'ArrowDown']);

/**
 * Marks and follows the current row of `listRef` (whose children are the rows, in the order of
 * `times`). `active`: the panel is shown (a hidden panel is revealed when it becomes visible).
 */
export function useFollow(listRef: RefObject<HTMLElement>, times: readonly number[], playhead: Playhead, active: boolean): Follow {
  const [follow, setFollowState] = useState(true);
  const followRef = useRef(follow);
  followRef.current = follow;
  const marked = useRef<{ index: number; row: Element | null }>({ index: -2, row: null });

  const apply = useCallback(
    (force: boolean): void => {
      const list = listRef.current;
      if (!list) return;
      const index = lastAtOrBefore(times, playhead.get());
      const row = index >= 0 ? (list.children[index] ?? null) : null;
      const before = marked.current;
      if (!force && index === before.index && row === before.row) return;
      const rows = list.children;
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
      if (followRef.current && row instanceof HTMLElement) reveal(list, row);
    },
    [listRef, times, playhead],
  );

  // After every render of the rows (filters change which element is which row), mark again.
  useLayoutEffect(() => apply(true));
  // The player may report the time several times a frame; marking and scrolling (which reads
  // layout) once per frame keeps the page from laying out again and again.
  useEffect(() => {
    let frame = 0;
    const stop = playhead.subscribe(() => {
      if (frame === 0) frame = requestAnimationFrame(() => {
        frame = 0;
        apply(false);
      });
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
    const list = listRef.current;
    if (!list) return;
    const scrollable = (): boolean => list.scrollHeight > list.clientHeight + 1;
    const userScrolled = (): void => {
      if (followRef.current && scrollable()) setFollowState(false);
    };
    const onPointerDown = (event: PointerEvent): void => {
      if (event.target === list) userScrolled(); // the scrollbar: rows cover the rest
    };
    const onKey = (event: KeyboardEvent): void => {
      if (SCROLL_KEYS.has(event.key)) userScrolled();
    };
    list.addEventListener('wheel', userScrolled, { passive: true });
    list.addEventListener('touchmove', userScrolled, { passive: true });
    list.addEventListener('pointerdown', onPointerDown);
    list.addEventListener('keydown', onKey);
    return () => {
      list.removeEventListener('wheel', userScrolled);
      list.removeEventListener('touchmove', userScrolled);
      list.removeEventListener('pointerdown', onPointerDown);
      list.removeEventListener('keydown', onKey);
    };
  }, [listRef]);

  const setFollow = useCallback(
    (on: boolean) => {
      followRef.current = on;
      setFollowState(on);
      if (on) apply(true);
    },
    [apply],
  );
  return { follow, setFollow };
}
