//! Keeps a panel's list in step with the playhead: the row at or before the current time is
//! marked (`data-current`; CSS dims the rows after it) and kept in view — unless the user is
//! scrolling the list themselves, which switches "follow" off until they switch it back on.
//!
//! The mark is set on the DOM directly rather than through a render: the playhead moves many
//! times a second, and re-rendering thousands of rows for one changed attribute is wasted work.

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
      if (!force && index === marked.current.index && row === marked.current.row) return;
      for (const old of list.querySelectorAll(':scope > [data-current]')) old.removeAttribute('data-current');
      row?.setAttribute('data-current', '');
      list.toggleAttribute('data-before-start', index < 0 && times.length > 0);
      marked.current = { index, row };
      if (followRef.current && row instanceof HTMLElement) reveal(list, row);
    },
    [listRef, times, playhead],
  );

  // After every render of the rows (filters change which element is which row), mark again.
  useLayoutEffect(() => apply(true));
  useEffect(() => playhead.subscribe(() => apply(false)), [playhead, apply]);
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
