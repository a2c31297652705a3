// Where an edge starts and ends: on the outline of each node's shape rather than at its centre,
// so arrowheads touch the callee instead of disappearing under it.
import type { Point } from './model.ts';

/** Outline of a node, centred on its position; sizes in world units. */
export type Shape =
  | { type: 'circle'; r: number }
  | { type: 'rect'; hw: number; hh: number }
  | { type: 'diamond'; hw: number; hh: number }
  /** Regular hexagon with vertices on the horizontal axis (pointy left and right). */
  | { type: 'hexagon'; r: number };

/** Distance from the centre to the outline along the unit direction (ux, uy). */
export function boundaryDistance(shape: Shape, ux: number, uy: number): number {
  const ax = Math.abs(ux);
  const ay = Math.abs(uy);
  switch (shape.type) {
    case 'circle':
      return shape.r;
    case 'rect': {
      const tx = ax > 1e-9 ? shape.hw / ax : Infinity;
      const ty = ay > 1e-9 ? shape.hh / ay : Infinity;
      return Math.min(tx, ty);
    }
    case 'diamond':
      return 1 / (ax / shape.hw + ay / shape.hh);
    case 'hexagon': {
      // Apothem over the cosine of the angle to the nearest side's normal (normals at 30° + k·60°).
      const sector = Math.PI / 3;
      const angle = Math.atan2(ay, ax);
      const offset = (angle % sector) - sector / 2;
      return (shape.r * Math.cos(Math.PI / 6)) / Math.cos(offset);
    }
  }
}

export interface EdgeGeometryOptions {
  /** Bend as a share of the edge length; 0 draws a straight line. Positive bends to the left. */
  curvature: number;
  arrowLength: number;
  arrowHalfWidth: number;
}

export interface EdgeGeometry {
  start: Point;
  /** Control point of the quadratic curve (the midpoint for straight edges). */
  control: Point;
  /** Where the line stops and the arrowhead begins. */
  base: Point;
  /** Point of the arrowhead, on the outline of the target. */
  tip: Point;
  /** SVG path of the line, from the source's outline to the arrowhead's base. */
  line: string;
  /** SVG path of the filled arrowhead triangle. */
  arrow: string;
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();

function towards(from: Point, to: Point): { ux: number; uy: number; d: number } {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const d = Math.hypot(dx, dy);
  return d < 1e-9 ? { ux: 1, uy: 0, d: 0 } : { ux: dx / d, uy: dy / d, d };
}

/**
 * Geometry of a directed edge trimmed to both outlines. Returns null when the outlines overlap
 * or leave no room for the arrowhead: such an edge would point the wrong way or not at all.
 */
export function edgeGeometry(
  from: Point,
  fromShape: Shape,
  to: Point,
  toShape: Shape,
  options: EdgeGeometryOptions,
): EdgeGeometry | null {
  const axis = towards(from, to);
  if (axis.d === 0) return null;
  const control = {
    x: (from.x + to.x) / 2 - axis.uy * axis.d * options.curvature,
    y: (from.y + to.y) / 2 + axis.ux * axis.d * options.curvature,
  };
  // The curve leaves `from` heading for the control point and arrives at `to` from it.
  const out = towards(from, control);
  const into = towards(to, control);
  const start = {
    x: from.x + out.ux * boundaryDistance(fromShape, out.ux, out.uy),
    y: from.y + out.uy * boundaryDistance(fromShape, out.ux, out.uy),
  };
  const tipOffset = boundaryDistance(toShape, into.ux, into.uy);
  const tip = { x: to.x + into.ux * tipOffset, y: to.y + into.uy * tipOffset };

  const span = towards(start, tip);
  // The outlines overlap when the trimmed span points against the centre-to-centre axis.
  if (span.ux * axis.ux + span.uy * axis.uy <= 0 || span.d <= options.arrowLength) return null;

  const base = { x: tip.x + into.ux * options.arrowLength, y: tip.y + into.uy * options.arrowLength };
  const wx = -into.uy * options.arrowHalfWidth;
  const wy = into.ux * options.arrowHalfWidth;
  const line =
    options.curvature === 0
      ? `M${f(start.x)},${f(start.y)}L${f(base.x)},${f(base.y)}`
      : `M${f(start.x)},${f(start.y)}Q${f(control.x)},${f(control.y)} ${f(base.x)},${f(base.y)}`;
  const arrow = `M${f(tip.x)},${f(tip.y)}L${f(base.x + wx)},${f(base.y + wy)}L${f(base.x - wx)},${f(base.y - wy)}Z`;
  return { start, control, base, tip, line, arrow };
}

/** The middle of the drawn line (t = 0.5 on its quadratic curve), where a change marker sits. */
export function edgeMidpoint(g: Pick<EdgeGeometry, 'start' | 'control' | 'base'>, curvature: number): Point {
  if (curvature === 0) return { x: (g.start.x + g.base.x) / 2, y: (g.start.y + g.base.y) / 2 };
  return {
    x: 0.25 * g.start.x + 0.5 * g.control.x + 0.25 * g.base.x,
    y: 0.25 * g.start.y + 0.5 * g.control.y + 0.25 * g.base.y,
  };
}
