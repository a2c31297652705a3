// Adjacency over a snapshot, built once per snapshot and shared by every detector in a pass
// (memoised on the snapshot object, which detectors never mutate).
import type { DependencyKind } from '../model/interaction.ts';
import type { ComponentNode, DependencyEdge, GraphSnapshot } from '../model/graph-snapshot.ts';

/** Kinds where the caller waits for the callee: a SYNC call or a DATABASE query. */
export const SYNCHRONOUS_KINDS: readonly DependencyKind[] = ['SYNC', 'DATABASE'];

export interface GraphIndex {
  components: ReadonlyMap<string, ComponentNode>;
  /** Every name that appears as a component or on an edge, in first-seen order. */
  names: readonly string[];
  outgoing(name: string): readonly DependencyEdge[];
  incoming(name: string): readonly DependencyEdge[];
}

type GraphInput = Pick<GraphSnapshot, 'components' | 'dependencies'>;

const NONE: readonly DependencyEdge[] = Object.freeze([]);
const memo = new WeakMap<GraphInput, GraphIndex>();

export function indexGraph(snapshot: GraphInput): GraphIndex {
  const cached = memo.get(snapshot);
  if (cached) return cached;
  const components = new Map<string, ComponentNode>();
  const names: string[] = [];
  const out = new Map<string, DependencyEdge[]>();
  const into = new Map<string, DependencyEdge[]>();
  const see = (name: string) => {
    if (!out.has(name)) {
      out.set(name, []);
      into.set(name, []);
      names.push(name);
    }
  };
  for (const c of snapshot.components) {
    components.set(c.name, c);
    see(c.name);
  }
  for (const d of snapshot.dependencies) {
    see(d.from);
    see(d.to);
    out.get(d.from)!.push(d);
    into.get(d.to)!.push(d);
  }
  const index: GraphIndex = {
    components,
    names,
    outgoing: (name) => out.get(name) ?? NONE,
    incoming: (name) => into.get(name) ?? NONE,
  };
  memo.set(snapshot, index);
  return index;
}

/** Edges of the given kinds in one direction: `forward` follows from -> to. */
export function neighbours(index: GraphIndex, name: string, kinds: readonly DependencyKind[], direction: 'forward' | 'backward'): DependencyEdge[] {
  const edges = direction === 'forward' ? index.outgoing(name) : index.incoming(name);
  return edges.filter((e) => kinds.includes(e.kind));
}

/** Orders names by code unit, the same everywhere (localeCompare depends on the locale, and is slow in bulk). */
export const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
