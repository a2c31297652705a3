// GraphQL `graphChanges(since, window)`: what a map that holds read-model version `since` needs to
// catch up, read from the model's change log (`ReadModel.changesSince`). The map asks after each
// `graphUpdated` instead of reading the whole graph again (at 5,000 components the whole graph is
// megabytes; a publish touches a few hundred names). A version the log no longer remembers (or 0)
// is answered with everything in the window, flagged `full`, and the caller replaces what it holds.
import type { ReadModel, WindowedEdge } from '@orrery/collector/timeline/read-model.ts';
import type { ResolvedWindow } from '@orrery/collector/timeline/time-window.ts';
import { componentRow, type WindowedComponentRow } from './windowed-graph.ts';

export interface DependencyKey {
  from: string;
  to: string;
  kind: string;
  protocol: string;
}

export interface GraphChangesRow {
  version: number;
  full: boolean;
  /** Components that changed and are active in the window (every active one when full). */
  components: WindowedComponentRow[];
  /** Components that changed and are not active in the window (nothing when full). */
  removedComponents: string[];
  dependencies: WindowedEdge[];
  removedDependencies: DependencyKey[];
}

/**
 * The changes after `since`, in `window`; undefined when they are not known (a version older than
 * the log, 0, or newer than the model), so the caller answers with everything.
 */
export function graphChangesRow(model: ReadModel, window: ResolvedWindow, since: number): GraphChangesRow | undefined {
  if (since <= 0) return undefined;
  const changes = model.changesSince(since);
  if (!changes) return undefined;
  const active = new Map(model.activeComponents(window).map((c) => [c.name, c]));
  const index = model.dependencyIndex(window);
  const components: WindowedComponentRow[] = [];
  const removedComponents: string[] = [];
  const listed = new Set<string>();
  for (const name of changes.components) {
    const c = active.get(name);
    listed.add(name);
    if (c) components.push(componentRow(c, window, index.get(name)));
    else removedComponents.push(name);
  }
  const dependencies: WindowedEdge[] = [];
  const removedDependencies: DependencyKey[] = [];
  for (const key of changes.edges) {
    const edge = index.get(key.from)?.out.find((e) => e.to === key.to && e.kind === key.kind && e.protocol === key.protocol);
    if (edge) dependencies.push(edge);
    else removedDependencies.push({ from: key.from, to: key.to, kind: key.kind, protocol: key.protocol });
    // An edge's ends are active while it is: a component named only by a new edge comes with it.
    for (const end of edge ? [key.from, key.to] : []) {
      const c = listed.has(end) ? undefined : active.get(end);
      listed.add(end);
      if (c) components.push(componentRow(c, window, index.get(end)));
    }
  }
  return { version: changes.version, full: false, components, removedComponents, dependencies, removedDependencies };
}

/** What `GraphChanges.packed` carries of a component (the map's own fields). */
export interface PackableComponent {
  name: string;
  displayName: string;
  entryPoint: boolean;
  kind: string;
  namespace: string | null;
  tier: number | null;
  owner: string | null;
  system: string | null;
  documented: boolean;
  virtual: boolean;
}

/** What `GraphChanges.packed` carries of a dependency. */
export interface PackableDependency {
  from: string;
  to: string;
  kind: string;
  protocol: string;
  operation?: string | null | undefined;
  calls: number;
  errors: number;
  p95Ms?: number | null | undefined;
  documented: boolean;
}

export const PACKED_COMPONENT_STRIDE = 10;
export const PACKED_DEPENDENCY_STRIDE = 9;

/**
 * `GraphChanges.packed`: the components and dependencies of an answer as JSON text of flat number
 * lists over one table of strings, for a map of thousands. Asked as objects, GraphQL resolves and
 * writes ten fields per item (4.9 MB and over a second of API time at 5,000 components and 20,000
 * dependencies on a busy machine); packed it is one field, about a fifth of the size, and the
 * browser parses numbers instead of objects.
 *
 * `{ "v": 1, "names": [string], "components": [number], "dependencies": [number] }`, where every
 * string is its index in names (-1 for null), booleans are 1 or 0, a missing tier or p95 is -1:
 * components, 10 numbers each: name, displayName, entryPoint, kind, namespace, tier, owner, system,
 * documented, virtual; dependencies, 9 each: from, to, kind, protocol, operation, calls, errors,
 * p95Ms (to a hundredth of a ms), documented. Same order as the `components` and `dependencies` lists.
 */
export function packGraph(components: readonly PackableComponent[], dependencies: readonly PackableDependency[]): string {
  const names: string[] = [];
  const index = new Map<string, number>();
  const id = (s: string | null | undefined): number => {
    if (s === null || s === undefined) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = names.length;
      names.push(s);
      index.set(s, i);
    }
    return i;
  };
  const c: number[] = [];
  for (const x of components) {
    c.push(id(x.name), id(x.displayName), x.entryPoint ? 1 : 0, id(x.kind), id(x.namespace), x.tier ?? -1, id(x.owner), id(x.system), x.documented ? 1 : 0, x.virtual ? 1 : 0);
  }
  const d: number[] = [];
  for (const x of dependencies) {
    const p95 = x.p95Ms === null || x.p95Ms === undefined ? -1 : Math.round(x.p95Ms * 100) / 100;
    d.push(id(x.from), id(x.to), id(x.kind), id(x.protocol), id(x.operation), x.calls, x.errors, p95, x.documented ? 1 : 0);
  }
  return JSON.stringify({ v: 1, names, components: c, dependencies: d });
}
