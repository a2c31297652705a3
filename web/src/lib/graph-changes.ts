// The map's graph kept current by changes (GraphQL `graphChanges`) instead of whole re-reads: a
// full answer replaces what is held, a partial one replaces the components and dependencies it
// names and drops the ones it says left the window. Pure.
import type { GraphChanges } from './graph-wire.ts';
import type { Component, Dependency, Finding, GraphSnapshot, ResolvedWindow } from './model.ts';

export interface HeldGraph {
  version: number;
  window: ResolvedWindow;
  components: Map<string, Component>;
  /** By dependency key (ends, kind, protocol) and then operation: a change names the first four. */
  dependencies: Map<string, Dependency[]>;
  findings: Finding[];
}

/** Lengths keep the four apart whatever they hold (cheaper than JSON for 20,000 dependencies). */
const edgeKey = (d: Pick<Dependency, 'from' | 'to' | 'kind' | 'protocol'>) => `${d.from.length}:${d.to.length}:${d.kind}:${d.protocol.length}:${d.from}${d.to}${d.protocol}`;

export function emptyGraph(): HeldGraph {
  return { version: 0, window: { fromMs: 0, toMs: 0, resolutionSeconds: 60 }, components: new Map(), dependencies: new Map(), findings: [] };
}

/** The graph after `changes`; the held one is not modified. */
export function applyChanges(held: HeldGraph, changes: GraphChanges): HeldGraph {
  const components = changes.full ? new Map<string, Component>() : new Map(held.components);
  const dependencies = changes.full ? new Map<string, Dependency[]>() : new Map(held.dependencies);
  for (const name of changes.removedComponents) components.delete(name);
  for (const c of changes.components) components.set(c.name, c);
  for (const d of changes.removedDependencies) dependencies.delete(edgeKey(d));
  // A changed dependency comes with all its operations: what was held for its key is replaced.
  const fresh = new Map<string, Dependency[]>();
  for (const d of changes.dependencies) {
    const key = edgeKey(d);
    const list = fresh.get(key);
    if (list) list.push(d);
    else fresh.set(key, [d]);
  }
  for (const [key, list] of fresh) dependencies.set(key, list);
  return { version: changes.version, window: changes.window, components, dependencies, findings: changes.findings ?? held.findings };
}

/** The snapshot the map draws, in the order a full read gives (components by name). */
export function snapshotOf(held: HeldGraph, receivedAt: Date): GraphSnapshot {
  const components = [...held.components.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const all = [...held.dependencies.values()].flat();
  const dependencies = all.filter((d) => held.components.has(d.from) && held.components.has(d.to));
  return { window: held.window, components, dependencies, droppedDependencies: all.length - dependencies.length, findings: held.findings, receivedAt };
}
