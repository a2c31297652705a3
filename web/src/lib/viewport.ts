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

/** Transform that shows every position with `padding` pixels to spare, never zoomed past 1.5. */
export function fitTransform(xy: Float32Array, width: number, height: number, padding = 48): ViewTransform {
  if (xy.length < 2 || width <= 0 || height <= 0) return { x: width / 2, y: height / 2, k: 1 };
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
    Math.max(MIN_ZOOM, Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY)),
  );
  return { x: width / 2 - ((minX + maxX) / 2) * k, y: height / 2 - ((minY + maxY) / 2) * k, k };
}

/** Transform that puts `point` in the middle of the view at zoom `k`. */
export function centreOn(point: Point, k: number, width: number, height: number): ViewTransform {
  return { x: width / 2 - point.x * k, y: height / 2 - point.y * k, k };
}

export function toWorld(t: ViewTransform, screen: Point): Point {
  return { x: (screen.x - t.x) / t.k, y: (screen.y - t.y) / t.k };
}
