// Folds interactions and sightings into per-component and per-dependency deltas between two
// flushes. A delta only ever adds (counts, histogram buckets) or takes min/max (times), so
// writing it to Neo4j is a commutative merge, and a delta whose write failed can be merged back
// into the next one without losing or double-counting anything. Memory is bounded by the
// number of distinct edges, not by the span rate.
import type { ComponentKind, ComponentRef, ComponentSighting, DependencyKind, Interaction } from '../model/interaction.ts';
import type { WorkflowRun } from '../inference/workflow-tracker.ts';
import { addSample, mergeCounts, type LatencyCounts } from './latency-histogram.ts';

export interface ComponentDelta {
  name: string;
  kind: ComponentKind;
  virtual: boolean;
  namespace: string | undefined;
  environment: string | undefined;
  versions: string[];
  firstSeenMs: number;
  lastSeenMs: number;
  /** Seen starting a workflow (a root span naming no caller). */
  entryPoint: boolean;
}

export interface DependencyDelta {
  from: string;
  to: string;
  kind: DependencyKind;
  protocol: string;
  operation: string | undefined;
  calls: number;
  /** Calls where either side ended in ERROR. */
  errors: number;
  /** Calls where the callee's side ended in ERROR and the caller's side was observed. */
  calleeErrors: number;
  /** Of those, calls where the caller's side ended in ERROR too. */
  propagatedErrors: number;
  /** Distinct traces among this delta's calls (for calls per trace). */
  traces: number;
  latency: LatencyCounts;
  firstSeenMs: number;
  lastSeenMs: number;
  /** A few recent trace ids, failing ones first: evidence a human can open. */
  exemplarTraceIds: string[];
  /** Published messages no consumer took (PUBLISH edges only). */
  unconsumed: number;
}

export interface WorkflowDelta {
  /** entry + operation: the MERGE key. */
  key: string;
  entry: string;
  operation: string;
  runs: number;
  failedRuns: number;
  manualRuns: number;
  /** Unhandled error paths, keyed by the path itself. */
  unhandled: Array<{ key: string; path: string[]; count: number; exemplarTraceIds: string[] }>;
  exemplarTraceIds: string[];
  lastSeenMs: number;
}

export interface GraphDelta {
  components: ComponentDelta[];
  dependencies: DependencyDelta[];
  workflows: WorkflowDelta[];
}

export interface GraphAggregatorStats {
  pendingComponents: number;
  pendingDependencies: number;
  pendingWorkflows: number;
  /** Interactions refused because the pending set was full (Neo4j away too long). */
  droppedInteractions: number;
}

const MAX_EXEMPLARS = 5;
const MAX_VERSIONS = 20;
/** Distinct trace ids remembered per edge per flush; beyond it every call counts as a new trace. */
const MAX_TRACES_PER_DELTA = 10_000;
/**
 * Distinct trace ids held across all edges until the next drain. While Neo4j is away drains are
 * backed off (up to 30 s), so without this bound the sets would grow with span rate × outage;
 * past it every call counts as a new trace (callsPerTrace reads low rather than memory growing).
 */
const MAX_HELD_TRACE_IDS = 200_000;

interface PendingDependency extends DependencyDelta {
  traceIds: Set<string>;
  errorExemplars: string[];
}

export function createGraphAggregator(options: {
  maxDependencies: number;
  maxComponents: number;
  /** Called when a dependency never seen before starts pending (so it can be written sooner). */
  onNewDependency?: () => void;
}) {
  let components = new Map<string, ComponentDelta>();
  let dependencies = new Map<string, PendingDependency>();
  // Every dependency key this aggregator has handed out, bounded like the pending set: past the
  // bound new edges simply wait for the regular flush.
  const everSeen = new Set<string>();
  let workflows = new Map<string, WorkflowDelta>();
  let droppedInteractions = 0;
  let heldTraceIds = 0;

  function workflowFor(entry: string, operation: string, timeUnixMs: number): WorkflowDelta | undefined {
    const key = `${entry} ${operation}`;
    let w = workflows.get(key);
    if (!w) {
      if (workflows.size >= options.maxDependencies) return undefined;
      w = { key, entry, operation, runs: 0, failedRuns: 0, manualRuns: 0, unhandled: [], exemplarTraceIds: [], lastSeenMs: timeUnixMs };
      workflows.set(key, w);
    }
    w.lastSeenMs = Math.max(w.lastSeenMs, timeUnixMs);
    return w;
  }

  function addUnhandled(w: WorkflowDelta, path: string[], count: number, traceIds: string[]): void {
    const key = path.join(' > ');
    let u = w.unhandled.find((x) => x.key === key);
    if (!u) {
      u = { key, path, count: 0, exemplarTraceIds: [] };
      w.unhandled.push(u);
    }
    u.count += count;
    for (const t of traceIds) remember(u.exemplarTraceIds, t);
  }

  function noteComponent(ref: ComponentRef, timeUnixMs: number, extra?: ComponentSighting): boolean {
    let c = components.get(ref.name);
    if (!c) {
      if (components.size >= options.maxComponents) return false;
      c = { name: ref.name, kind: ref.kind, virtual: ref.virtual, namespace: undefined, environment: undefined, versions: [], firstSeenMs: timeUnixMs, lastSeenMs: timeUnixMs, entryPoint: false };
      components.set(ref.name, c);
    }
    // A component seen emitting spans is real, whatever its callers guessed it was.
    if (!ref.virtual && c.virtual) {
      c.virtual = false;
      c.kind = ref.kind;
    }
    c.firstSeenMs = Math.min(c.firstSeenMs, timeUnixMs);
    c.lastSeenMs = Math.max(c.lastSeenMs, timeUnixMs);
    if (extra) {
      if (extra.entryPoint) c.entryPoint = true;
      c.namespace = extra.namespace ?? c.namespace;
      c.environment = extra.environment ?? c.environment;
      if (extra.version && !c.versions.includes(extra.version) && c.versions.length < MAX_VERSIONS) c.versions.push(extra.version);
    }
    return true;
  }

  function dependencyFor(i: { from: string; to: string; kind: DependencyKind; protocol: string }, timeUnixMs: number): PendingDependency | undefined {
    const key = `${i.from}\u0000${i.to}\u0000${i.kind}\u0000${i.protocol}`;
    let d = dependencies.get(key);
    if (!d) {
      if (dependencies.size >= options.maxDependencies) return undefined;
      d = {
        from: i.from, to: i.to, kind: i.kind, protocol: i.protocol, operation: undefined,
        calls: 0, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: 0, latency: [],
        firstSeenMs: timeUnixMs, lastSeenMs: timeUnixMs, exemplarTraceIds: [], unconsumed: 0,
        traceIds: new Set(), errorExemplars: [],
      };
      dependencies.set(key, d);
      if (!everSeen.has(key) && everSeen.size < options.maxDependencies) {
        everSeen.add(key);
        options.onNewDependency?.();
      }
    }
    return d;
  }

  function remember(list: string[], traceId: string): void {
    if (list.includes(traceId)) return;
    list.unshift(traceId);
    if (list.length > MAX_EXEMPLARS) list.pop();
  }

  return {
    addSighting(sighting: ComponentSighting): void {
      noteComponent(sighting, sighting.timeUnixMs, sighting);
    },

    addInteraction(i: Interaction): void {
      const d = dependencyFor({ from: i.from.name, to: i.to.name, kind: i.kind, protocol: i.protocol }, i.timeUnixMs);
      if (!d || !noteComponent(i.from, i.timeUnixMs) || !noteComponent(i.to, i.timeUnixMs)) {
        droppedInteractions++;
        return;
      }
      d.calls++;
      const failed = i.calleeError || i.callerError === true;
      if (failed) d.errors++;
      if (i.callerError !== undefined && i.calleeError) {
        d.calleeErrors++;
        if (i.callerError) d.propagatedErrors++;
      }
      if (d.traceIds.size < MAX_TRACES_PER_DELTA && heldTraceIds < MAX_HELD_TRACE_IDS) {
        if (!d.traceIds.has(i.traceId)) {
          d.traceIds.add(i.traceId);
          heldTraceIds++;
          d.traces++;
        }
      } else d.traces++;
      addSample(d.latency, i.durationMs);
      d.firstSeenMs = Math.min(d.firstSeenMs, i.timeUnixMs);
      d.lastSeenMs = Math.max(d.lastSeenMs, i.timeUnixMs);
      if (i.operation) d.operation = i.operation;
      remember(failed ? d.errorExemplars : d.exemplarTraceIds, i.traceId);
    },

    /** A message published on this edge was never consumed (see SpanInference.onUnconsumedMessage). */
    addUnconsumed(publish: Interaction): void {
      const d = dependencyFor({ from: publish.from.name, to: publish.to.name, kind: publish.kind, protocol: publish.protocol }, publish.timeUnixMs);
      if (!d || !noteComponent(publish.from, publish.timeUnixMs) || !noteComponent(publish.to, publish.timeUnixMs)) {
        droppedInteractions++;
        return;
      }
      d.unconsumed++;
    },

    addWorkflowRun(run: WorkflowRun): void {
      const w = workflowFor(run.entry, run.operation, run.timeUnixMs);
      if (!w) {
        droppedInteractions++;
        return;
      }
      w.runs++;
      if (run.failed) w.failedRuns++;
      if (run.manual) w.manualRuns++;
      if (run.failed || run.manual) remember(w.exemplarTraceIds, run.traceId);
      if (run.unhandledErrorPath) addUnhandled(w, run.unhandledErrorPath, 1, [run.traceId]);
    },

    /** Takes everything gathered since the last drain. */
    drain(): GraphDelta {
      const delta: GraphDelta = {
        components: [...components.values()],
        dependencies: [...dependencies.values()].map(({ traceIds: _t, errorExemplars, ...d }) => ({
          ...d,
          exemplarTraceIds: [...errorExemplars, ...d.exemplarTraceIds].slice(0, MAX_EXEMPLARS),
        })),
        workflows: [...workflows.values()],
      };
      components = new Map();
      dependencies = new Map();
      workflows = new Map();
      heldTraceIds = 0;
      return delta;
    },

    /** Merges back a drained delta whose write failed, so the next flush carries it. */
    restore(delta: GraphDelta): void {
      for (const c of delta.components) {
        noteComponent(c, c.firstSeenMs);
        const pending = components.get(c.name);
        if (!pending) continue;
        pending.lastSeenMs = Math.max(pending.lastSeenMs, c.lastSeenMs);
        pending.namespace ??= c.namespace;
        pending.environment ??= c.environment;
        if (c.entryPoint) pending.entryPoint = true;
        for (const v of c.versions) if (!pending.versions.includes(v)) pending.versions.push(v);
      }
      for (const r of delta.dependencies) {
        const d = dependencyFor(r, r.firstSeenMs);
        if (!d) {
          droppedInteractions += r.calls;
          continue;
        }
        d.calls += r.calls;
        d.errors += r.errors;
        d.calleeErrors += r.calleeErrors;
        d.propagatedErrors += r.propagatedErrors;
        d.traces += r.traces;
        d.unconsumed += r.unconsumed;
        mergeCounts(d.latency, r.latency);
        d.firstSeenMs = Math.min(d.firstSeenMs, r.firstSeenMs);
        d.lastSeenMs = Math.max(d.lastSeenMs, r.lastSeenMs);
        d.operation ??= r.operation;
        for (const t of r.exemplarTraceIds) if (d.exemplarTraceIds.length < MAX_EXEMPLARS && !d.exemplarTraceIds.includes(t)) d.exemplarTraceIds.push(t);
      }
      for (const r of delta.workflows) {
        const w = workflowFor(r.entry, r.operation, r.lastSeenMs);
        if (!w) {
          droppedInteractions += r.runs;
          continue;
        }
        w.runs += r.runs;
        w.failedRuns += r.failedRuns;
        w.manualRuns += r.manualRuns;
        for (const t of r.exemplarTraceIds) remember(w.exemplarTraceIds, t);
        for (const u of r.unhandled) addUnhandled(w, u.path, u.count, u.exemplarTraceIds);
      }
    },

    stats(): GraphAggregatorStats {
      return { pendingComponents: components.size, pendingDependencies: dependencies.size, pendingWorkflows: workflows.size, droppedInteractions };
    },
  };
}

export type GraphAggregator = ReturnType<typeof createGraphAggregator>;
