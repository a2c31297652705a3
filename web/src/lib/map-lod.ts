// Level of detail: which layer draws what at the current view. A small drawing (the demo, a focused
// or folded view, a zoomed-in corner of the estate) goes wholly through sigma, with arrows, arcs,
// dashes and labels. A large one goes through the bulk layer (every component, and dependencies
// busiest-first until an on-screen length budget is spent: software rendering pays per pixel),
// with sigma drawing only what is emphasised on top. Labels are DOM markers either way, for the
// hubs at the zoom and the emphasised components. Pure.
import type { Scene, SceneEdge, SceneNode } from './map-scene.ts';
import type { ViewTransform } from './viewport.ts';

export interface LodLimits {
  /** At most this many components on screen: sigma draws everything visible. */
  detailNodes: number;
  /** Total on-screen length of the bulk layer's dependency lines, pixels. */
  edgePixels: number;
  /** Labels (DOM markers) at most, beyond the emphasised components. */
  labels: number;
}

export const LOD_LIMITS: LodLimits = { detailNodes: 160, edgePixels: 600_000, labels: 240 };

export interface Viewport {
  width: number;
  height: number;
}

export interface LevelOfDetail {
  /** Sigma draws these nodes and edges (indices into the scene's arrays). */
  detailNodes: number[];
  detailEdges: number[];
  /** The bulk layer draws these (none when sigma draws everything). */
  bulkNodes: number[];
  bulkEdges: number[];
  /** Bulk dependencies left out by the budget (counted, shown in the status line). */
  edgesLeftOut: number;
}

function onScreen(x: number, y: number, view: ViewTransform, viewport: Viewport, marginPx: number): boolean {
  const sx = x * view.k + view.x;
  const sy = y * view.k + view.y;
  return sx >= -marginPx && sx <= viewport.width + marginPx && sy >= -marginPx && sy <= viewport.height + marginPx;
}

/** On-screen length of a segment, pixels, after clipping to the viewport's box (0 when it misses it). */
export function visibleLength(ax: number, ay: number, bx: number, by: number, view: ViewTransform, viewport: Viewport): number {
  let x0 = ax * view.k + view.x;
  let y0 = ay * view.k + view.y;
  let x1 = bx * view.k + view.x;
  let y1 = by * view.k + view.y;
  // Liang-Barsky against [0, width] x [0, height].
  const dx = x1 - x0;
  const dy = y1 - y0;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [[-dx, x0], [dx, viewport.width - x0], [-dy, y0], [dy, viewport.height - y0]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return 0;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return 0;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return 0;
      if (r < t1) t1 = r;
    }
  }
  x1 = x0 + t1 * dx;
  y1 = y0 + t1 * dy;
  x0 = x0 + t0 * dx;
  y0 = y0 + t0 * dy;
  return Math.hypot(x1 - x0, y1 - y0);
}

/** Edge indices by rank, kept per scene: the order does not change with the view (20,000 edges sorted once, not per frame). */
const rankOrders = new WeakMap<Scene, number[]>();
function byRank(scene: Scene): number[] {
  let order = rankOrders.get(scene);
  if (!order) {
    order = scene.edges.map((_, i) => i);
    order.sort((a, b) => scene.edges[a]!.rank - scene.edges[b]!.rank);
    rankOrders.set(scene, order);
  }
  return order;
}

const xOf = (xy: Float32Array, i: number) => xy[i * 2] ?? 0;
const yOf = (xy: Float32Array, i: number) => xy[i * 2 + 1] ?? 0;

/**
 * `options.bulkEdges: false` leaves the bulk layer's edge budget out (bulkEdges empty, edgesLeftOut
 * 0): the page takes it from the base look, which a selection does not change, and keeps it.
 */
export function levelOfDetail(scene: Scene, xy: Float32Array, view: ViewTransform, viewport: Viewport, limits: LodLimits = LOD_LIMITS, options: { bulkEdges?: boolean } = {}): LevelOfDetail {
  const withBulk = options.bulkEdges ?? true;
  const visible: number[] = [];
  scene.nodes.forEach((n, i) => {
    if (onScreen(xOf(xy, n.index), yOf(xy, n.index), view, viewport, 40)) visible.push(i);
  });
  const all = scene.nodes.length <= limits.detailNodes;
  if (all || visible.length <= limits.detailNodes) {
    // Everything on screen in full detail; with a small drawing, everything at all.
    const shown = new Set(all ? scene.nodes.map((n) => n.name) : visible.map((i) => scene.nodes[i]!.name));
    const detailEdges: number[] = [];
    scene.edges.forEach((e, i) => {
      if (shown.has(e.from) || shown.has(e.to)) detailEdges.push(i);
    });
    const detailNodes = all ? scene.nodes.map((_, i) => i) : withEndpoints(scene, visible, detailEdges);
    // Off screen, the rest of a large drawing stays in the bulk layer (revealed by a pan).
    const inDetail = new Set(detailNodes);
    const bulkNodes = all ? [] : scene.nodes.map((_, i) => i).filter((i) => !inDetail.has(i));
    const bulk = all || !withBulk ? { edges: [], leftOut: 0 } : budgetedEdges(scene, xy, view, viewport, limits.edgePixels, new Set(detailEdges));
    return { detailNodes, detailEdges, bulkNodes, bulkEdges: bulk.edges, edgesLeftOut: bulk.leftOut };
  }
  // A large drawing: the bulk layer draws it, sigma only what stays bright.
  const detailNodes: number[] = [];
  const detailEdges: number[] = [];
  if (scene.dimmed) {
    scene.nodes.forEach((n, i) => n.emphasised && detailNodes.push(i));
    scene.edges.forEach((e, i) => e.emphasised && detailEdges.push(i));
  }
  const bulk = withBulk ? budgetedEdges(scene, xy, view, viewport, limits.edgePixels, new Set()) : { edges: [], leftOut: 0 };
  return { detailNodes, detailEdges, bulkNodes: scene.nodes.map((_, i) => i), bulkEdges: bulk.edges, edgesLeftOut: bulk.leftOut };
}

/** The visible nodes plus the far ends of their edges, so a detail edge never points at nothing. */
function withEndpoints(scene: Scene, visible: number[], edges: number[]): number[] {
  const byName = new Map(scene.nodes.map((n, i) => [n.name, i]));
  const out = new Set(visible);
  for (const e of edges) {
    out.add(byName.get(scene.edges[e]!.from)!);
    out.add(byName.get(scene.edges[e]!.to)!);
  }
  return [...out].sort((a, b) => a - b);
}

/** Dependencies by rank (emphasised, changed, with findings, failing, busiest) until the on-screen length budget is spent. */
function budgetedEdges(scene: Scene, xy: Float32Array, view: ViewTransform, viewport: Viewport, budget: number, skip: ReadonlySet<number>): { edges: number[]; leftOut: number } {
  const kept: number[] = [];
  let spent = 0;
  let leftOut = 0;
  for (const i of byRank(scene)) {
    if (skip.has(i)) continue;
    const e = scene.edges[i]!;
    const length = visibleLength(xOf(xy, e.fromIndex), yOf(xy, e.fromIndex), xOf(xy, e.toIndex), yOf(xy, e.toIndex), view, viewport);
    if (length === 0) continue;
    if (spent + length > budget && e.rank >= 100) {
      leftOut++;
      continue;
    }
    spent += length;
    kept.push(i);
  }
  return { edges: kept, leftOut };
}

/**
 * Components whose label is drawn: the emphasised ones always, then on-screen ones with at least
 * `minDegree` neighbours, busiest first, up to the limit.
 */
export function labelledNodes(
  scene: Scene,
  degrees: ReadonlyMap<string, number>,
  xy: Float32Array,
  view: ViewTransform,
  viewport: Viewport,
  minDegree: number,
  limit: number,
): SceneNode[] {
  const out: SceneNode[] = [];
  const candidates: SceneNode[] = [];
  for (const n of scene.nodes) {
    if (!onScreen(xOf(xy, n.index), yOf(xy, n.index), view, viewport, 20)) continue;
    if (n.emphasised || n.change !== null || (n.verdict !== null && n.verdict !== 'unaffected')) out.push(n);
    else if ((degrees.get(n.name) ?? 0) >= minDegree) candidates.push(n);
  }
  candidates.sort((a, b) => (degrees.get(b.name) ?? 0) - (degrees.get(a.name) ?? 0) || a.name.localeCompare(b.name));
  return out.concat(candidates.slice(0, Math.max(0, limit)));
}

/** The middle of an edge as drawn (a quadratic arc's apex for a bent one), world units. */
export function edgeMiddle(edge: Pick<SceneEdge, 'fromIndex' | 'toIndex' | 'curvature'>, xy: Float32Array): { x: number; y: number } {
  const ax = xOf(xy, edge.fromIndex);
  const ay = yOf(xy, edge.fromIndex);
  const bx = xOf(xy, edge.toIndex);
  const by = yOf(xy, edge.toIndex);
  const mx = (ax + bx) / 2;
  const my = (ay + by) / 2;
  if (edge.curvature === 0) return { x: mx, y: my };
  // Sigma's arc: the control point is off the midpoint by curvature x length, perpendicular; the
  // curve passes half way to it. World y runs down, sigma's up: the perpendicular turns the other way.
  const dx = bx - ax;
  const dy = by - ay;
  return { x: mx + (dy * edge.curvature) / 2, y: my - (dx * edge.curvature) / 2 };
}
