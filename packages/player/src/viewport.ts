//! Sizing the Replayer's wrapper inside the player stage: scaled to fit and centred,
//! or, in embed mode, at the recorded size in the top-left corner.

import { EventType, type eventWithTime } from '@rrweb/types';
import { scaleToFit, type Size } from './scale.ts';

/** Keeps the recorded viewport fitted to the stage. */
export interface Viewport {
  /** Applies the current recorded size to the stage and wrapper. */
  fit(): void;
  /** Takes a Replayer `resize` payload (`{width, height}`) and refits. */
  onResize(dimension: unknown): void;
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

export function createViewport(
  stage: HTMLElement,
  wrapper: HTMLElement,
  embed: boolean,
  events: readonly eventWithTime[],
): Viewport {
  let size: Size = recordedSize(events) ?? { width: 1024, height: 768 };
  wrapper.style.transformOrigin = '0 0';
  wrapper.style.position = 'absolute';
  wrapper.style.left = '0';
  wrapper.style.top = '0';

  const fit = (): void => {
    wrapper.style.width = `${size.width}px`;
    wrapper.style.height = `${size.height}px`;
    if (embed) {
      stage.style.width = `${size.width}px`;
      stage.style.height = `${size.height}px`;
      return;
    }
    const box = { width: stage.clientWidth, height: stage.clientHeight };
    const { scale, offsetX, offsetY } = scaleToFit(box, size);
    wrapper.style.transform = `translate(${offsetX}px, ${offsetY}px) scale(${scale})`;
  };

  const observer = embed || typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => fit());
  observer?.observe(stage);
  fit();

  return {
    fit,
    onResize(dimension) {
      if (!isSize(dimension)) return;
      size = { width: dimension.width, height: dimension.height };
      fit();
    },
    destroy() {
      observer?.disconnect();
    },
  };
}
