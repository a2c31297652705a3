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
  const components: WindowedComponentRow[] = [];
  const removedComponents: string[] = [];
  const listed = new Set<string>();
  for (const name of changes.components) {
    const c = active.get(name);
    listed.add(name);
    if (c) components.push(componentRow(c, window));
    else removedComponents.push(name);
  }
  const index = model.dependencyIndex(window);
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
      if (c) components.push(componentRow(c, window));
    }
  }
  return { version: changes.version, full: false, components, removedComponents, dependencies, removedDependencies };
}
