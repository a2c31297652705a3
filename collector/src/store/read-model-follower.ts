// Keeps a read model (timeline/read-model.ts) current from Neo4j in a process that writes nothing
// itself: the API of ORRERY_ROLE=api, while collectors elsewhere write. Loaded whole at start (the
// same reads as read-model-loader.ts, done here so the follower knows what it loaded), then
// refreshed on a short interval, incrementally:
//
// - Every write claims a sequence number in its collector's (:WriterLog) node (graph-writer.ts), so
//   one small read says whether anything was written since the last refresh; nothing else is read
//   while it is unchanged.
// - When it changed: lifetime rows (components, dependencies, workflows, versions; sized by the
//   graph, not by time) are read again and replace the model's; minute buckets from a little before
//   the newest minute already held are read through the (res, start) index and replace the model's
//   buckets of that range (replaceEdgeBuckets: the model re-sums only those series' windows).
// - A late or replayed span (a Kafka backlog, a collector catching up after a Neo4j outage) lands in
//   an older minute than that range. It is caught by comparing, per dependency, how much its
//   lifetime calls grew with how much its buckets grew; where they disagree, every bucket of that
//   dependency is read again.
// - The model has no way to replace a workflow's buckets, only to add to them: for workflows the
//   follower keeps what it loaded of their recent minutes and adds the difference.
//
// Roll-up and retention of the model follow the same plan as Neo4j's (rollUp, every minute).
import type { Driver } from 'neo4j-driver';
import type { ComponentKind, DependencyKind } from '../model/interaction.ts';
import { BucketSeries, type Bucket } from '../timeline/buckets.ts';
import { edgeKey, type ReadModel } from '../timeline/read-model.ts';
import { MINUTE_MS } from '../timeline/tiers.ts';
import { bucketOf, intentOf, num, optNum, str } from './read-model-loader.ts';

export interface ReadModelFollowerOptions {
  driver: Driver;
  database: string;
  model: ReadModel;
  /** How often Neo4j is asked whether anything was written. */
  everyMs: number;
  /**
   * Minutes re-read before the newest one held on every refresh: spans arrive late by up to a
   * pairing timeout plus a write interval, and a minute a collector is still writing changes.
   */
  overlapMs: number;
  clock?: () => number;
  log: (line: string) => void;
  /** After a refresh that changed the model (subscriptions). */
  onRefresh?: () => void;
}

export interface FollowerStats {
  refreshes: number;
  /** Refreshes that found nothing written since the last. */
  unchanged: number;
  failedRefreshes: number;
  /** Dependencies whose buckets were read whole because a late span landed before the re-read range. */
  fullEdgeReloads: number;
  lastRefreshMs: number | undefined;
  lastError: string | undefined;
}


type Row = Record<string, unknown>;

/** A workflow bucket's identity in the follower's own record of what it loaded. */
const wfKey = (workflow: string, path: string | undefined, startMs: number) => JSON.stringify([workflow, path ?? null, startMs]);

/** fresh minus held, or undefined when nothing grew (Neo4j's counts only grow). */
function difference(fresh: Bucket, held: Bucket | undefined): Bucket | undefined {
  if (!held) return fresh;
  const d: Bucket = {
    startMs: fresh.startMs, resMs: fresh.resMs, calls: fresh.calls - held.calls, errors: fresh.errors - held.errors,
    calleeErrors: 0, propagatedErrors: 0, traces: 0, unconsumed: fresh.unconsumed - held.unconsumed, latency: [],
  };
  return d.calls > 0 || d.errors > 0 || d.unconsumed > 0 ? d : undefined;
}

export function createReadModelFollower(options: ReadModelFollowerOptions) {
  const { driver, database, model, log } = options;
  const clock = options.clock ?? Date.now;
  const stats: FollowerStats = { refreshes: 0, unchanged: 0, failedRefreshes: 0, fullEdgeReloads: 0, lastRefreshMs: undefined, lastError: undefined };
  let signature: string | undefined;
  /** The newest minute bucket start held; a refresh re-reads from overlapMs before it. */
  let newestBucketMs = 0;
  /** Workflow and unhandled-error minute buckets as last loaded (recent ones only). */
  const workflowHeld = new Map<string, Bucket>();
  let timer: NodeJS.Timeout | undefined;
  let rollupTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function writerSignature(): Promise<string> {
    const result = await driver.executeQuery('MATCH (w:WriterLog) RETURN w.collector AS c, w.seq AS s ORDER BY c', {}, { database, routing: 'READ' });
    return result.records.map((r) => `${String(r.get('c'))}=${String(r.get('s'))}`).join(',');
  }

  const edgesByKey = () => new Map([...model.allEdges()].map((e) => [e.key, e]));

  /** Loads everything (initial) or what changed since the last refresh. */
  async function refresh(initial: boolean): Promise<void> {
    const started = performance.now();
    const now = await writerSignature();
    if (!initial && now === signature) {
      stats.unchanged++;
      return;
    }
    const sinceMs = initial ? 0 : Math.max(0, Math.floor((newestBucketMs - options.overlapMs) / MINUTE_MS) * MINUTE_MS);
    const recent = initial ? '' : 'WHERE b.res = $res AND b.start >= $since';
    const params = { res: MINUTE_MS, since: sinceMs };
    const session = driver.session({ database, defaultAccessMode: 'READ' });
    const rows = async (cypher: string, each: (row: Row) => void, p: Row = params) => {
      for await (const record of session.run(cypher, p)) each(record.get('b') as Row);
    };
    let buckets = 0;
    try {
      // Buckets first, lifetime rows after: a write landing in between then shows as lifetime
      // calls ahead of the buckets, which the check below turns into a whole re-read of that edge.
      const edgeBuckets = new Map<string, Bucket[]>();
      await rows(`MATCH (b:Bucket) ${recent} RETURN properties(b) AS b`, (b) => {
        const key = edgeKey(b.from as string, b.to as string, b.kind as string, b.protocol as string);
        let list = edgeBuckets.get(key);
        if (!list) edgeBuckets.set(key, (list = []));
        list.push(bucketOf(b, num(b.calls), num(b.errors), num(b.unconsumed)));
        buckets++;
      });
      const componentBuckets = new Map<string, Bucket[]>();
      await rows(`MATCH (b:ComponentBucket) ${recent} RETURN properties(b) AS b`, (b) => {
        let list = componentBuckets.get(b.component as string);
        if (!list) componentBuckets.set(b.component as string, (list = []));
        list.push(bucketOf(b, num(b.sightings)));
        buckets++;
      });
      const workflowBuckets: Array<{ workflow: string; path: string | undefined; bucket: Bucket }> = [];
      await rows(`MATCH (b:WorkflowBucket) ${recent} RETURN properties(b) AS b`, (b) => {
        workflowBuckets.push({ workflow: b.workflow as string, path: undefined, bucket: bucketOf(b, num(b.runs), num(b.failedRuns), num(b.manualRuns)) });
        buckets++;
      });
      await rows(`MATCH (b:UnhandledBucket) ${recent} RETURN properties(b) AS b`, (b) => {
        workflowBuckets.push({ workflow: b.workflow as string, path: b.path as string, bucket: bucketOf(b, num(b.count)) });
        buckets++;
      });

      for await (const record of session.run('MATCH (c:Component) RETURN properties(c) AS c')) {
        const c = record.get('c') as Row;
        model.loadComponent({
          name: c.name as string, kind: c.kind as ComponentKind, virtual: c.virtual === true, namespace: str(c.namespace), environment: str(c.environment),
          versions: (c.versions as string[] | undefined) ?? [], entryPoint: c.entryPoint === true, firstSeenMs: num(c.firstSeen), lastSeenMs: num(c.lastSeen),
          documented: c.documented === true, owner: str(c.owner), system: str(c.system), intent: intentOf(c),
        });
      }
      const before = new Map<string, number>();
      for (const e of model.allEdges()) before.set(e.key, e.calls + e.unconsumed);
      const lifetimeRows: Array<{ from: string; to: string; r: Row }> = [];
      for await (const record of session.run('MATCH (a:Component)-[r:DEPENDS_ON]->(b:Component) RETURN a.name AS from, b.name AS to, properties(r) AS r')) {
        const from = record.get('from') as string;
        const to = record.get('to') as string;
        const r = record.get('r') as Row;
        lifetimeRows.push({ from, to, r });
        model.loadEdge({
          from, to, kind: r.kind as DependencyKind, protocol: r.protocol as string, operation: str(r.operation),
          calls: num(r.calls), errors: num(r.errors), calleeErrors: num(r.calleeErrors), propagatedErrors: num(r.propagatedErrors), traces: num(r.traces),
          unconsumed: num(r.unconsumed), latency: ((r.latency as number[] | undefined) ?? []).map(num), firstSeenMs: num(r.firstSeen), lastSeenMs: num(r.lastSeen),
          exemplarTraceIds: (r.exemplarTraceIds as string[] | undefined) ?? [], documented: r.documented === true,
        });
      }
      const edges = edgesByKey();
      const suspect: Row[] = [];
      for (const { from, to, r } of lifetimeRows) {
        const key = edgeKey(from, to, r.kind as string, r.protocol as string);
        const e = edges.get(key);
        if (!e) continue;
        const fresh = edgeBuckets.get(key) ?? [];
        if (initial) {
          model.replaceEdgeBuckets(e, BucketSeries.of(fresh));
          continue;
        }
        const grewBy = num(r.calls) + num(r.unconsumed) - (before.get(key) ?? 0);
        if (grewBy === 0 && fresh.length === 0) continue;
        const bucketsGrewBy = fresh.reduce((n, b) => n + b.calls + b.unconsumed, 0) - e.buckets.totalFrom(sinceMs, MINUTE_MS);
        model.replaceEdgeBuckets(e, e.buckets.replacedFrom(sinceMs, MINUTE_MS, fresh));
        if (bucketsGrewBy !== grewBy) suspect.push({ key, from, to, kind: r.kind, protocol: r.protocol });
      }
      for (const s of suspect) {
        // A late span in an older minute (or a write between the two reads): this edge's buckets whole.
        stats.fullEdgeReloads++;
        const all: Bucket[] = [];
        await rows('MATCH (b:Bucket) WHERE b.from = $from AND b.to = $to AND b.kind = $kind AND b.protocol = $protocol RETURN properties(b) AS b',
          (b) => all.push(bucketOf(b, num(b.calls), num(b.errors), num(b.unconsumed))), s);
        const e = edges.get(s.key as string);
        if (e) model.replaceEdgeBuckets(e, BucketSeries.of(all));
      }
      for (const [name, fresh] of componentBuckets) {
        const c = model.component(name);
        if (!c) continue;
        if (initial) c.buckets = BucketSeries.of(fresh);
        else model.replaceComponentBuckets(c, c.buckets.replacedFrom(sinceMs, MINUTE_MS, fresh));
      }
      await rows('MATCH (b:ComponentVersion) RETURN properties(b) AS b', (v) => model.loadVersion(v.component as string, v.version as string, num(v.firstSeen), num(v.lastSeen)));

      // Workflows are few: their lifetime rows replace the model's; their buckets grow by what was added.
      for await (const record of session.run('MATCH (w:Workflow) OPTIONAL MATCH (w)-[:UNHANDLED]->(e:UnhandledError) RETURN properties(w) AS w, collect(properties(e)) AS unhandled')) {
        const w = record.get('w') as Row;
        model.loadWorkflow({
          key: `${w.entry as string} ${w.operation as string}`, entry: w.entry as string, operation: w.operation as string,
          runs: num(w.runs), failedRuns: num(w.failedRuns), manualRuns: num(w.manualRuns), lastSeenMs: num(w.lastSeen),
          exemplarTraceIds: (w.exemplarTraceIds as string[] | undefined) ?? [],
          unhandledErrors: (record.get('unhandled') as Row[]).map((e) => ({ path: e.path as string[], count: num(e.count), exemplarTraceIds: (e.exemplarTraceIds as string[] | undefined) ?? [] })),
        });
      }
      for (const { workflow, path, bucket } of workflowBuckets) {
        const key = wfKey(workflow, path, bucket.startMs);
        const add = bucket.resMs === MINUTE_MS ? difference(bucket, workflowHeld.get(key)) : bucket;
        if (bucket.resMs === MINUTE_MS) workflowHeld.set(key, bucket);
        if (!add) continue;
        if (path === undefined) model.loadWorkflowBucket(workflow, add);
        else model.loadUnhandledBucket(workflow, path, add);
      }
    } finally {
      await session.close();
    }
    // The first load replaced everything at once; a refresh told the model each series it replaced.
    if (initial) model.loaded();
    else model.refreshed();
    for (const e of model.allEdges()) for (const b of e.buckets) if (b.resMs === MINUTE_MS && b.startMs > newestBucketMs) newestBucketMs = b.startMs;
    // What the follower holds of workflow minutes older than any future re-read is not needed again.
    const keepFrom = newestBucketMs - options.overlapMs - MINUTE_MS;
    for (const [key, b] of workflowHeld) if (b.startMs < keepFrom) workflowHeld.delete(key);
    signature = now;
    stats.refreshes++;
    stats.lastRefreshMs = performance.now() - started;
    if (initial) log(`read model loaded from Neo4j: ${buckets} buckets in ${Math.round(stats.lastRefreshMs)} ms; following the collectors' writes every ${options.everyMs} ms`);
    options.onRefresh?.();
  }

  function tick(): Promise<void> {
    running ??= refresh(false)
      .catch((error: Error) => {
        stats.failedRefreshes++;
        if (stats.lastError !== error.message) log(`read model not refreshed from Neo4j (tried again in ${options.everyMs} ms): ${error.message}`);
        stats.lastError = error.message;
      })
      .finally(() => { running = undefined; });
    return running;
  }

  return {
    /** Loads the model whole, then refreshes it every everyMs. */
    async start(): Promise<void> {
      await refresh(true);
      model.rollUp(clock());
      timer = setInterval(() => void tick(), options.everyMs);
      timer.unref();
      rollupTimer = setInterval(() => model.rollUp(clock()), 60_000);
      rollupTimer.unref();
    },
    /** Refreshes now (after any refresh under way). */
    async refresh(): Promise<void> {
      await running;
      await tick();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      if (rollupTimer) clearInterval(rollupTimer);
      await running;
    },
    stats: (): FollowerStats => ({ ...stats }),
  };
}

export type ReadModelFollower = ReturnType<typeof createReadModelFollower>;
