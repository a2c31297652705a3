// The force layout, free of any worker or DOM: layout.worker.ts drives it from messages, tests
// drive it directly. It owns positions; callers only say what the graph is and where the user
// holds a node.
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type Simulation, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3';
import { placeNodes, type GraphStructure } from './graph-merge.ts';

/** Above this many nodes the layout trades precision for speed. */
export const LARGE_GRAPH = 1000;

export interface LayoutNodeInput {
  name: string;
  /** Radius used to keep nodes apart, in world units. */
  radius: number;
  /**
   * Where to place the node if the layout does not hold it: where it was last drawn, so a
   * component that leaves the map (another range) and comes back (a diff's ghost) returns there.
   */
  x?: number;
  y?: number;
}

interface LayoutNode extends SimulationNodeDatum {
  name: string;
  radius: number;
}

type LayoutLink = SimulationLinkDatum<LayoutNode>;

export interface LayoutEngineOptions {
  /** Alpha used to settle a changed graph: low, so what was already placed barely moves. */
  reheatAlpha?: number;
  random?: () => number;
}

export interface LayoutEngine {
  /**
   * Replaces the graph. Known nodes keep position and velocity; new ones are seeded beside a
   * neighbour. Returns whether the simulation was woken: never when nothing changed.
   */
  setGraph(nodes: readonly LayoutNodeInput[], links: readonly (readonly [string, string])[]): boolean;
  /**
   * Puts nodes where another layout (the layered one) placed them and stops; the force layout
   * starts from there when woken again.
   */
  place(positions: ReadonlyMap<string, { x: number; y: number }>): void;
  /** Wakes the simulation to at least this alpha (switching back to the force layout). */
  reheat(alpha: number): void;
  /** Holds a node where the user puts it. */
  pin(name: string, x: number, y: number): void;
  unpin(name: string): void;
  /** While dragging the layout stays warm so neighbours follow the pointer. */
  setDragging(active: boolean): void;
  /** Runs ticks until the budget is spent or the layout has settled; returns ticks run. */
  step(budgetMs: number, now?: () => number): number;
  /** Whether another step would move anything. */
  readonly running: boolean;
  readonly alpha: number;
  /** The last setGraph started a layout from scratch (nothing, or too little, was placed before). */
  readonly cold: boolean;
  /** x, y per node, in the order of the last setGraph. */
  positions(): Float32Array;
  names(): readonly string[];
}

export function createLayoutEngine(options: LayoutEngineOptions = {}): LayoutEngine {
  const reheatAlpha = options.reheatAlpha ?? 0.1;
  const random = options.random ?? Math.random;
  let nodes: LayoutNode[] = [];
  let structure: GraphStructure = { nodes: [], links: [] };
  let cold = false;

  const link = forceLink<LayoutNode, LayoutLink>([])
    .id((n) => n.name)
    .distance((l) => 56 + (l.source as LayoutNode).radius + (l.target as LayoutNode).radius);
  // Far-field repulsion is capped so unrelated clusters settle side by side, not in a ring.
  const charge = forceManyBody<LayoutNode>().strength(-300).distanceMax(1200).theta(0.9);
  const collide = forceCollide<LayoutNode>((n) => n.radius + 8).iterations(1);
  const simulation: Simulation<LayoutNode, LayoutLink> = forceSimulation<LayoutNode>([])
    .randomSource(random)
    .force('link', link)
    .force('charge', charge)
    .force('collide', collide)
    // Weak pull to the origin keeps disconnected islands from drifting away for ever.
    .force('x', forceX<LayoutNode>(0).strength(0.03))
    .force('y', forceY<LayoutNode>(0).strength(0.03))
    .stop();

  const byName = () => new Map(nodes.map((n) => [n.name, n]));
  const isRunning = () =>
    nodes.length > 0 && (simulation.alpha() >= simulation.alphaMin() || simulation.alphaTarget() > 0);

  return {
    setGraph(inputs, links) {
      const next: GraphStructure = { nodes: inputs.map((n) => n.name), links };
      // A first graph whose positions are nearly all known (remembered from a last visit) is not
      // laid out again: it starts as warm as a changed graph does.
      const nodesBefore = nodes.length;
      const placed = inputs.filter((n) => n.x !== undefined && n.y !== undefined).length;
      const first = nodes.length === 0 && placed < inputs.length * 0.9;
      const known = byName();
      const unchanged =
        !first &&
        next.nodes.length === structure.nodes.length &&
        next.links.length === structure.links.length &&
        next.nodes.every((n, i) => structure.nodes[i] === n) &&
        next.links.every((l, i) => structure.links[i]?.[0] === l[0] && structure.links[i]?.[1] === l[1]);
      if (unchanged) {
        for (const input of inputs) {
          const n = known.get(input.name);
          if (n) n.radius = input.radius;
        }
        return false;
      }
      const previous = new Map<string, { x: number; y: number }>();
      for (const n of nodes) previous.set(n.name, { x: n.x ?? 0, y: n.y ?? 0 });
      for (const input of inputs) {
        if (!previous.has(input.name) && input.x !== undefined && input.y !== undefined) previous.set(input.name, { x: input.x, y: input.y });
      }
      const seeds = placeNodes(next.nodes, links, previous, { random, spacing: first ? 30 : 45 });
      nodes = inputs.map((input) => {
        const existing = known.get(input.name);
        if (existing) {
          existing.radius = input.radius;
          return existing;
        }
        const seed = seeds.get(input.name)!;
        return { name: input.name, radius: input.radius, x: seed.x, y: seed.y, vx: 0, vy: 0 };
      });
      structure = next;
      // Past a thousand nodes a coarser far-field approximation keeps ticks affordable; the
      // difference is invisible at the zoom such an estate is viewed at.
      charge.theta(nodes.length > LARGE_GRAPH ? 1.2 : 0.9);
      simulation.nodes(nodes);
      link.links(links.map(([source, target]) => ({ source, target })));
      const added = inputs.filter((input) => !known.has(input.name) && (input.x === undefined || input.y === undefined)).length;
      // A first layout starts hot; later changes warm it only enough for the newcomers to settle.
      // A remembered layout with nothing new in it stays as it was: nothing to settle, and a
      // settling estate would be drawn again at every frame (seconds of work at 5,000 components).
      const target = first ? 1 : nodesBefore === 0 && added === 0 ? 0 : Math.min(0.3, reheatAlpha + added / Math.max(nodes.length, 1));
      // Before any graph the simulation's alpha (1) means nothing: a warm first start takes the target.
      simulation.alpha(nodesBefore === 0 ? target : Math.max(simulation.alpha(), target));
      cold = first;
      return true;
    },
    place(positions) {
      for (const n of nodes) {
        const p = positions.get(n.name);
        if (!p) continue;
        n.x = p.x;
        n.y = p.y;
        n.vx = 0;
        n.vy = 0;
      }
      simulation.alpha(0);
    },
    reheat(alpha) {
      simulation.alpha(Math.max(simulation.alpha(), alpha));
    },
    pin(name, x, y) {
      const n = byName().get(name);
      if (!n) return;
      n.fx = x;
      n.fy = y;
      n.x = x;
      n.y = y;
      if (simulation.alpha() < 0.05) simulation.alpha(0.05);
    },
    unpin(name) {
      const n = byName().get(name);
      if (!n) return;
      n.fx = null;
      n.fy = null;
      simulation.alpha(Math.max(simulation.alpha(), reheatAlpha / 2));
    },
    setDragging(active) {
      simulation.alphaTarget(active ? 0.12 : 0);
      if (active) simulation.alpha(Math.max(simulation.alpha(), 0.12));
    },
    step(budgetMs, now = () => performance.now()) {
      const start = now();
      let ticks = 0;
      while (isRunning()) {
        simulation.tick();
        ticks++;
        if (now() - start >= budgetMs) break;
      }
      return ticks;
    },
    get running() {
      return isRunning();
    },
    get alpha() {
      return simulation.alpha();
    },
    get cold() {
      return cold;
    },
    positions() {
      const xy = new Float32Array(nodes.length * 2);
      nodes.forEach((n, i) => {
        xy[i * 2] = n.x ?? 0;
        xy[i * 2 + 1] = n.y ?? 0;
      });
      return xy;
    },
    names() {
      return structure.nodes;
    },
  };
}
