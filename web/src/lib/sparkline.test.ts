import { describe, expect, it } from 'vitest';
import { densify, sparkBars, sparkline, type SparkPoint } from './sparkline.ts';

const t0 = Date.parse('2025-01-01T00:00:00Z');
const steps = (values: (number | null)[]): SparkPoint[] => values.map((value, i) => ({ atMs: t0 + i * 60_000, value }));

/** The x, y pairs of an SVG path's commands (M, L and the ends of C curves). */
function coordinates(path: string): [number, number][] {
  return [...path.matchAll(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('sparkline', () => {
  it('puts the highest value at the top and zero at the bottom, steps across the width', () => {
    const s = sparkline(steps([0, 5, 10]), { width: 60, height: 20, inset: 0 });
    expect(s).toMatchObject({ max: 10, total: 15, last: 10, flat: false });
    const points = coordinates(s.line);
    expect(points[0]).toEqual([10, 20]);
    expect(points[points.length - 1]).toEqual([50, 0]);
    expect(s.area.endsWith('Z')).toBe(true);
  });

  it('draws a series of zeros flat on the baseline', () => {
    const s = sparkline(steps([0, 0, 0]), { width: 60, height: 20, inset: 0 });
    expect(s.flat).toBe(true);
    expect(coordinates(s.line).every(([, y]) => y === 20)).toBe(true);
  });

  it('leaves a gap where a step has no value instead of dropping to zero', () => {
    const s = sparkline(steps([4, null, 4]), { width: 60, height: 20, inset: 0 });
    // Two separate subpaths, one per side of the gap.
    expect(s.line.match(/M/g)).toHaveLength(2);
    expect(coordinates(s.line).every(([, y]) => y === 0)).toBe(true);
  });

  it('places steps on the given domain so two sparklines of one window line up', () => {
    const domain = [t0, t0 + 6 * 60_000] as const;
    const s = sparkline(steps([1, 1, 1]), { width: 60, height: 20, domain, stepMs: 60_000 });
    // Three of six steps: the line stops half way across.
    expect(Math.max(...coordinates(s.line).map(([x]) => x))).toBe(25);
  });

  it('draws nothing for no points', () => {
    expect(sparkline([], { width: 60, height: 20 })).toMatchObject({ line: '', max: 0, total: 0, last: null, flat: true });
  });
});

describe('sparkBars', () => {
  it('draws one bar per step above zero, as tall as its share of the highest', () => {
    const { bars, max, total } = sparkBars(steps([0, 2, 4, 0]), { width: 40, height: 20, inset: 0 });
    expect(max).toBe(4);
    expect(total).toBe(6);
    expect(bars).toHaveLength(2);
    expect(bars[0]).toMatchObject({ x: 10, height: 10 });
    expect(bars[1]).toMatchObject({ x: 20, y: 0, height: 20 });
    expect(bars.every((b) => b.width > 0 && b.width <= 10)).toBe(true);
  });

  it('keeps a single error visible next to a large count', () => {
    const { bars } = sparkBars(steps([1, 1000]), { width: 40, height: 20, inset: 0 });
    expect(bars[0]!.height).toBeGreaterThanOrEqual(1);
  });
});

describe('densify', () => {
  const domain = [t0, t0 + 5 * 60_000] as const;

  it('fills the steps the API left out, on the grid of the ones it sent', () => {
    const dense = densify([{ atMs: t0 + 2 * 60_000, value: 7 }], domain, 60_000, 0);
    expect(dense.map((p) => [(p.atMs - t0) / 60_000, p.value])).toEqual([
      [0, 0],
      [1, 0],
      [2, 7],
      [3, 0],
      [4, 0],
    ]);
  });

  it('leaves gaps for a latency, and starts with a step that only overlaps the window', () => {
    const dense = densify([{ atMs: t0 + 30_000, value: 12 }], [t0 + 45_000, t0 + 150_000], 60_000, null);
    expect(dense.map((p) => [(p.atMs - t0) / 1000, p.value])).toEqual([
      [30, 12],
      [90, null],
    ]);
  });

  it('draws an empty window as zeros across it', () => {
    expect(densify([], domain, 60_000, 0)).toHaveLength(5);
  });
});
