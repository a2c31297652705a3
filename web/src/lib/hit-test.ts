// Which component is under a point, for clicks and drags on the WebGL map (which has no DOM per
// node): a d3 quadtree of the drawn positions, queried within the largest drawn radius and then
// checked against each candidate's own.
import { quadtree, type Quadtree } from 'd3';
import type { Point } from './model.ts';

export interface HitNode {
  name: string;
  index: number;
  /** Radius of what is drawn (the outermost ring), world units. */
  radius: number;
}

export interface HitTester {
  /** The component drawn under a world point at zoom `k`, or null. */
  at(point: Point, k: number): string | null;
}

/**
 * `minScale`: nodes are never drawn smaller than their radius times this in pixels (map-glsl.ts),
 * so far out a node covers more world than its radius. `slopPx` lets a near miss still count.
 */
export function createHitTester(nodes: readonly HitNode[], xy: Float32Array, minScale: number, slopPx = 3): HitTester {
  let tree: Quadtree<HitNode> | null = null;
  let largest = 0;
  for (const n of nodes) largest = Math.max(largest, n.radius);
  const build = () => quadtree<HitNode>().x((n) => xy[n.index * 2] ?? 0).y((n) => xy[n.index * 2 + 1] ?? 0).addAll(nodes as HitNode[]);
  return {
    at(point, k) {
      if (nodes.length === 0) return null;
      tree ??= build();
      const worldPerPixel = 1 / k;
      const scale = Math.max(k, minScale) / k;
      const reach = largest * scale + slopPx * worldPerPixel;
      let best: HitNode | null = null;
      let bestDistance = Infinity;
      tree.visit((node, x0, y0, x1, y1) => {
        if (x0 > point.x + reach || x1 < point.x - reach || y0 > point.y + reach || y1 < point.y - reach) return true;
        if (!('length' in node)) {
          for (let leaf: typeof node | undefined = node; leaf; leaf = leaf.next) {
            const n = leaf.data;
            const d = Math.hypot((xy[n.index * 2] ?? 0) - point.x, (xy[n.index * 2 + 1] ?? 0) - point.y);
            if (d <= n.radius * scale + slopPx * worldPerPixel && d < bestDistance) {
              best = n;
              bestDistance = d;
            }
          }
        }
        return false;
      });
      return (best as HitNode | null)?.name ?? null;
    },
  };
}
