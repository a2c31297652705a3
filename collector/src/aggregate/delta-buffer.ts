// Deltas published to the read model but not yet written to Neo4j, merged into one. The read
// model (and so GraphQL, detectors and subscriptions) takes every drained delta at once; Neo4j
// takes what has gathered here on its own, slower rhythm, so its cost follows the edges that
// changed per write rather than the number of flushes (issue 12). The merge is the one the
// writer's Cypher does (sums, min/max, newest-wins for descriptive fields, exemplars newest
// first), so writing two deltas merged is the same as writing them one after the other.
// Memory is bounded by distinct entities × minute buckets, never by spans. Pure.
import { addCounts, mergeExemplars as exemplars, mergeLifetime } from './counts.ts';
import { mergeSparse } from './latency-histogram.ts';
import type { ComponentDelta, DependencyBucketDelta, DependencyDelta, GraphDelta, WorkflowBucketDelta, WorkflowDelta } from './graph-aggregator.ts';

function mergeComponent(into: ComponentDelta, c: ComponentDelta): void {
  if (into.virtual && !c.virtual) into.kind = c.kind;
  into.virtual = into.virtual && c.virtual;
  into.firstSeenMs = Math.min(into.firstSeenMs, c.firstSeenMs);
  into.lastSeenMs = Math.max(into.lastSeenMs, c.lastSeenMs);
  into.namespace = c.namespace ?? into.namespace;
  into.environment = c.environment ?? into.environment;
  into.entryPoint = into.entryPoint || c.entryPoint;
  for (const v of c.versions) if (!into.versions.includes(v)) into.versions.push(v);
  for (const b of c.buckets) {
    const known = into.buckets.find((x) => x.startMs === b.startMs);
    if (known) known.sightings += b.sightings;
    else into.buckets.push({ ...b });
  }
  for (const v of c.versionSightings) {
    const known = into.versionSightings.find((x) => x.version === v.version);
    if (known) {
      known.firstSeenMs = Math.min(known.firstSeenMs, v.firstSeenMs);
      known.lastSeenMs = Math.max(known.lastSeenMs, v.lastSeenMs);
    } else into.versionSightings.push({ ...v });
  }
}

function addDependencyBucket(into: DependencyBucketDelta, b: DependencyBucketDelta): void {
  addCounts(into, b);
  into.latency = mergeSparse(into.latency, b.latency);
}

function mergeDependency(into: DependencyDelta, d: DependencyDelta, buckets: Map<number, DependencyBucketDelta>): number {
  mergeLifetime(into, d);
  let added = 0;
  for (const b of d.buckets) {
    const known = buckets.get(b.startMs);
    if (known) addDependencyBucket(known, b);
    else {
      const copy = { ...b, latency: [...b.latency] };
      buckets.set(b.startMs, copy);
      into.buckets.push(copy);
      added++;
    }
  }
  return added;
}

function mergeWorkflowBucket(into: WorkflowBucketDelta, b: WorkflowBucketDelta): void {
  into.runs += b.runs;
  into.failedRuns += b.failedRuns;
  into.manualRuns += b.manualRuns;
  for (const u of b.unhandled) {
    const known = into.unhandled.find((x) => x.key === u.key);
    if (known) known.count += u.count;
    else into.unhandled.push({ ...u });
  }
}

function mergeWorkflow(into: WorkflowDelta, w: WorkflowDelta): void {
  into.runs += w.runs;
  into.failedRuns += w.failedRuns;
  into.manualRuns += w.manualRuns;
  into.lastSeenMs = Math.max(into.lastSeenMs, w.lastSeenMs);
  into.exemplarTraceIds = exemplars(w.exemplarTraceIds, into.exemplarTraceIds);
  for (const u of w.unhandled) {
    const known = into.unhandled.find((x) => x.key === u.key);
    if (known) {
      known.count += u.count;
      known.exemplarTraceIds = exemplars(u.exemplarTraceIds, known.exemplarTraceIds);
    } else into.unhandled.push({ ...u, path: [...u.path], exemplarTraceIds: [...u.exemplarTraceIds] });
  }
  for (const b of w.buckets) {
    const known = into.buckets.find((x) => x.startMs === b.startMs);
    if (known) mergeWorkflowBucket(known, b);
    else into.buckets.push({ ...b, unhandled: b.unhandled.map((u) => ({ ...u })) });
  }
}

const copyComponent = (c: ComponentDelta): ComponentDelta => ({
  ...c, versions: [...c.versions], buckets: c.buckets.map((b) => ({ ...b })), versionSightings: c.versionSightings.map((v) => ({ ...v })),
});

export interface DeltaBufferStats {
  components: number;
  dependencies: number;
  workflows: number;
  /** Dependency minute buckets held (the bound a backlog pushes against). */
  buckets: number;
}

export function createDeltaBuffer() {
  let components = new Map<string, ComponentDelta>();
  let dependencies = new Map<string, { delta: DependencyDelta; buckets: Map<number, DependencyBucketDelta> }>();
  let workflows = new Map<string, WorkflowDelta>();
  let buckets = 0;

  return {
    /** Merges a drained delta in. The delta is not kept: the buffer holds copies. */
    add(delta: GraphDelta): void {
      for (const c of delta.components) {
        const known = components.get(c.name);
        if (known) mergeComponent(known, c);
        else components.set(c.name, copyComponent(c));
      }
      for (const d of delta.dependencies) {
        const key = `${d.from}\u0000${d.to}\u0000${d.kind}\u0000${d.protocol}`;
        let known = dependencies.get(key);
        if (!known) {
          known = { delta: { ...d, latency: [], exemplarTraceIds: [], buckets: [], calls: 0, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: 0, unconsumed: 0 }, buckets: new Map() };
          dependencies.set(key, known);
        }
        buckets += mergeDependency(known.delta, d, known.buckets);
      }
      for (const w of delta.workflows) {
        const known = workflows.get(w.key);
        if (known) mergeWorkflow(known, w);
        else {
          const fresh: WorkflowDelta = { ...w, runs: 0, failedRuns: 0, manualRuns: 0, unhandled: [], exemplarTraceIds: [], buckets: [] };
          mergeWorkflow(fresh, w);
          workflows.set(w.key, fresh);
        }
      }
    },
    /** Takes everything merged so far (the flush loop's drain). */
    drain(): GraphDelta {
      const delta: GraphDelta = { components: [...components.values()], dependencies: [...dependencies.values()].map((d) => d.delta), workflows: [...workflows.values()] };
      components = new Map();
      dependencies = new Map();
      workflows = new Map();
      buckets = 0;
      return delta;
    },
    isEmpty: (): boolean => components.size === 0 && dependencies.size === 0 && workflows.size === 0,
    stats: (): DeltaBufferStats => ({ components: components.size, dependencies: dependencies.size, workflows: workflows.size, buckets }),
  };
}

export type DeltaBuffer = ReturnType<typeof createDeltaBuffer>;
