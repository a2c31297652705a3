// Paths between two components over chosen dependency kinds.
import type { DependencyKind } from '../model/interaction.ts';
import type { DependencyEdge, GraphSnapshot } from '../model/graph-snapshot.ts';
import { indexGraph } from './graph-index.ts';

/** SYNC calls and ASYNC handoffs: how work travels from one service to another. */
export const PATH_KINDS: readonly DependencyKind[] = ['SYNC', 'ASYNC'];

export interface DependencyPath {
  components: string[];
  edges: DependencyEdge[];
}

type GraphInput = Pick<GraphSnapshot, 'components' | 'dependencies'>;

/** The path with the fewest hops from `from` to `to` (breadth-first), or undefined. */
export function shortestPath(snapshot: GraphInput, from: string, to: string, kinds: readonly DependencyKind[] = PATH_KINDS): DependencyPath | undefined {
  const index = indexGraph(snapshot);
  if (!index.components.has(from) && index.outgoing(from).length === 0) return undefined;
  if (from === to) return { components: [from], edges: [] };
  const allowed = new Set(kinds);
  const via = new Map<string, DependencyEdge | undefined>([[from, undefined]]);
  let layer = [from];
  while (layer.length > 0) {
    const next: string[] = [];
    for (const name of layer) {
      for (const edge of index.outgoing(name)) {
        if (!allowed.has(edge.kind) || via.has(edge.to)) continue;
        via.set(edge.to, edge);
        if (edge.to === to) return unwind(via, to);
        next.push(edge.to);
      }
    }
    layer = next;
  }
  return undefined;
}

function unwind(via: Map<string, DependencyEdge | undefined>, to: string): DependencyPath {
  const edges: DependencyEdge[] = [];
  for (let edge = via.get(to); edge; edge = via.get(edge.from)) edges.push(edge);
  edges.reverse();
  return { components: [edges[0]!.from, ...edges.map((e) => e.to)], edges };
}

export interface SimplePathOptions {
  kinds?: readonly DependencyKind[];
  /** Longest path, in edges (default 6). */
  maxHops?: number;
  /** Stop after this many paths (default 100): the count grows exponentially with fan-out. */
  limit?: number;
}

/** Every simple path from `from` to `to`, shortest first, within the bounds. Iterative depth-first. */
export function simplePaths(snapshot: GraphInput, from: string, to: string, options: SimplePathOptions = {}): DependencyPath[] {
  const index = indexGraph(snapshot);
  const allowed = new Set(options.kinds ?? PATH_KINDS);
  const maxHops = options.maxHops ?? 6;
  const limit = options.limit ?? 100;
  const found: DependencyPath[] = [];
  if (from === to) return found;

  const onPath = new Set<string>([from]);
  const edges: DependencyEdge[] = [];
  const frames: Array<{ candidates: readonly DependencyEdge[]; next: number }> = [{ candidates: index.outgoing(from), next: 0 }];
  while (frames.length > 0 && found.length < limit) {
    const frame = frames[frames.length - 1]!;
    if (frame.next >= frame.candidates.length) {
      frames.pop();
      const left = edges.pop();
      if (left) onPath.delete(left.to);
      continue;
    }
    const edge = frame.candidates[frame.next++]!;
    if (!allowed.has(edge.kind) || onPath.has(edge.to)) continue;
    if (edge.to === to) {
      const walked = [...edges, edge];
      found.push({ components: [from, ...walked.map((e) => e.to)], edges: walked });
      continue;
    }
    if (edges.length + 1 >= maxHops) continue;
    edges.push(edge);
    onPath.add(edge.to);
    frames.push({ candidates: index.outgoing(edge.to), next: 0 });
  }
  return found.sort((a, b) => a.edges.length - b.edges.length);
}
