//! Sizing the Replayer's wrapper inside the player stage: scaled to fit and centred,
//! or, in embed mode, at the recorded size in the top-left corner. A seek outside the loaded
//! span brings a new Replayer, so the wrapper can be swapped.

import { EventType, type eventWithTime } from '@rrweb/types';
import { scaleToFit, type Size } from './scale.ts';

/** Keeps the recorded viewport fitted to the stage. */
export interface Viewport {
  /** Fits `wrapper` (a new Replayer's) from now on. */
  attach(wrapper: HTMLElement): void;
  /** Applies the current recorded size to the stage and wrapper. */
  fit(): void;
  /** Takes a Replayer `resize` payload (`{width, height}`) and refits. */
  onResize(dimension: unknown): void;
  /** The current scale factor of the recorded viewport (1 in embed mode). */
  scale(): number;
  destroy(): void;
}

function isSize(value: unknown): value is Size {
  if (typeof value !== 'object' || value === null) return false;
  const { width, height } = value as Record<string, unknown>;
  return typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0;
}

/** Returns the viewport size from the first Meta event, if there is one. */
export function recordedSize(events: readonly eventWithTime[]): Size | null {
  const meta = events.find((e) => e.type === EventType.Meta);
  return meta && isSize(meta.data) ? { width: meta.data.width, height: meta.data.height } : null;
}

export function createViewport(stage: HTMLElement, embed: boolean): Viewport {
  let size: Size = { width: 1024, height: 768 };
  let wrapper: HTMLElement | null = null;
  let scale = 1;

  const fit = (): void => {
    if (!wrapper) return;
    wrapper.style.width = `${size.width}px`;
    wrapper.style.height = `${size.height}px`;
    if (embed) {
      stage.style.width = `${size.width}px`;
      stage.style.height = `${size.height}px`;
      return;
    }
    const box = { width: stage.clientWidth, height: stage.clientHeight };
    const fitted = scaleToFit(box, size);
    scale = fitted.scale;
    wrapper.style.transform = `translate(${fitted.offsetX}px, ${fitted.offsetY}px) scale(${fitted.scale})`;
  };

  const observer = embed || typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => fit());
  observer?.observe(stage);

  return {
    attach(next) {
      wrapper = next;
      next.style.transformOrigin = '0 0';
      next.style.position = 'absolute';
      next.style.left = '0';
      next.style.top = '0';
      fit();
    },
    fit,
    onResize(dimension) {
      if (!isSize(dimension)) return;
      size = { width: dimension.width, height: dimension.height };
      fit();
    },
    scale: () => scale,
    destroy() {
      observer?.disconnect();
    },
  };
}
