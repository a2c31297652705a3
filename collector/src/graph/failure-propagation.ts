// How failure travels along dependencies: from a failing component to its callers (backward), or
// from a critical component down to what it waits on (forward). Each hop carries the probability
// that the caller fails when the callee does; a path's probability is the product of its hops.
// Per component the best path is kept, searched in hop-bounded rounds (Bellman-Ford over labels
// that changed in the previous round). Products never exceed 1, so improving a label never
// revisits a component: every kept path is simple.
import type { DependencyKind } from '../model/interaction.ts';
import type { DependencyEdge } from '../model/graph-snapshot.ts';
import type { GraphIndex } from './graph-index.ts';

export interface HopWeight {
  /** Probability (0..1] that the caller fails when the callee does. */
  probability: number;
  /** No evidence either way: the hop is taken to propagate. */
  assumed: boolean;
}

/** A best path to `component`, linked back to the start (immutable once created). */
export interface PropagationLabel {
  component: string;
  probability: number;
  assumed: boolean;
  /** Hops on the path whose propagation was assumed. */
  assumedHops: number;
  hops: number;
  /** The edge taken into this component (undefined at the start). */
  edge: DependencyEdge | undefined;
  previous: PropagationLabel | undefined;
}

export interface PropagationSearch {
  /** forward: caller -> callee (what the start waits on); backward: callee -> caller (who fails with it). */
  direction: 'forward' | 'backward';
  kinds: readonly DependencyKind[];
  /** Undefined when failure does not travel this hop (handled, or nothing to carry). */
  weight: (edge: DependencyEdge) => HopWeight | undefined;
  maxHops?: number;
  /** Paths may end at a component but only continue past it when this says so (default: always). */
  expandThrough?: (component: string) => boolean;
  /** Paths whose probability falls below this are dropped (default 0: none). */
  minProbability?: number;
  /**
   * Paths with more assumed hops than this are dropped (default: no limit): beyond it, failure is
   * speculation rather than a reasonable assumption. The best path per component is kept without
   * regard to this budget, so a longer path with fewer assumed hops may occasionally be missed.
   */
  maxAssumedHops?: number;
  /**
   * Which path wins per component. `probability` (default): the likeliest, then observed over
   * assumed, then the shortest. `evidence`: observed over assumed first, then the likeliest.
   */
  prefer?: 'probability' | 'evidence';
}

/**
 * The default hop weight: the edge's observed errorPropagation; 0 means the caller handled every
 * callee failure, so failure stops there; unknown (the callee never failed) is assumed to be 1.
 */
export function observedPropagation(edge: DependencyEdge): HopWeight | undefined {
  const p = edge.errorPropagation;
  if (p === undefined) return { probability: 1, assumed: true };
  return p > 0 ? { probability: Math.min(1, p), assumed: false } : undefined;
}

export function propagationPaths(index: GraphIndex, start: string, search: PropagationSearch): Map<string, PropagationLabel> {
  const kinds = new Set(search.kinds);
  const forward = search.direction === 'forward';
  const maxHops = search.maxHops ?? Number.POSITIVE_INFINITY;
  const minProbability = search.minProbability ?? 0;
  const maxAssumedHops = search.maxAssumedHops ?? Number.POSITIVE_INFINITY;
  const better = search.prefer === 'evidence' ? evidenceFirst : probabilityFirst;

  const startLabel: PropagationLabel = { component: start, probability: 1, assumed: false, assumedHops: 0, hops: 0, edge: undefined, previous: undefined };
  const best = new Map<string, PropagationLabel>([[start, startLabel]]);
  let frontier: PropagationLabel[] = [startLabel];
  for (let hops = 1; frontier.length > 0 && hops <= maxHops; hops++) {
    const improved: PropagationLabel[] = [];
    for (const label of frontier) {
      if (best.get(label.component) !== label) continue; // superseded in the round that made it
      if (label.hops > 0 && search.expandThrough && !search.expandThrough(label.component)) continue;
      for (const edge of forward ? index.outgoing(label.component) : index.incoming(label.component)) {
        if (!kinds.has(edge.kind)) continue;
        const hop = search.weight(edge);
        if (!hop) continue;
        const probability = label.probability * hop.probability;
        if (probability <= 0 || probability < minProbability) continue;
        const next = forward ? edge.to : edge.from;
        const assumed = label.assumed || hop.assumed;
        const assumedHops = label.assumedHops + (hop.assumed ? 1 : 0);
        if (assumedHops > maxAssumedHops) continue;
        const current = best.get(next);
        if (current && !better(probability, assumed, hops, current)) continue;
        const candidate: PropagationLabel = { component: next, probability, assumed, assumedHops, hops, edge, previous: label };
        best.set(next, candidate);
        improved.push(candidate);
      }
    }
    frontier = improved;
  }
  best.delete(start);
  return best;
}

function probabilityFirst(probability: number, assumed: boolean, hops: number, b: PropagationLabel): boolean {
  if (probability !== b.probability) return probability > b.probability;
  if (assumed !== b.assumed) return !assumed;
  return hops < b.hops;
}

function evidenceFirst(probability: number, assumed: boolean, hops: number, b: PropagationLabel): boolean {
  if (assumed !== b.assumed) return !assumed;
  if (probability !== b.probability) return probability > b.probability;
  return hops < b.hops;
}

/** Components from the start to the label's component. */
export function labelComponents(label: PropagationLabel): string[] {
  const out: string[] = [];
  for (let l: PropagationLabel | undefined = label; l; l = l.previous) out.push(l.component);
  return out.reverse();
}

/** Edges in the order they were walked from the start. */
export function labelEdges(label: PropagationLabel): DependencyEdge[] {
  const out: DependencyEdge[] = [];
  for (let l: PropagationLabel | undefined = label; l?.edge; l = l.previous) out.push(l.edge);
  return out.reverse();
}
