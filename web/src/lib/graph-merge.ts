// Keeping the map still while the graph changes. A poll that brings the same components and
// edges must not move anything; one that brings new components places them beside something
// they are connected to, so the eye finds them where they belong.
import type { GraphSnapshot, Point } from './model.ts';

/** What the layout cares about: which components exist and which are connected. */
export interface GraphStructure {
  nodes: readonly string[];
  /** Directed pairs by name, without duplicates or self-loops. */
  links: readonly (readonly [string, string])[];
}

export function structureOf(snapshot: Pick<GraphSnapshot, 'components' | 'dependencies'>): GraphStructure {
  const nodes = snapshot.components.map((c) => c.name);
  const present = new Set(nodes);
  const seen = new Set<string>();
  const links: [string, string][] = [];
  for (const d of snapshot.dependencies) {
    if (d.from === d.to || !present.has(d.from) || !present.has(d.to)) continue;
    // The first name's length keeps names containing any separator apart (cheaper than JSON at 20,000).
    const key = `${d.from.length}:${d.from}${d.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    links.push([d.from, d.to]);
  }
  return { nodes, links };
}

/** True when both structures hold the same components and the same links, in any order. */
export function sameStructure(a: GraphStructure, b: GraphStructure): boolean {
  if (a.nodes.length !== b.nodes.length || a.links.length !== b.links.length) return false;
  const nodes = new Set(a.nodes);
  if (!b.nodes.every((n) => nodes.has(n))) return false;
  const links = new Set(a.links.map((l) => JSON.stringify(l)));
  return b.links.every((l) => links.has(JSON.stringify(l)));
}

export interface PlacementOptions {
  /** Distance from a placed neighbour at which a new component is seeded. */
  spacing?: number;
  /** Source of randomness in [0, 1); injected so tests are repeatable. */
  random?: () => number;
}

/**
 * Positions for `nodes`: a component that already has one keeps it; a new component is seeded
 * next to its already-placed neighbours (spreading outward through chains of new components);
 * a new component with no placed neighbour goes just outside the existing drawing, or on a
 * phyllotaxis spiral when there is no drawing yet.
 */
export function placeNodes(
  nodes: readonly string[],
  links: readonly (readonly [string, string])[],
  previous: ReadonlyMap<string, Point>,
  options: PlacementOptions = {},
): Map<string, Point> {
  const spacing = options.spacing ?? 40;
  const random = options.random ?? Math.random;
  const placed = new Map<string, Point>();
  for (const name of nodes) {
    const p = previous.get(name);
    if (p) placed.set(name, { x: p.x, y: p.y });
  }
  if (placed.size === nodes.length) return placed;

  const neighbours = new Map<string, string[]>();
  const wanted = new Set(nodes);
  for (const [a, b] of links) {
    if (!wanted.has(a) || !wanted.has(b)) continue;
    (neighbours.get(a) ?? neighbours.set(a, []).get(a)!).push(b);
    (neighbours.get(b) ?? neighbours.set(b, []).get(b)!).push(a);
  }

  const jitterAround = (centre: Point): Point => {
    const angle = random() * 2 * Math.PI;
    const distance = spacing * (0.75 + 0.5 * random());
    return { x: centre.x + Math.cos(angle) * distance, y: centre.y + Math.sin(angle) * distance };
  };

  // Outer edge of what is already drawn, for new islands.
  let cx = 0;
  let cy = 0;
  for (const p of placed.values()) {
    cx += p.x;
    cy += p.y;
  }
  if (placed.size > 0) {
    cx /= placed.size;
    cy /= placed.size;
  }
  let extent = 0;
  for (const p of placed.values()) extent = Math.max(extent, Math.hypot(p.x - cx, p.y - cy));
  const firstLayout = placed.size === 0;
  let island = 0;

  const queue: string[] = [...placed.keys()];
  const spread = () => {
    while (queue.length > 0) {
      const name = queue.shift()!;
      const at = placed.get(name)!;
      for (const next of neighbours.get(name) ?? []) {
        if (placed.has(next)) continue;
        placed.set(next, jitterAround(at));
        queue.push(next);
      }
    }
  };
  spread();

  for (const name of nodes) {
    if (placed.has(name)) continue;
    let seed: Point;
    if (firstLayout) {
      // Same spiral d3-force uses for unpositioned nodes: evenly filled, no overlaps.
      const r = spacing * 0.9 * Math.sqrt(0.5 + island * 4);
      const a = island * Math.PI * (3 - Math.sqrt(5));
      seed = { x: r * Math.cos(a), y: r * Math.sin(a) };
    } else {
      const a = random() * 2 * Math.PI;
      const r = extent + spacing * 1.5;
      seed = { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
    }
    island++;
    placed.set(name, seed);
    queue.push(name);
    spread();
  }
  return placed;
}
