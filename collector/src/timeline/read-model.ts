// The observed graph in memory, with its time buckets: what GraphQL and the detectors read,
// kept current by the writer (applyDelta after every successful flush) and by the detection
// loop (applyCatalogView), loaded once from Neo4j at start (store/read-model-loader.ts). Neo4j
// stays the system of record; this answers a window without re-reading the graph. A window's
// answers are kept and follow each publish (window-views.ts); which components and dependencies
// each version changed is remembered for clients that want only that (change-log.ts). Pure.
import type { ComponentDelta, DependencyDelta, GraphDelta, WorkflowDelta } from '../aggregate/graph-aggregator.ts';
import { MAX_EXEMPLARS, mergeExemplars, mergeLifetime } from '../aggregate/counts.ts';
import { quantileMs } from '../aggregate/latency-histogram.ts';
import type { ComponentKind, DependencyKind } from '../model/interaction.ts';
import type { ComponentNode, DependencyEdge, Intent, WorkflowStats } from '../model/graph-snapshot.ts';
import { BucketSeries, newWindowSum, resetWindowSum, sparse, sumWindow, windowQuantileMs, type Bucket, type BucketInput, type Counts, type WindowSum } from './buckets.ts';
import { createChangeLog, type ChangesSince } from './change-log.ts';
import { sparseQuantilesMs, type EdgeSum } from './edge-sum.ts';
import { MINUTE_MS, rollupPlan, type Tiers } from './tiers.ts';
import type { ResolvedWindow } from './time-window.ts';
import { createWindowViews, keyOf } from './window-views.ts';

const NO_INTENT: Intent = { tier: undefined, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined };

/** Lifetime facts of a component, and the catalog's view of it. */
export interface ModelComponent {
  name: string;
  kind: ComponentKind;
  virtual: boolean;
  namespace: string | undefined;
  environment: string | undefined;
  versions: string[];
  entryPoint: boolean;
  firstSeenMs: number;
  lastSeenMs: number;
  documented: boolean;
  owner: string | undefined;
  system: string | undefined;
  intent: Intent;
  /** Minutes (and rolled-up hours and days) in which it sent spans; `calls` counts sightings. */
  buckets: BucketSeries;
}

/** Lifetime facts of a dependency and its buckets. */
export interface ModelEdge extends Counts {
  key: string;
  /** Its place in the model's list of dependencies (0, 1, 2, ... in creation order): a slot in each window's sums. */
  ordinal: number;
  from: string;
  to: string;
  kind: DependencyKind;
  protocol: string;
  operation: string | undefined;
  /** Lifetime latency histogram (dense), for `last: all`. */
  latency: number[];
  firstSeenMs: number;
  lastSeenMs: number;
  exemplarTraceIds: string[];
  documented: boolean;
  buckets: BucketSeries;
  /** The newest bucket in which the callee failed: how its caller reacted the last time (observed-graph.ts). */
  newestFailure: Pick<Bucket, 'startMs' | 'calleeErrors' | 'propagatedErrors'> | undefined;
}

export interface ModelWorkflow {
  key: string;
  entry: string;
  operation: string;
  runs: number;
  failedRuns: number;
  manualRuns: number;
  unhandled: Map<string, { path: string[]; count: number; exemplarTraceIds: string[] }>;
  exemplarTraceIds: string[];
  lastSeenMs: number;
  /** Runs per bucket: calls = runs, errors = failed runs, unconsumed = manual runs. */
  buckets: BucketSeries;
  /** Unhandled error paths per bucket (calls = runs that took the path). */
  unhandledBuckets: Map<string, BucketSeries>;
}

/** A dependency as a window sees it: the window's metrics, lifetime identity. */
export interface WindowedEdge extends DependencyEdge {
  /** The dependency's key in the model (edgeKey). */
  key: string;
  /** The dependency's ordinal in the model (ModelEdge.ordinal): windows of one model are compared by it. */
  ordinal: number;
  callsPerMinute: number;
  errorRate: number;
  /** Traces in the window, for the noise rules of graph diffs. */
  traces: number;
}

export interface SeriesPoint {
  atMs: number;
  calls: number;
  errors: number;
  p95Ms: number | undefined;
}

export const edgeKey = (from: string, to: string, kind: string, protocol: string): string => JSON.stringify([from, to, kind, protocol]);

const QUANTILES = [0.5, 0.95, 0.99] as const;

function bucketFrom(startMs: number, resMs: number, counts: Counts, denseLatency: readonly number[]): Bucket {
  return {
    startMs, resMs, calls: counts.calls, errors: counts.errors, calleeErrors: counts.calleeErrors, propagatedErrors: counts.propagatedErrors,
    traces: counts.traces, unconsumed: counts.unconsumed, latency: sparse(denseLatency),
  };
}

const noCounts = (calls: number, errors = 0, unconsumed = 0): Counts => ({ calls, errors, calleeErrors: 0, propagatedErrors: 0, traces: 0, unconsumed });

/** Names in the order localeCompare gives, at a fraction of its cost per comparison. */
const byName = new Intl.Collator();
/**
 * Windows whose answers are kept and followed: the map's, the detectors', a diff's two, the docs'
 * day and lifetime. Each holds a sum and an answer per dependency active in it (20,000 at the
 * size of a real estate, a few MB).
 */
const WINDOWS_KEPT = 6;
/** Versions whose changes are remembered for changesSince (a publish is a version: minutes of them). */
const CHANGES_KEPT = { maxVersions: 5_000, maxNames: 200_000 };

export function createReadModel(options: { tiers: Tiers }) {
  const components = new Map<string, ModelComponent>();
  const edges = new Map<string, ModelEdge>();
  /** The same dependencies, each at its ordinal. */
  const edgeList: ModelEdge[] = [];
  /** Every component sorted by name, until one is added: windows list theirs without sorting 5,000 names each. */
  let byNameList: ModelComponent[] | undefined;
  const versions = new Map<string, Map<string, { firstSeenMs: number; lastSeenMs: number }>>();
  const workflows = new Map<string, ModelWorkflow>();
  /** Newest span time written (the ingestion watermark): how far the graph has caught up. */
  let newestSeenMs = 0;
  /** Bumped on every change. */
  let version = 0;
  const changes = createChangeLog<ModelEdge>(CHANGES_KEPT);
  const views = createWindowViews({
    maxViews: WINDOWS_KEPT, edges: () => edgeList, answer: windowed,
    componentsByName: () => (byNameList ??= [...components.values()].sort((a, b) => byName.compare(a.name, b.name))),
  });
  /** What the version being built changed, recorded when it is done. */
  let changedComponents = new Set<string>();
  let changedEdges = new Set<ModelEdge>();
  const scratch: WindowSum = newWindowSum();

  function component(c: Pick<ComponentDelta, 'name' | 'kind' | 'virtual'> & { firstSeenMs: number; lastSeenMs: number }): ModelComponent {
    let m = components.get(c.name);
    if (!m) {
      m = {
        name: c.name, kind: c.kind, virtual: c.virtual, namespace: undefined, environment: undefined, versions: [], entryPoint: false,
        firstSeenMs: c.firstSeenMs, lastSeenMs: c.lastSeenMs, documented: false, owner: undefined, system: undefined, intent: NO_INTENT, buckets: new BucketSeries(),
      };
      components.set(c.name, m);
      byNameList = undefined;
      views.componentBuckets(m, []);
    }
    return m;
  }

  function applyComponent(c: ComponentDelta): void {
    const m = component(c);
    if (m.virtual && !c.virtual) {
      m.virtual = false;
      m.kind = c.kind;
    }
    m.firstSeenMs = Math.min(m.firstSeenMs, c.firstSeenMs);
    m.lastSeenMs = Math.max(m.lastSeenMs, c.lastSeenMs);
    m.namespace = c.namespace ?? m.namespace;
    m.environment = c.environment ?? m.environment;
    if (c.entryPoint) m.entryPoint = true;
    for (const v of c.versions) if (!m.versions.includes(v)) m.versions.push(v);
    for (const b of c.buckets) m.buckets.add(bucketFrom(b.startMs, MINUTE_MS, noCounts(b.sightings), []));
    if (c.buckets.length > 0) views.componentBuckets(m, c.buckets.map((b) => b.startMs));
    for (const v of c.versionSightings) noteVersion(c.name, v.version, v.firstSeenMs, v.lastSeenMs);
    if (!c.virtual) newestSeenMs = Math.max(newestSeenMs, c.lastSeenMs);
    changedComponents.add(c.name);
  }

  function noteVersion(name: string, v: string, firstSeenMs: number, lastSeenMs: number): void {
    let byVersion = versions.get(name);
    if (!byVersion) versions.set(name, (byVersion = new Map()));
    const seen = byVersion.get(v);
    if (seen) {
      seen.firstSeenMs = Math.min(seen.firstSeenMs, firstSeenMs);
      seen.lastSeenMs = Math.max(seen.lastSeenMs, lastSeenMs);
    } else byVersion.set(v, { firstSeenMs, lastSeenMs });
  }

  function edge(d: Pick<DependencyDelta, 'from' | 'to' | 'kind' | 'protocol' | 'firstSeenMs' | 'lastSeenMs'>): ModelEdge {
    const key = edgeKey(d.from, d.to, d.kind, d.protocol);
    let e = edges.get(key);
    if (!e) {
      e = {
        key, ordinal: edgeList.length, from: d.from, to: d.to, kind: d.kind, protocol: d.protocol, operation: undefined, calls: 0, errors: 0, calleeErrors: 0, propagatedErrors: 0,
        traces: 0, unconsumed: 0, latency: [], firstSeenMs: d.firstSeenMs, lastSeenMs: d.lastSeenMs, exemplarTraceIds: [], documented: false, buckets: new BucketSeries(),
        newestFailure: undefined,
      };
      edges.set(key, e);
      edgeList.push(e);
    }
    return e;
  }

  function applyDependency(d: DependencyDelta): void {
    const e = edge(d);
    mergeLifetime(e, d);
    for (const b of d.buckets) {
      e.buckets.add({ ...b, resMs: MINUTE_MS });
      noteFailure(e, b);
    }
    views.edgeBuckets(e, d.buckets);
    newestSeenMs = Math.max(newestSeenMs, d.lastSeenMs);
    changedEdges.add(e);
  }

  function noteFailure(e: ModelEdge, b: Pick<Bucket, 'startMs' | 'calleeErrors' | 'propagatedErrors'>): void {
    if (b.calleeErrors === 0) return;
    const known = e.newestFailure;
    if (known && known.startMs > b.startMs) return;
    if (known && known.startMs === b.startMs) {
      known.calleeErrors += b.calleeErrors;
      known.propagatedErrors += b.propagatedErrors;
    } else e.newestFailure = { startMs: b.startMs, calleeErrors: b.calleeErrors, propagatedErrors: b.propagatedErrors };
  }

  function workflow(key: string, entry: string, operation: string, lastSeenMs: number): ModelWorkflow {
    let w = workflows.get(key);
    if (!w) {
      w = { key, entry, operation, runs: 0, failedRuns: 0, manualRuns: 0, unhandled: new Map(), exemplarTraceIds: [], lastSeenMs, buckets: new BucketSeries(), unhandledBuckets: new Map() };
      workflows.set(key, w);
    }
    w.lastSeenMs = Math.max(w.lastSeenMs, lastSeenMs);
    return w;
  }

  function applyWorkflow(d: WorkflowDelta): void {
    const w = workflow(d.key, d.entry, d.operation, d.lastSeenMs);
    w.runs += d.runs;
    w.failedRuns += d.failedRuns;
    w.manualRuns += d.manualRuns;
    w.exemplarTraceIds = mergeExemplars(d.exemplarTraceIds, w.exemplarTraceIds);
    for (const u of d.unhandled) {
      const known = w.unhandled.get(u.key);
      if (known) {
        known.count += u.count;
        known.exemplarTraceIds = [...u.exemplarTraceIds, ...known.exemplarTraceIds].slice(0, MAX_EXEMPLARS);
      } else w.unhandled.set(u.key, { path: u.path, count: u.count, exemplarTraceIds: u.exemplarTraceIds.slice(0, MAX_EXEMPLARS) });
    }
    for (const b of d.buckets) {
      w.buckets.add(bucketFrom(b.startMs, MINUTE_MS, noCounts(b.runs, b.failedRuns, b.manualRuns), []));
      for (const u of b.unhandled) addUnhandledBucket(w, u.key, bucketFrom(b.startMs, MINUTE_MS, noCounts(u.count), []));
    }
  }

  function addUnhandledBucket(w: ModelWorkflow, pathKey: string, b: BucketInput): void {
    let series = w.unhandledBuckets.get(pathKey);
    if (!series) w.unhandledBuckets.set(pathKey, (series = new BucketSeries()));
    series.add(b);
  }

  /** The version being built is done: its changes are remembered under it. */
  function changed(): void {
    version++;
    changes.record(version, [...changedComponents], [...changedEdges]);
    changedComponents = new Set();
    changedEdges = new Set();
  }

  /** Everything may have changed (a load from Neo4j): every window is summed again. */
  function replacedWhole(): void {
    version++;
    views.invalidate();
    changes.reset(version);
    changedComponents = new Set();
    changedEdges = new Set();
  }

  /** Edge metrics over a window from its sum there; `all` gives the lifetime totals. */
  function windowed(e: ModelEdge, window: ResolvedWindow, sum: EdgeSum | undefined): WindowedEdge | undefined {
    let counts: Counts;
    let p50: number | undefined;
    let p95: number | undefined;
    let p99: number | undefined;
    if (window.all) {
      counts = e;
      p50 = quantileMs(e.latency, 0.5);
      p95 = quantileMs(e.latency, 0.95);
      p99 = quantileMs(e.latency, 0.99);
    } else {
      if (!sum) return undefined;
      counts = sum;
      [p50, p95, p99] = sparseQuantilesMs(sum.latency, QUANTILES);
    }
    if (counts.calls === 0 && counts.unconsumed === 0) return undefined;
    const minutes = Math.max(1, (window.toMs - Math.max(window.fromMs, window.all ? e.firstSeenMs : window.fromMs)) / MINUTE_MS);
    return {
      key: e.key, ordinal: e.ordinal, from: e.from, to: e.to, kind: e.kind, protocol: e.protocol, operation: e.operation,
      calls: counts.calls, errors: counts.errors, calleeErrors: counts.calleeErrors, propagatedErrors: counts.propagatedErrors, unconsumed: counts.unconsumed,
      traces: counts.traces, p50Ms: p50, p95Ms: p95, p99Ms: p99,
      errorPropagation: counts.calleeErrors > 0 ? counts.propagatedErrors / counts.calleeErrors : undefined,
      callsPerTrace: counts.traces > 0 ? counts.calls / counts.traces : undefined,
      documented: e.documented, firstSeenMs: e.firstSeenMs, lastSeenMs: e.lastSeenMs, exemplarTraceIds: e.exemplarTraceIds,
      callsPerMinute: counts.calls / minutes, errorRate: counts.calls > 0 ? counts.errors / counts.calls : 0,
    };
  }

  /**
   * Windows are summed from whole minutes: a window is widened to the minutes it touches (its
   * first and last minute count whole), which also makes a stable cache key within a minute.
   */
  const minuteFloor = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  const minuteCeil = (ms: number) => Math.ceil(ms / MINUTE_MS) * MINUTE_MS;
  const widened = (w: ResolvedWindow): ResolvedWindow => (w.all ? w : { fromMs: minuteFloor(w.fromMs), toMs: minuteCeil(w.toMs), all: false });

  const model = {
    applyDelta(delta: GraphDelta): void {
      for (const c of delta.components) applyComponent(c);
      for (const d of delta.dependencies) applyDependency(d);
      for (const w of delta.workflows) applyWorkflow(w);
      changed();
    },

    /** The catalog's view, as the last detector pass joined it (documented flags, ownership, intent). */
    applyCatalogView(view: { components: readonly ComponentNode[]; dependencies: readonly DependencyEdge[] }): void {
      for (const c of view.components) {
        const m = components.get(c.name);
        if (!m) continue;
        if (m.documented === c.documented && m.owner === c.owner && m.system === c.system && sameIntent(m.intent, c.intent)) continue;
        m.documented = c.documented;
        m.owner = c.owner;
        m.system = c.system;
        m.intent = c.intent;
        changedComponents.add(m.name);
      }
      for (const d of view.dependencies) {
        const e = edges.get(edgeKey(d.from, d.to, d.kind, d.protocol));
        if (!e || e.documented === d.documented) continue;
        e.documented = d.documented;
        views.edgeChanged(e);
        changedEdges.add(e);
      }
      // A pass that changed nothing leaves the version (and the map's next delta) as it was.
      if (changedComponents.size > 0 || changedEdges.size > 0) changed();
    },

    /** Applies the roll-up and retention plan of `nowMs` (the same the Neo4j roll-up applies). */
    rollUp(nowMs: number): void {
      const plan = rollupPlan(nowMs, options.tiers);
      // rollUp returns the series itself when nothing in it aged.
      let aged = false;
      const age = (series: BucketSeries) => {
        const out = series.rolledUp(plan);
        if (out !== series) aged = true;
        return out;
      };
      for (const c of components.values()) {
        const before = c.buckets;
        if ((c.buckets = age(before)) !== before) changedComponents.add(c.name);
      }
      for (const e of edges.values()) {
        const before = e.buckets;
        if ((e.buckets = age(before)) !== before) changedEdges.add(e);
      }
      for (const w of workflows.values()) {
        w.buckets = age(w.buckets);
        for (const [k, series] of w.unhandledBuckets) w.unhandledBuckets.set(k, age(series));
      }
      if (!aged) return;
      // Windows starting after every bucket that aged sum the same buckets as before: they stand.
      const untouchedFrom = Math.max(plan.minutesBefore, plan.dropBefore);
      views.invalidate((w) => !w.all && w.fromMs >= untouchedFrom);
      changed();
    },

    // ---- loading (store/read-model-loader.ts, store/read-model-follower.ts) ----
    /** A component's lifetime row; an existing one is updated in place (lists handed out hold it). */
    loadComponent(c: Omit<ModelComponent, 'buckets'>): void {
      const known = components.get(c.name);
      if (known) {
        if (known.lastSeenMs !== c.lastSeenMs || known.kind !== c.kind || known.versions.length !== c.versions.length) changedComponents.add(c.name);
        Object.assign(known, c);
      } else {
        const m: ModelComponent = { ...c, buckets: new BucketSeries() };
        components.set(c.name, m);
        byNameList = undefined;
        views.componentBuckets(m, []);
        changedComponents.add(c.name);
      }
      if (!c.virtual) newestSeenMs = Math.max(newestSeenMs, c.lastSeenMs);
    },
    /** A dependency's lifetime row; an existing one is updated in place, and re-answered when it changed. */
    loadEdge(e: Omit<ModelEdge, 'key' | 'ordinal' | 'buckets' | 'newestFailure'>): void {
      const key = edgeKey(e.from, e.to, e.kind, e.protocol);
      const known = edges.get(key);
      if (known) {
        const grew = known.calls !== e.calls || known.errors !== e.errors || known.unconsumed !== e.unconsumed || known.documented !== e.documented;
        Object.assign(known, e);
        if (grew) {
          views.edgeChanged(known);
          changedEdges.add(known);
        }
      } else {
        const m: ModelEdge = { ...e, key, ordinal: edgeList.length, buckets: new BucketSeries(), newestFailure: undefined };
        edges.set(key, m);
        edgeList.push(m);
        views.edgeChanged(m);
        changedEdges.add(m);
      }
      newestSeenMs = Math.max(newestSeenMs, e.lastSeenMs);
    },
    /** Replaces a dependency's buckets with what Neo4j holds. */
    replaceEdgeBuckets(e: ModelEdge, buckets: BucketSeries): void {
      e.buckets = buckets;
      const i = buckets.newestWithCalleeErrors();
      e.newestFailure = undefined;
      if (i >= 0) noteFailure(e, buckets.at(i));
      views.edgeReplaced(e);
      changedEdges.add(e);
    },
    /** Replaces a component's buckets with what Neo4j holds. */
    replaceComponentBuckets(c: ModelComponent, buckets: BucketSeries): void {
      c.buckets = buckets;
      views.componentReplaced();
      changedComponents.add(c.name);
    },
    loadEdgeBucket(from: string, to: string, kind: DependencyKind, protocol: string, b: Bucket): void {
      const e = edges.get(edgeKey(from, to, kind, protocol));
      if (!e) return;
      e.buckets.add(b);
      noteFailure(e, b);
    },
    loadComponentBucket(name: string, b: Bucket): void {
      const c = components.get(name);
      if (c) c.buckets.add(b);
    },
    loadVersion: noteVersion,
    loadWorkflow(w: WorkflowStats & { key: string }): void {
      const m = workflow(w.key, w.entry, w.operation, w.lastSeenMs);
      m.runs = w.runs;
      m.failedRuns = w.failedRuns;
      m.manualRuns = w.manualRuns;
      m.exemplarTraceIds = w.exemplarTraceIds;
      for (const u of w.unhandledErrors) m.unhandled.set(u.path.join(' > '), { path: u.path, count: u.count, exemplarTraceIds: u.exemplarTraceIds });
    },
    loadWorkflowBucket(key: string, b: Bucket): void {
      const w = workflows.get(key);
      if (w) w.buckets.add(b);
    },
    loadUnhandledBucket(key: string, pathKey: string, b: Bucket): void {
      const w = workflows.get(key);
      if (w) addUnhandledBucket(w, pathKey, b);
    },
    /** A whole load is done: every window is summed again. */
    loaded(): void {
      replacedWhole();
    },
    /** A follower's refresh is done: what it changed is one version. */
    refreshed(): void {
      changed();
    },

    // ---- reading ----
    version: () => version,
    /** The components and dependencies changed after `since`, or undefined when that is too long ago to say. */
    changesSince: (since: number): ChangesSince | undefined => changes.since(since, version),
    /** How windows were answered (summed, slid, reused), for the benchmark. */
    windowStats: () => views.stats(),
    /** The newest span time written: detectors judge waiting and staleness against it, not the wall clock. */
    newestSeenMs: () => newestSeenMs,
    component: (name: string): ModelComponent | undefined => components.get(name),
    allComponents: (): IterableIterator<ModelComponent> => components.values(),
    allEdges: (): IterableIterator<ModelEdge> => edges.values(),

    /** What the model answers a window from (its minutes, or `all`): two windows with one key get one answer at one version. */
    windowKey: (window: ResolvedWindow): string => keyOf(widened(window)),

    /** Dependencies with calls (or unconsumed messages) in the window, with that window's metrics. */
    dependencies: (window: ResolvedWindow): WindowedEdge[] => views.dependencies(widened(window)),

    /** The window's dependencies by the component they leave and enter. */
    dependencyIndex: (window: ResolvedWindow): Map<string, { out: WindowedEdge[]; in: WindowedEdge[] }> => views.dependencyIndex(widened(window)),

    /** Components that sent spans in the window or are an end of a dependency active in it, sorted by name. */
    activeComponents: (window: ResolvedWindow): readonly ModelComponent[] => views.activeComponents(widened(window)),

    /** calls/errors/p95 of one dependency per step across the window. */
    edgeSeries(from: string, to: string, kind: string, protocol: string, window: ResolvedWindow, stepMs: number): SeriesPoint[] {
      const e = edges.get(edgeKey(from, to, kind, protocol));
      return steps(window, stepMs).map(([fromMs, toMs]) => {
        resetWindowSum(scratch);
        if (e) sumWindow(e.buckets, fromMs, toMs, scratch);
        return { atMs: fromMs, calls: scratch.calls, errors: scratch.errors, p95Ms: windowQuantileMs(scratch, 0.95) };
      });
    },

    /** Calls in and out of one component per step. */
    componentSeries(name: string, window: ResolvedWindow, stepMs: number): Array<{ atMs: number; callsIn: number; callsOut: number; errors: number }> {
      const incoming = [...edges.values()].filter((e) => e.to === name);
      const outgoing = [...edges.values()].filter((e) => e.from === name);
      return steps(window, stepMs).map(([fromMs, toMs]) => {
        let callsIn = 0;
        let callsOut = 0;
        let errors = 0;
        for (const [list, dir] of [[incoming, 'in'], [outgoing, 'out']] as const) {
          for (const e of list) {
            resetWindowSum(scratch);
            sumWindow(e.buckets, fromMs, toMs, scratch);
            if (dir === 'in') callsIn += scratch.calls;
            else {
              callsOut += scratch.calls;
              errors += scratch.errors;
            }
          }
        }
        return { atMs: fromMs, callsIn, callsOut, errors };
      });
    },

    /** Workflow outcomes in the window (lifetime for `all`). */
    workflows(asked: ResolvedWindow): WorkflowStats[] {
      const window = widened(asked);
      const out: WorkflowStats[] = [];
      for (const w of workflows.values()) {
        if (window.all) {
          out.push({
            entry: w.entry, operation: w.operation, runs: w.runs, failedRuns: w.failedRuns, manualRuns: w.manualRuns,
            unhandledErrors: [...w.unhandled.values()], exemplarTraceIds: w.exemplarTraceIds, lastSeenMs: w.lastSeenMs,
          });
          continue;
        }
        resetWindowSum(scratch);
        sumWindow(w.buckets, window.fromMs, window.toMs, scratch);
        if (scratch.calls === 0) continue;
        const runs = { runs: scratch.calls, failedRuns: scratch.errors, manualRuns: scratch.unconsumed };
        const unhandledErrors: WorkflowStats['unhandledErrors'] = [];
        for (const [pathKey, series] of w.unhandledBuckets) {
          resetWindowSum(scratch);
          sumWindow(series, window.fromMs, window.toMs, scratch);
          const lifetime = w.unhandled.get(pathKey);
          if (scratch.calls > 0 && lifetime) unhandledErrors.push({ path: lifetime.path, count: scratch.calls, exemplarTraceIds: lifetime.exemplarTraceIds });
        }
        out.push({ entry: w.entry, operation: w.operation, ...runs, unhandledErrors, exemplarTraceIds: w.exemplarTraceIds, lastSeenMs: w.lastSeenMs });
      }
      return out;
    },

    /** When `component@version` was first seen. */
    versionFirstSeen(name: string, v: string): number | undefined {
      return versions.get(name)?.get(v)?.firstSeenMs;
    },

    /** Rollouts whose new version was first seen in [fromMs, toMs), each from the version running before it. */
    versionChanges(fromMs: number, toMs: number): Array<{ component: string; from: string | undefined; to: string; atMs: number }> {
      const out: Array<{ component: string; from: string | undefined; to: string; atMs: number }> = [];
      for (const [name, byVersion] of versions) {
        const ordered = [...byVersion].sort((a, b) => a[1].firstSeenMs - b[1].firstSeenMs);
        for (let i = 1; i < ordered.length; i++) {
          const [to, seen] = ordered[i]!;
          if (seen.firstSeenMs >= fromMs && seen.firstSeenMs < toMs) out.push({ component: name, from: ordered[i - 1]![0], to, atMs: seen.firstSeenMs });
        }
      }
      return out.sort((a, b) => a.atMs - b.atMs || a.component.localeCompare(b.component));
    },

    /** Memory the buckets take, roughly: counted by the benchmark. */
    bucketCount(): number {
      let n = 0;
      for (const c of components.values()) n += c.buckets.length;
      for (const e of edges.values()) n += e.buckets.length;
      for (const w of workflows.values()) n += w.buckets.length;
      return n;
    },

    /** Bytes the buckets' arrays take (spare capacity included), for the benchmark's memory figure. */
    bucketBytes(): number {
      let n = 0;
      for (const c of components.values()) n += c.buckets.bytes();
      for (const e of edges.values()) n += e.buckets.bytes();
      for (const w of workflows.values()) {
        n += w.buckets.bytes();
        for (const series of w.unhandledBuckets.values()) n += series.bytes();
      }
      return n;
    },
  };
  return model;
}

export type ReadModel = ReturnType<typeof createReadModel>;

const sameIntent = (a: Intent, b: Intent): boolean =>
  a.tier === b.tier && a.degradable === b.degradable && a.maxP95Ms === b.maxP95Ms && a.maxErrorRate === b.maxErrorRate;

/** [from, to) per step across the window, steps aligned to the step size. */
export function steps(window: ResolvedWindow, stepMs: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const first = Math.floor(window.fromMs / stepMs) * stepMs;
  for (let at = first; at < window.toMs && out.length < 10_000; at += stepMs) out.push([at, at + stepMs]);
  return out;
}
