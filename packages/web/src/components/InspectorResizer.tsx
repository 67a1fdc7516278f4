//! The handle between the player and the inspector: drag to resize; the width is remembered
//! in this browser. Double-click restores the default.

import { useCallback, useState } from 'preact/hooks';

const STORAGE_KEY = 'tapedeck.inspector.width';
export const DEFAULT_INSPECTOR_WIDTH = 440;
const MIN_WIDTH = 320;
/** The player keeps at least this much room. */
const MIN_PLAYER_WIDTH = 420;

function clampWidth(width: number): number {
  const max = Math.max(MIN_WIDTH, window.innerWidth - MIN_PLAYER_WIDTH);
  return Math.round(Math.min(max, Math.max(MIN_WIDTH, width)));
}

function storedWidth(): number {
  try {
    const value = Number(localStorage.getItem(STORAGE_KEY));
    return Number.isFinite(value) && value > 0 ? value : DEFAULT_INSPECTOR_WIDTH;
  } catch {
    return DEFAULT_INSPECTOR_WIDTH;
  }
}

/** The inspector's width in px and a setter that clamps and remembers it. */
export function useInspectorWidth(): [number, (width: number) => void] {
  const [width, setWidthState] = useState(storedWidth);
  const setWidth = useCallback((next: number) => {
    const clamped = clampWidth(next);
    setWidthState(clamped);
    try {
      localStorage.setItem(STORAGE_KEY, String(clamped));
    } catch {
      // Private mode: the width is simply not remembered.
    }
  }, []);
  return [width, setWidth];
}

export function InspectorResizer({ width, onResize }: { width: number; onResize(width: number): void }) {
  const onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0) return;
    event.preventDefault();
    const handle = event.currentTarget as HTMLElement;
    handle.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const startWidth = width;
    document.documentElement.classList.add('is-resizing');
    const move = (e: PointerEvent): void => onResize(startWidth + (startX - e.clientX));
    const end = (): void => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
      document.documentElement.classList.remove('is-resizing');
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  };
  return (
    <div
      class="inspector-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the inspector"
      aria-valuenow={width}
      title="Drag to resize; double-click to reset"
      onPointerDown={onPointerDown}
      onDblClick={() => onResize(DEFAULT_INSPECTOR_WIDTH)}
    />
  );
}
