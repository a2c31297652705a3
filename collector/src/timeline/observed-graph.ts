// The observed graph as detectors take it (store/snapshot-reader.ts's ObservedGraph), from the read
// model over a recent window (ORRERY_DETECT_WINDOW): every retained dependency, with that window's
// calls, errors, propagation and latency (zero when quiet, so a fixed problem resolves by itself),
// and its lifetime first and last sightings (so staleness still sees how long ago it was). Where the
// window saw no callee failure, the edge also says how its caller reacted the last time the callee
// failed (lastErrorPropagation), so a caller seen handling failure is not assumed to pass it on. Pure.
import type { ComponentNode, DependencyEdge, WorkflowStats } from '../model/graph-snapshot.ts';
import type { ReadModel } from './read-model.ts';
import type { ResolvedWindow } from './time-window.ts';

export interface WindowedGraph {
  components: ComponentNode[];
  dependencies: DependencyEdge[];
  workflows: WorkflowStats[];
}

export function observedGraph(model: ReadModel, window: ResolvedWindow): WindowedGraph {
  const active = new Map(model.dependencies(window).map((d) => [d.key, d]));
  const dependencies: DependencyEdge[] = [];
  for (const e of model.allEdges()) {
    const w = active.get(e.key);
    const edge: DependencyEdge = w ?? {
      from: e.from, to: e.to, kind: e.kind, protocol: e.protocol, operation: e.operation, calls: 0, errors: 0, calleeErrors: 0, propagatedErrors: 0,
      p50Ms: undefined, p95Ms: undefined, p99Ms: undefined, errorPropagation: undefined, callsPerTrace: undefined, unconsumed: 0,
      documented: e.documented, firstSeenMs: e.firstSeenMs, lastSeenMs: e.lastSeenMs, exemplarTraceIds: e.exemplarTraceIds,
    };
    const failed = e.newestFailure;
    // The window's answer is shared with GraphQL: a copy carries the older evidence.
    dependencies.push(edge.errorPropagation === undefined && failed ? { ...edge, lastErrorPropagation: failed.propagatedErrors / failed.calleeErrors } : edge);
  }
  const components: ComponentNode[] = [...model.allComponents()].map((c) => ({
    name: c.name, kind: c.kind, virtual: c.virtual, documented: false, owner: undefined, system: undefined,
    intent: { tier: undefined, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined }, firstSeenMs: c.firstSeenMs, lastSeenMs: c.lastSeenMs,
  }));
  return { components, dependencies, workflows: model.workflows(window) };
}
