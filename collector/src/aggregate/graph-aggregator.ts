// Folds interactions and sightings into per-component and per-dependency deltas between two
// flushes, each split into one-minute buckets by the time of the call itself (DESIGN.md §7): a
// late or replayed span lands in the minute it happened, not the minute it arrived. A delta only
// ever adds (counts, histogram buckets) or takes min/max (times), so writing it to Neo4j is a
// commutative merge. Memory is bounded by the number of distinct edges × minutes in one delta,
// not by the span rate.
import { type Counts, MAX_EXEMPLARS } from './counts.ts';
import type { ComponentKind, ComponentRef, ComponentSighting, DependencyKind, Interaction } from '../model/interaction.ts';
import type { WorkflowRun } from '../inference/workflow-tracker.ts';
import { addSample, addSparseSample, type LatencyCounts } from './latency-histogram.ts';

/** The finest bucket: one minute. Coarser tiers are rolled up from these (timeline/tiers.ts). */
export const BUCKET_MS = 60_000;
const bucketStart = (timeUnixMs: number): number => Math.floor(timeUnixMs / BUCKET_MS) * BUCKET_MS;

/** One minute of one dependency. */
export interface DependencyBucketDelta extends Counts {
  startMs: number;
  /** Sparse histogram: [bin, count, bin, count, ...], bins ascending (latency-histogram.ts). */
  latency: number[];
}

/** One minute in which a component was seen sending spans. */
export interface ComponentBucketDelta {
  startMs: number;
  /** Batches of spans seen from it in that minute. */
  sightings: number;
}

/** A service.version seen from a component, and when. */
export interface VersionSighting {
  version: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

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
  /** Minutes in which it sent spans (empty for a virtual component). */
  buckets: ComponentBucketDelta[];
  /** service.version values it reported in this delta. */
  versionSightings: VersionSighting[];
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
  /** The same calls split by the minute they happened in; the totals above are their sum. */
  buckets: DependencyBucketDelta[];
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
  /** The same runs by the minute they started in. */
  buckets: WorkflowBucketDelta[];
}

/** One minute of one workflow's runs. */
export interface WorkflowBucketDelta {
  startMs: number;
  runs: number;
  failedRuns: number;
  manualRuns: number;
  /** Unhandled error paths (keyed as in WorkflowDelta.unhandled) and how many runs took each. */
  unhandled: Array<{ key: string; count: number }>;
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
  /** Calls and sightings dated beyond the clock-skew tolerance in the future: counted at now. */
  futureTimesClamped: number;
  /** Minute buckets held until the next drain (a replayed backlog spreads over many minutes). */
  pendingBuckets: number;
}

const MAX_VERSIONS = 20;
/** Distinct trace ids remembered per edge per flush; beyond it every call counts as a new trace. */
const MAX_TRACES_PER_DELTA = 10_000;
/**
 * Distinct trace ids held across all edges until the next drain. While the delta buffer is full
 * (Neo4j away or behind) drains are skipped, so without this bound the sets would grow with span rate × outage;
 * past it every call counts as a new trace (callsPerTrace reads low rather than memory growing).
 */
const MAX_HELD_TRACE_IDS = 200_000;

interface PendingDependency extends Omit<DependencyDelta, 'buckets'> {
  traceIds: Set<string>;
  errorExemplars: string[];
  buckets: Map<number, DependencyBucketDelta>;
}

interface PendingComponent extends Omit<ComponentDelta, 'buckets' | 'versionSightings'> {
  buckets: Map<number, ComponentBucketDelta>;
  versionSightings: Map<string, VersionSighting>;
}

export function createGraphAggregator(options: {
  maxDependencies: number;
  maxComponents: number;
  /** Called when a dependency never seen before starts pending (so it can be written sooner). */
  onNewDependency?: () => void;
  /** For clamping times from the future (epoch ms); defaults to Date.now. */
  clock?: () => number;
  /** How far ahead of the clock a span may be dated before it counts as skewed (default 5 min). */
  maxClockSkewMs?: number;
  /** Called when the pending buckets pass half their bound (so they can be written sooner). */
  onManyBuckets?: () => void;
  /** Bound on minute buckets held between drains; past it calls are refused and counted (default 400,000). */
  maxBuckets?: number;
}) {
  const maxBuckets = options.maxBuckets ?? 400_000;
  let pendingBuckets = 0;
  const clock = options.clock ?? Date.now;
  const maxSkewMs = options.maxClockSkewMs ?? 300_000;
  let futureTimesClamped = 0;
  /** A time as it is bucketed: spans from beyond the skew tolerance are counted now (and counted as such). */
  function clamp(timeUnixMs: number): number {
    const now = clock();
    if (timeUnixMs <= now + maxSkewMs) return timeUnixMs;
    futureTimesClamped++;
    return now;
  }
  let components = new Map<string, PendingComponent>();
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
      w = { key, entry, operation, runs: 0, failedRuns: 0, manualRuns: 0, unhandled: [], exemplarTraceIds: [], lastSeenMs: timeUnixMs, buckets: [] };
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
      c = {
        name: ref.name, kind: ref.kind, virtual: ref.virtual, namespace: undefined, environment: undefined, versions: [], firstSeenMs: timeUnixMs, lastSeenMs: timeUnixMs,
        entryPoint: false, buckets: new Map(), versionSightings: new Map(),
      };
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
      const start = bucketStart(timeUnixMs);
      const bucket = c.buckets.get(start);
      if (bucket) bucket.sightings++;
      else c.buckets.set(start, { startMs: start, sightings: 1 });
      if (extra.version) {
        const seen = c.versionSightings.get(extra.version);
        if (seen) {
          seen.firstSeenMs = Math.min(seen.firstSeenMs, timeUnixMs);
          seen.lastSeenMs = Math.max(seen.lastSeenMs, timeUnixMs);
        } else if (c.versionSightings.size < MAX_VERSIONS) c.versionSightings.set(extra.version, { version: extra.version, firstSeenMs: timeUnixMs, lastSeenMs: timeUnixMs });
      }
    }
    return true;
  }

  function bucketOf(d: PendingDependency, timeUnixMs: number): DependencyBucketDelta {
    const start = bucketStart(timeUnixMs);
    let b = d.buckets.get(start);
    if (!b) {
      b = { startMs: start, calls: 0, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: 0, unconsumed: 0, latency: [] };
      d.buckets.set(start, b);
      if (++pendingBuckets === Math.floor(maxBuckets / 2)) options.onManyBuckets?.();
    }
    return b;
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
        traceIds: new Set(), errorExemplars: [], buckets: new Map(),
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
      noteComponent(sighting, clamp(sighting.timeUnixMs), sighting);
    },

    addInteraction(i: Interaction): void {
      if (pendingBuckets >= maxBuckets) {
        droppedInteractions++;
        return;
      }
      const at = clamp(i.timeUnixMs);
      const d = dependencyFor({ from: i.from.name, to: i.to.name, kind: i.kind, protocol: i.protocol }, at);
      if (!d || !noteComponent(i.from, at) || !noteComponent(i.to, at)) {
        droppedInteractions++;
        return;
      }
      const b = bucketOf(d, at);
      d.calls++;
      b.calls++;
      const failed = i.calleeError || i.callerError === true;
      if (failed) {
        d.errors++;
        b.errors++;
      }
      if (i.callerError !== undefined && i.calleeError) {
        d.calleeErrors++;
        b.calleeErrors++;
        if (i.callerError) {
          d.propagatedErrors++;
          b.propagatedErrors++;
        }
      }
      // A trace is counted in the minute its first call on this edge (in this delta) happened.
      if (d.traceIds.size < MAX_TRACES_PER_DELTA && heldTraceIds < MAX_HELD_TRACE_IDS) {
        if (!d.traceIds.has(i.traceId)) {
          d.traceIds.add(i.traceId);
          heldTraceIds++;
          d.traces++;
          b.traces++;
        }
      } else {
        d.traces++;
        b.traces++;
      }
      addSample(d.latency, i.durationMs);
      addSparseSample(b.latency, i.durationMs);
      d.firstSeenMs = Math.min(d.firstSeenMs, at);
      d.lastSeenMs = Math.max(d.lastSeenMs, at);
      if (i.operation) d.operation = i.operation;
      remember(failed ? d.errorExemplars : d.exemplarTraceIds, i.traceId);
    },

    /** A message published on this edge was never consumed (see SpanInference.onUnconsumedMessage). */
    addUnconsumed(publish: Interaction): void {
      const at = clamp(publish.timeUnixMs);
      const d = dependencyFor({ from: publish.from.name, to: publish.to.name, kind: publish.kind, protocol: publish.protocol }, at);
      if (!d || !noteComponent(publish.from, at) || !noteComponent(publish.to, at)) {
        droppedInteractions++;
        return;
      }
      d.unconsumed++;
      bucketOf(d, at).unconsumed++;
    },

    addWorkflowRun(run: WorkflowRun): void {
      const at = clamp(run.timeUnixMs);
      const w = workflowFor(run.entry, run.operation, at);
      if (!w) {
        droppedInteractions++;
        return;
      }
      const start = bucketStart(at);
      let b = w.buckets.find((x) => x.startMs === start);
      if (!b) w.buckets.push((b = { startMs: start, runs: 0, failedRuns: 0, manualRuns: 0, unhandled: [] }));
      w.runs++;
      b.runs++;
      if (run.failed) {
        w.failedRuns++;
        b.failedRuns++;
      }
      if (run.manual) {
        w.manualRuns++;
        b.manualRuns++;
      }
      if (run.failed || run.manual) remember(w.exemplarTraceIds, run.traceId);
      if (run.unhandledErrorPath) {
        addUnhandled(w, run.unhandledErrorPath, 1, [run.traceId]);
        const key = run.unhandledErrorPath.join(' > ');
        const u = b.unhandled.find((x) => x.key === key);
        if (u) u.count++;
        else b.unhandled.push({ key, count: 1 });
      }
    },

    /** Takes everything gathered since the last drain. */
    drain(): GraphDelta {
      const delta: GraphDelta = {
        components: [...components.values()].map((c) => ({ ...c, buckets: [...c.buckets.values()], versionSightings: [...c.versionSightings.values()] })),
        dependencies: [...dependencies.values()].map(({ traceIds: _t, errorExemplars, buckets, ...d }) => ({
          ...d,
          exemplarTraceIds: [...errorExemplars, ...d.exemplarTraceIds].slice(0, MAX_EXEMPLARS),
          buckets: [...buckets.values()],
        })),
        workflows: [...workflows.values()],
      };
      components = new Map();
      dependencies = new Map();
      workflows = new Map();
      heldTraceIds = 0;
      pendingBuckets = 0;
      return delta;
    },

    stats(): GraphAggregatorStats {
      return { pendingComponents: components.size, pendingDependencies: dependencies.size, pendingWorkflows: workflows.size, droppedInteractions, futureTimesClamped, pendingBuckets };
    },
  };
}

export type GraphAggregator = ReturnType<typeof createGraphAggregator>;
