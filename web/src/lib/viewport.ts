// Pan and zoom arithmetic: fitting the drawing into the view and centring one component.
import type { Point } from './model.ts';

/** Screen = world * k + (x, y), as in d3-zoom. */
export interface ViewTransform {
  x: number;
  y: number;
  k: number;
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 4;

/** Pixels along each side of the view that an overlay (the legend) covers: nothing is framed under them. */
export interface Insets {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export const NO_INSETS: Insets = { left: 0, top: 0, right: 0, bottom: 0 };

/**
 * The insets that keep the drawing clear of a box in the view's bottom-left corner: the box is
 * kept out as a strip on the left or one along the bottom, whichever leaves the larger area.
 */
export function bottomLeftInsets(box: { width: number; height: number }, width: number, height: number): Insets {
  if (box.width <= 0 || box.height <= 0 || box.width >= width || box.height >= height) return NO_INSETS;
  return (width - box.width) * height >= width * (height - box.height)
    ? { ...NO_INSETS, left: box.width }
    : { ...NO_INSETS, bottom: box.height };
}

/**
 * Transform that shows every position with `padding` pixels to spare inside the part of the view
 * the insets leave clear, never zoomed past 1.5.
 */
export function fitTransform(xy: Float32Array, width: number, height: number, padding = 48, insets: Insets = NO_INSETS): ViewTransform {
  const clearWidth = width - insets.left - insets.right;
  const clearHeight = height - insets.top - insets.bottom;
  // An overlay larger than the view leaves nothing to frame into: frame the whole view instead.
  if (clearWidth <= 2 * padding || clearHeight <= 2 * padding) return fitTransform(xy, width, height, padding);
  if (xy.length < 2 || width <= 0 || height <= 0) return { x: insets.left + clearWidth / 2, y: insets.top + clearHeight / 2, k: 1 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i]!;
    const y = xy[i + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const spanX = Math.max(maxX - minX, 1);
  const spanY = Math.max(maxY - minY, 1);
  const k = Math.min(
    1.5,
    Math.max(MIN_ZOOM, Math.min((clearWidth - 2 * padding) / spanX, (clearHeight - 2 * padding) / spanY)),
  );
  return { x: insets.left + clearWidth / 2 - ((minX + maxX) / 2) * k, y: insets.top + clearHeight / 2 - ((minY + maxY) / 2) * k, k };
}

/** Transform that puts `point` in the middle of the view at zoom `k`. */
export function centreOn(point: Point, k: number, width: number, height: number): ViewTransform {
  return { x: width / 2 - point.x * k, y: height / 2 - point.y * k, k };
}

export function toWorld(t: ViewTransform, screen: Point): Point {
  return { x: (screen.x - t.x) / t.k, y: (screen.y - t.y) / t.k };
}
