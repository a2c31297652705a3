import { describe, expect, it } from 'vitest';
import { boundaryDistance, edgeGeometry, edgeMidpoint, type Shape } from './edge-geometry.ts';

const options = { curvature: 0, arrowLength: 8, arrowHalfWidth: 4 };
const circle: Shape = { type: 'circle', r: 10 };

function inside(shape: Shape, centre: { x: number; y: number }, p: { x: number; y: number }) {
  const dx = p.x - centre.x;
  const dy = p.y - centre.y;
  const d = Math.hypot(dx, dy);
  return d < boundaryDistance(shape, dx / d, dy / d) - 1e-6;
}

describe('boundaryDistance', () => {
  it('measures to the outline of each shape', () => {
    expect(boundaryDistance({ type: 'rect', hw: 16, hh: 8 }, 1, 0)).toBeCloseTo(16);
    expect(boundaryDistance({ type: 'rect', hw: 16, hh: 8 }, 0, -1)).toBeCloseTo(8);
    expect(boundaryDistance({ type: 'diamond', hw: 15, hh: 15 }, Math.SQRT1_2, Math.SQRT1_2)).toBeCloseTo(15 / Math.SQRT2);
    expect(boundaryDistance({ type: 'hexagon', r: 14 }, 1, 0)).toBeCloseTo(14);
    expect(boundaryDistance({ type: 'hexagon', r: 14 }, 0, 1)).toBeCloseTo(14 * Math.cos(Math.PI / 6));
  });
});

describe('edgeGeometry', () => {
  it('starts on the caller outline and puts the arrow tip on the callee outline', () => {
    const g = edgeGeometry({ x: 0, y: 0 }, circle, { x: 100, y: 0 }, { type: 'rect', hw: 16, hh: 8 }, options)!;
    expect(g.start.x).toBeCloseTo(10);
    expect(g.tip.x).toBeCloseTo(84);
    expect(g.base.x).toBeCloseTo(76);
    expect(g.line).toBe('M10,0L76,0');
  });

  it('keeps the arrowhead outside the target for every shape and direction', () => {
    const shapes: Shape[] = [circle, { type: 'rect', hw: 11, hh: 13 }, { type: 'diamond', hw: 15, hh: 15 }, { type: 'hexagon', r: 14 }];
    for (const shape of shapes) {
      for (let a = 0; a < 2 * Math.PI; a += Math.PI / 7) {
        const from = { x: 200 * Math.cos(a), y: 200 * Math.sin(a) };
        const g = edgeGeometry(from, circle, { x: 0, y: 0 }, shape, options)!;
        expect(Math.hypot(g.tip.x, g.tip.y)).toBeCloseTo(boundaryDistance(shape, -Math.cos(a), -Math.sin(a)));
        expect(inside(shape, { x: 0, y: 0 }, g.base)).toBe(false);
      }
    }
  });

  it('draws nothing when the two outlines overlap', () => {
    expect(edgeGeometry({ x: 0, y: 0 }, circle, { x: 15, y: 0 }, circle, options)).toBeNull();
    expect(edgeGeometry({ x: 0, y: 0 }, circle, { x: 0, y: 0 }, circle, options)).toBeNull();
  });

  it('bends edges of a two-way pair to opposite sides so both stay visible', () => {
    const ab = edgeGeometry({ x: 0, y: 0 }, circle, { x: 100, y: 0 }, circle, { ...options, curvature: 0.2 })!;
    const ba = edgeGeometry({ x: 100, y: 0 }, circle, { x: 0, y: 0 }, circle, { ...options, curvature: 0.2 })!;
    expect(Math.sign(ab.control.y)).toBe(-Math.sign(ba.control.y));
    expect(ab.line).toContain('Q');
  });
});

describe('edgeMidpoint', () => {
  it('is half way along a straight edge and on the bulge of a curved one', () => {
    const straight = edgeGeometry({ x: 0, y: 0 }, circle, { x: 100, y: 0 }, circle, options)!;
    expect(edgeMidpoint(straight, 0).y).toBeCloseTo(0);
    expect(edgeMidpoint(straight, 0).x).toBeCloseTo((straight.start.x + straight.base.x) / 2);
    const curved = edgeGeometry({ x: 0, y: 0 }, circle, { x: 100, y: 0 }, circle, { ...options, curvature: 0.2 })!;
    const mid = edgeMidpoint(curved, 0.2);
    // On the curve's bulge, between the chord and the control point.
    expect(Math.sign(mid.y)).toBe(Math.sign(curved.control.y));
    expect(Math.abs(mid.y)).toBeGreaterThan(Math.abs(curved.control.y) / 3);
    expect(Math.abs(mid.y)).toBeLessThan(Math.abs(curved.control.y));
  });
});
