// Which part of the graph the map shows: filters, focus (a component and N hops up and/or down)
// and path mode (every simple path from one component to another within a number of hops). Each
// takes a snapshot and returns a smaller one, so everything after (folding, layout, drawing, the
// side panel) works the same on it. Pure.
import { concernedComponents, isActive } from './findings.ts';
import type { MapFilters, Direction } from './map-view.ts';
import type { Component, Dependency, GraphSnapshot } from './model.ts';

type Graph = Pick<GraphSnapshot, 'components' | 'dependencies'>;

/** The snapshot with only these components and the dependencies between them. */
function restrict<S extends Graph>(snapshot: S, keep: ReadonlySet<string>, edge: (d: Dependency) => boolean = () => true): S {
  return {
    ...snapshot,
    components: snapshot.components.filter((c) => keep.has(c.name)),
    dependencies: snapshot.dependencies.filter((d) => keep.has(d.from) && keep.has(d.to) && edge(d)),
  };
}

export function applyFilters<S extends GraphSnapshot>(snapshot: S, f: MapFilters): S {
  const concerned = new Set<string>();
  if (f.withFindings) for (const finding of snapshot.findings) if (isActive(finding)) for (const n of concernedComponents(finding)) concerned.add(n);
  const shown = (c: Component) =>
    (f.kinds.length === 0 || f.kinds.includes(c.kind)) &&
    (f.tiers.length === 0 || f.tiers.includes(c.tier ?? -1)) &&
    (f.systems.length === 0 || (c.system !== null && f.systems.includes(c.system))) &&
    (f.owners.length === 0 || (c.owner !== null && f.owners.includes(c.owner))) &&
    (!f.withFindings || concerned.has(c.name));
  const byEdgeAttributes = f.protocols.length > 0 || f.dependencyKinds.length > 0 || f.minErrorRate > 0;
  const edgeShown = (d: Dependency) =>
    (f.protocols.length === 0 || f.protocols.includes(d.protocol)) &&
    (f.dependencyKinds.length === 0 || f.dependencyKinds.includes(d.kind)) &&
    d.errorRate >= f.minErrorRate &&
    d.calls >= f.minCalls;
  const keep = new Set(snapshot.components.filter(shown).map((c) => c.name));
  const result = restrict(snapshot, keep, edgeShown);
  // Filtering by what dependencies are (a protocol, a kind, an error rate) shows the part of the
  // estate they make up: components left with none of them go too. The low-volume threshold only
  // thins edges out.
  if (!byEdgeAttributes) return result;
  const touched = new Set(result.dependencies.flatMap((d) => [d.from, d.to]));
  return { ...result, components: result.components.filter((c) => touched.has(c.name)) };
}

/** Names within `depth` hops of `name`: downstream follows dependencies, upstream their reverse. */
export function neighbourhoodWithin(snapshot: Graph, name: string, depth: number, direction: Direction): Set<string> {
  const out = new Map<string, string[]>();
  const into = new Map<string, string[]>();
  for (const d of snapshot.dependencies) {
    (out.get(d.from) ?? out.set(d.from, []).get(d.from)!).push(d.to);
    (into.get(d.to) ?? into.set(d.to, []).get(d.to)!).push(d.from);
  }
  const reached = new Set([name]);
  const walk = (next: Map<string, string[]>) => {
    let frontier = [name];
    const seen = new Set([name]);
    for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
      const following: string[] = [];
      for (const n of frontier) {
        for (const m of next.get(n) ?? []) {
          if (seen.has(m)) continue;
          seen.add(m);
          reached.add(m);
          following.push(m);
        }
      }
      frontier = following;
    }
  };
  if (direction !== 'up') walk(out);
  if (direction !== 'down') walk(into);
  return reached;
}

export function applyFocus<S extends GraphSnapshot>(snapshot: S, name: string, depth: number, direction: Direction): S {
  if (!snapshot.components.some((c) => c.name === name)) return snapshot;
  return restrict(snapshot, neighbourhoodWithin(snapshot, name, depth, direction));
}

export interface PathsFound {
  /** Components on at least one path, and the dependencies (by ends) the paths take. */
  nodes: Set<string>;
  edges: Set<string>;
  paths: number;
  /** The search stopped at its bound: there may be more paths than `paths`. */
  truncated: boolean;
}

export const pairKey = (from: string, to: string) => JSON.stringify([from, to]);

/**
 * Every simple path from -> to of at most `maxHops` dependencies (following their direction), up
 * to `maxPaths`. A search from a component only continues where the target is still within reach
 * (distances to it computed first), so even a large estate is searched in what can lead there.
 */
export function simplePaths(snapshot: Graph, from: string, to: string, maxHops: number, maxPaths = 500): PathsFound {
  const out = new Map<string, string[]>();
  const into = new Map<string, string[]>();
  for (const d of snapshot.dependencies) {
    if (d.from === d.to) continue;
    const o = out.get(d.from) ?? out.set(d.from, []).get(d.from)!;
    if (!o.includes(d.to)) o.push(d.to);
    (into.get(d.to) ?? into.set(d.to, []).get(d.to)!).push(d.from);
  }
  // Hops from each component to the target, against the dependencies' direction.
  const toTarget = new Map([[to, 0]]);
  let frontier = [to];
  for (let hop = 1; hop <= maxHops && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const n of frontier) for (const m of into.get(n) ?? []) if (!toTarget.has(m)) (toTarget.set(m, hop), next.push(m));
    frontier = next;
  }
  const found: PathsFound = { nodes: new Set(), edges: new Set(), paths: 0, truncated: false };
  if (!toTarget.has(from) || from === to) return found;
  const stack = [from];
  const onStack = new Set([from]);
  let steps = 0;
  const search = (at: string) => {
    if (found.truncated) return;
    if (++steps > 200_000 || found.paths >= maxPaths) {
      found.truncated = true;
      return;
    }
    if (at === to) {
      found.paths++;
      for (let i = 0; i < stack.length; i++) {
        found.nodes.add(stack[i]!);
        if (i > 0) found.edges.add(pairKey(stack[i - 1]!, stack[i]!));
      }
      return;
    }
    const left = maxHops - (stack.length - 1);
    for (const next of out.get(at) ?? []) {
      if (onStack.has(next) || (toTarget.get(next) ?? Infinity) > left - 1) continue;
      stack.push(next);
      onStack.add(next);
      search(next);
      stack.pop();
      onStack.delete(next);
    }
  };
  search(from);
  return found;
}

export function applyPaths<S extends GraphSnapshot>(snapshot: S, found: PathsFound): S {
  return restrict(snapshot, found.nodes, (d) => found.edges.has(pairKey(d.from, d.to)));
}
