// Sparklines for the side panel: a series of steps drawn into a small SVG with d3 scales. Pure:
// paths and rectangles come back as strings and numbers, the Svelte component only places them.
// Every sparkline of one panel takes the same time domain (the window), so their steps line up.
import { area, curveMonotoneX, line, scaleLinear } from 'd3';

export interface SparkPoint {
  /** Start of the step, epoch ms. */
  atMs: number;
  /** Null where the step has no value (a p95 without calls): a gap, not a zero. */
  value: number | null;
}

export interface SparkOptions {
  width: number;
  height: number;
  /** The time the x axis spans (the window); by default the points' own extent. */
  domain?: readonly [number, number];
  /** Length of one step in ms; by default the spacing of the first two points. */
  stepMs?: number;
  /** Room kept above the highest value and below zero, so a stroke is not clipped. */
  inset?: number;
}

export interface Sparkline {
  /** Stroke through the values (gaps where a value is null). */
  line: string;
  /** The same, closed down to zero, for a faint fill. */
  area: string;
  /** Zero when nothing was above zero. */
  max: number;
  /** Sum over the steps. */
  total: number;
  /** The last step's value. */
  last: number | null;
  /** Nothing above zero: drawn as a flat line on the baseline. */
  flat: boolean;
}

export interface SparkBar {
  x: number;
  y: number;
  width: number;
  height: number;
}

function stepOf(points: readonly SparkPoint[], options: SparkOptions): number {
  if (options.stepMs !== undefined && options.stepMs > 0) return options.stepMs;
  for (let i = 1; i < points.length; i++) {
    const step = points[i]!.atMs - points[i - 1]!.atMs;
    if (step > 0) return step;
  }
  return 60_000;
}

function scales(points: readonly SparkPoint[], options: SparkOptions) {
  const step = stepOf(points, options);
  const first = points[0]?.atMs ?? 0;
  const lastAt = points[points.length - 1]?.atMs ?? first;
  const domain = options.domain ?? [first, lastAt + step];
  let max = 0;
  let total = 0;
  for (const p of points) {
    if (p.value === null) continue;
    max = Math.max(max, p.value);
    total += p.value;
  }
  const inset = options.inset ?? 1.5;
  const x = scaleLinear().domain(domain).range([0, options.width]).clamp(true);
  // A series of zeros keeps a unit domain: flat on the baseline rather than in the middle.
  const y = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .range([options.height - inset, inset]);
  return { x, y, step, max, total };
}

/** A line (and its area) through the middle of each step. */
export function sparkline(points: readonly SparkPoint[], options: SparkOptions): Sparkline {
  const { x, y, step, max, total } = scales(points, options);
  const px = (p: SparkPoint) => x(p.atMs + step / 2);
  const defined = (p: SparkPoint) => p.value !== null;
  const path = line<SparkPoint>()
    .defined(defined)
    .x(px)
    .y((p) => y(p.value ?? 0))
    .curve(curveMonotoneX)
    .digits(1);
  const fill = area<SparkPoint>()
    .defined(defined)
    .x(px)
    .y0(y(0))
    .y1((p) => y(p.value ?? 0))
    .curve(curveMonotoneX)
    .digits(1);
  const last = points.length > 0 ? points[points.length - 1]!.value : null;
  return { line: path(points as SparkPoint[]) ?? '', area: fill(points as SparkPoint[]) ?? '', max, total, last, flat: max === 0 };
}

/** One bar per step with a value above zero (counts such as errors, where a step is a bucket). */
export function sparkBars(points: readonly SparkPoint[], options: SparkOptions): { bars: SparkBar[]; max: number; total: number } {
  const { x, y, step, max, total } = scales(points, options);
  const bars: SparkBar[] = [];
  const base = y(0);
  for (const p of points) {
    if (p.value === null || p.value <= 0) continue;
    const left = x(p.atMs);
    const right = x(p.atMs + step);
    // A bar stays visible however many steps share the width, and however small its count.
    const width = Math.max(1, right - left - (right - left > 3 ? 1 : 0));
    const top = Math.min(y(p.value), base - 1);
    bars.push({ x: round(left), y: round(top), width: round(width), height: round(base - top) });
  }
  return { bars, max, total };
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * One point per step across the domain, on the grid the given points sit on (the API's buckets):
 * a step the API left out reads as `fill` (0 for counts, null for a latency, which is a gap).
 */
export function densify(points: readonly SparkPoint[], domain: readonly [number, number], stepMs: number, fill: number | null): SparkPoint[] {
  if (!(stepMs > 0) || !(domain[1] > domain[0])) return [...points];
  const byStart = new Map(points.map((p) => [p.atMs, p.value]));
  // The grid's phase comes from the first point; without one, from the start of the domain.
  const anchor = points[0]?.atMs ?? domain[0];
  let start = anchor - Math.floor((anchor - domain[0]) / stepMs) * stepMs;
  if (start > domain[0]) start -= stepMs;
  // A partial first step counts only when it overlaps the domain.
  if (start + stepMs <= domain[0]) start += stepMs;
  const out: SparkPoint[] = [];
  for (let at = start; at < domain[1] && out.length < 10_000; at += stepMs) out.push({ atMs: at, value: byStart.has(at) ? (byStart.get(at) ?? null) : fill });
  // Points off the grid (a different step than asked for) are kept rather than lost.
  const grid = new Set(out.map((p) => p.atMs));
  for (const p of points) if (!grid.has(p.atMs)) out.push(p);
  return out.sort((a, b) => a.atMs - b.atMs);
}
