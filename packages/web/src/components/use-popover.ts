//! `usePopover`: open/closed state for a menu or editor anchored to a button, closed by Escape
//! or by a pointer press outside it (the press still reaches whatever it landed on).

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Popover {
  open: boolean;
  /** The element holding both the trigger and the popover; presses inside keep it open. */
  ref: { current: HTMLDivElement | null };
  show(): void;
  hide(): void;
  toggle(): void;
}

export function usePopover(onClose?: () => void): Popover {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement | null>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const hide = useCallback(() => {
    setOpen(false);
    closeRef.current?.();
  }, []);
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent): void => {
      if (ref.current && !ref.current.contains(event.target as Node)) hide();
    };
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') hide();
    };
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, hide]);
  return { open, ref, show: useCallback(() => setOpen(true), []), hide, toggle: useCallback(() => setOpen((o) => !o), []) };
}
