//! Scale-to-fit math for the replay viewport. Pure: no DOM.

/** A width and height in CSS pixels. */
export interface Size {
  width: number;
  height: number;
}

/** Where and how large the recorded viewport is drawn inside a box. */
export interface FitTransform {
  /** Uniform scale factor applied to the recorded viewport. */
  scale: number;
  /** Left offset in box pixels that centres the scaled viewport horizontally. */
  offsetX: number;
  /** Top offset in box pixels that centres the scaled viewport vertically. */
  offsetY: number;
}

/**
 * Returns the largest uniform scale at which `viewport` fits inside `box`, centred.
 * Degenerate sizes (zero, negative, NaN) give scale 1 at the origin, so a
 * not-yet-laid-out container never produces a zero or infinite transform.
 */
export function scaleToFit(box: Size, viewport: Size): FitTransform {
  const valid = (n: number): boolean => Number.isFinite(n) && n > 0;
  if (!valid(box.width) || !valid(box.height) || !valid(viewport.width) || !valid(viewport.height)) {
    return { scale: 1, offsetX: 0, offsetY: 0 };
  }
  const scale = Math.min(box.width / viewport.width, box.height / viewport.height);
  return {
    scale,
    offsetX: (box.width - viewport.width * scale) / 2,
    offsetY: (box.height - viewport.height * scale) / 2,
  };
}
