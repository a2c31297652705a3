// Writes aggregated deltas into the graph model of DESIGN.md §3. Nodes and relationships go in
// separate UNWIND statements (no Eager operator), in one transaction so a delta lands whole or
// not at all. Every update is an addition, a min/max or a union, so collectors writing the
// same edge in any order converge to the same totals.
//
// Each transaction first records (collector, seq) in the collector's WriterLog node; a delta
// whose seq is not newer than the one recorded was already written (the commit succeeded but its
// answer was lost) and is skipped whole. So a retried delta is never counted twice.
//
// Time buckets (DESIGN.md §7) are (:Bucket) nodes, one per dependency per minute, rolled up into
// hour and day buckets as they age (rollup.ts); see timeline/README.md for why nodes.
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { BUCKET_MS, createGraphAggregator, type GraphDelta } from '../aggregate/graph-aggregator.ts';
import { denseCounts } from '../aggregate/latency-histogram.ts';
import { quantileMs } from '../aggregate/latency-histogram.ts';

const MERGE_COMPONENTS = `
UNWIND $rows AS row
WITH row {.*, firstSeenMs: toInteger(row.firstSeenMs), lastSeenMs: toInteger(row.lastSeenMs)} AS c
MERGE (n:Component {name: c.name})
  ON CREATE SET n.kind = c.kind, n.virtual = c.virtual, n.firstSeen = c.firstSeenMs, n.lastSeen = c.lastSeenMs,
                n.versions = [], n.documented = false
WITH n, c, (n.virtual AND NOT c.virtual) AS nowReal
SET n.kind = CASE WHEN nowReal THEN c.kind ELSE n.kind END,
    n.virtual = n.virtual AND c.virtual,
    n.firstSeen = CASE WHEN c.firstSeenMs < n.firstSeen THEN c.firstSeenMs ELSE n.firstSeen END,
    n.lastSeen = CASE WHEN c.lastSeenMs > n.lastSeen THEN c.lastSeenMs ELSE n.lastSeen END,
    n.namespace = coalesce(c.namespace, n.namespace),
    n.environment = coalesce(c.environment, n.environment),
    n.entryPoint = coalesce(n.entryPoint, false) OR c.entryPoint,
    n.versions = n.versions + [v IN c.versions WHERE NOT v IN n.versions]`;

const MERGE_DEPENDENCIES = `
UNWIND $rows AS row
WITH row {.*, firstSeenMs: toInteger(row.firstSeenMs), lastSeenMs: toInteger(row.lastSeenMs)} AS d
MATCH (a:Component {name: d.from})
MATCH (b:Component {name: d.to})
MERGE (a)-[r:DEPENDS_ON {kind: d.kind, protocol: d.protocol}]->(b)
  ON CREATE SET r.calls = 0, r.errors = 0, r.calleeErrors = 0, r.propagatedErrors = 0, r.traces = 0,
                r.unconsumed = 0, r.latency = [0], r.exemplarTraceIds = [], r.documented = false,
                r.firstSeen = d.firstSeenMs, r.lastSeen = d.lastSeenMs
SET r.calls = r.calls + toInteger(d.calls),
    r.errors = r.errors + toInteger(d.errors),
    r.calleeErrors = r.calleeErrors + toInteger(d.calleeErrors),
    r.propagatedErrors = r.propagatedErrors + toInteger(d.propagatedErrors),
    r.traces = r.traces + toInteger(d.traces),
    r.unconsumed = r.unconsumed + toInteger(d.unconsumed),
    r.latency = [i IN range(0, CASE WHEN size(r.latency) > size(d.latency) THEN size(r.latency) ELSE size(d.latency) END - 1)
                 | coalesce(r.latency[i], 0) + toInteger(coalesce(d.latency[i], 0))],
    r.firstSeen = CASE WHEN d.firstSeenMs < r.firstSeen THEN d.firstSeenMs ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN d.lastSeenMs > r.lastSeen THEN d.lastSeenMs ELSE r.lastSeen END,
    r.operation = coalesce(d.operation, r.operation),
    r.exemplarTraceIds = (d.exemplarTraceIds + [t IN r.exemplarTraceIds WHERE NOT t IN d.exemplarTraceIds])[0..5]
WITH r
SET r.errorPropagation = CASE WHEN r.calleeErrors > 0 THEN toFloat(r.propagatedErrors) / r.calleeErrors ELSE null END,
    r.callsPerTrace = CASE WHEN r.traces > 0 THEN toFloat(r.calls) / r.traces ELSE null END
RETURN elementId(r) AS id, r.latency AS latency, [r.p50Ms, r.p95Ms, r.p99Ms] AS written`;

// Quantiles are read from the merged histogram, so they cover every collector's samples. Only
// those that moved are set: a lifetime histogram's quantiles rarely change bin, and a second
// statement over every edge of every write was a third of Neo4j's work.
const SET_QUANTILES = `
UNWIND $rows AS q
MATCH ()-[r:DEPENDS_ON]->() WHERE elementId(r) = q.id
SET r.p50Ms = q.p50Ms, r.p95Ms = q.p95Ms, r.p99Ms = q.p99Ms`;

const MERGE_WORKFLOWS = `
UNWIND $rows AS w
MERGE (f:Workflow {key: w.key})
  ON CREATE SET f.entry = w.entry, f.operation = w.operation, f.runs = 0, f.failedRuns = 0, f.manualRuns = 0,
                f.exemplarTraceIds = [], f.lastSeen = toInteger(w.lastSeenMs)
SET f.runs = f.runs + toInteger(w.runs),
    f.failedRuns = f.failedRuns + toInteger(w.failedRuns),
    f.manualRuns = f.manualRuns + toInteger(w.manualRuns),
    f.lastSeen = CASE WHEN toInteger(w.lastSeenMs) > f.lastSeen THEN toInteger(w.lastSeenMs) ELSE f.lastSeen END,
    f.exemplarTraceIds = (w.exemplarTraceIds + [t IN f.exemplarTraceIds WHERE NOT t IN w.exemplarTraceIds])[0..5]
WITH f, w
UNWIND w.unhandled AS u
MERGE (e:UnhandledError {key: w.key + ' :: ' + u.key})
  ON CREATE SET e.path = u.path, e.count = 0, e.exemplarTraceIds = []
SET e.count = e.count + toInteger(u.count),
    e.exemplarTraceIds = (u.exemplarTraceIds + [t IN e.exemplarTraceIds WHERE NOT t IN u.exemplarTraceIds])[0..5]
MERGE (f)-[:UNHANDLED]->(e)`;

/** Claims this delta's seq for its collector; `applied` is true when an earlier try already committed it. */
const CLAIM_SEQ = `
MERGE (w:WriterLog {collector: $collector})
  ON CREATE SET w.seq = -1
WITH w, w.seq >= $seq AS applied
SET w.seq = CASE WHEN applied THEN w.seq ELSE $seq END, w.at = timestamp()
RETURN applied`;

// Dependency buckets carry the edge's endpoints too, so the read model and roll-up need no join.
// Counts travel as plain numbers (no driver Integer object per value: a backlog writes hundreds of
// thousands of buckets) and become integers here.
const MERGE_BUCKETS = `
UNWIND $rows AS b
MERGE (n:Bucket {key: b.key})
  ON CREATE SET n.from = b.from, n.to = b.to, n.kind = b.kind, n.protocol = b.protocol, n.res = toInteger(b.res), n.start = toInteger(b.start),
                n.calls = 0, n.errors = 0, n.calleeErrors = 0, n.propagatedErrors = 0, n.traces = 0, n.unconsumed = 0, n.latency = []
SET n.calls = n.calls + toInteger(b.calls), n.errors = n.errors + toInteger(b.errors), n.calleeErrors = n.calleeErrors + toInteger(b.calleeErrors),
    n.propagatedErrors = n.propagatedErrors + toInteger(b.propagatedErrors), n.traces = n.traces + toInteger(b.traces), n.unconsumed = n.unconsumed + toInteger(b.unconsumed),
    n.latency = [i IN range(0, CASE WHEN size(n.latency) > size(b.latency) THEN size(n.latency) ELSE size(b.latency) END - 1)
                 | coalesce(n.latency[i], 0) + toInteger(coalesce(b.latency[i], 0))]`;

const MERGE_COMPONENT_BUCKETS = `
UNWIND $rows AS b
MERGE (n:ComponentBucket {key: b.key})
  ON CREATE SET n.component = b.component, n.res = b.res, n.start = b.start, n.sightings = 0
SET n.sightings = n.sightings + b.sightings`;

const MERGE_VERSIONS = `
UNWIND $rows AS v
MERGE (n:ComponentVersion {key: v.key})
  ON CREATE SET n.component = v.component, n.version = v.version, n.firstSeen = v.firstSeenMs, n.lastSeen = v.lastSeenMs
SET n.firstSeen = CASE WHEN v.firstSeenMs < n.firstSeen THEN v.firstSeenMs ELSE n.firstSeen END,
    n.lastSeen = CASE WHEN v.lastSeenMs > n.lastSeen THEN v.lastSeenMs ELSE n.lastSeen END`;

const MERGE_WORKFLOW_BUCKETS = `
UNWIND $rows AS b
MERGE (n:WorkflowBucket {key: b.key})
  ON CREATE SET n.workflow = b.workflow, n.res = b.res, n.start = b.start, n.runs = 0, n.failedRuns = 0, n.manualRuns = 0
SET n.runs = n.runs + b.runs, n.failedRuns = n.failedRuns + b.failedRuns, n.manualRuns = n.manualRuns + b.manualRuns`;

const MERGE_UNHANDLED_BUCKETS = `
UNWIND $rows AS b
MERGE (n:UnhandledBucket {key: b.key})
  ON CREATE SET n.workflow = b.workflow, n.path = b.path, n.res = b.res, n.start = b.start, n.count = 0
SET n.count = n.count + b.count`;

const CHUNK = 5000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

export interface GraphWriter {
  /**
   * Writes a delta once: `seq` increases with every new delta of this collector, and a delta
   * retried with the seq it first had is skipped when its earlier attempt committed after all.
   * Resolves false when it was skipped so.
   */
  write(delta: GraphDelta, seq: number): Promise<boolean>;
  /**
   * Has Neo4j plan every statement once with no rows. A cold JVM takes seconds to plan these;
   * done at start, the first real flush is as fresh as every later one.
   */
  warmUp(): Promise<void>;
}

/** One bucket's key: the edge and the bucket, in a form no component name can forge. */
export function bucketKey(from: string, to: string, kind: string, protocol: string, res: number, start: number): string {
  return JSON.stringify([from, to, kind, protocol, res, start]);
}

/** Dependency bucket rows, built a chunk at a time: a replayed backlog may hold hundreds of thousands. */
function* dependencyBucketChunks(delta: GraphDelta): Generator<object[]> {
  let rows: object[] = [];
  for (const d of delta.dependencies) {
    for (const b of d.buckets) {
      rows.push({
        key: bucketKey(d.from, d.to, d.kind, d.protocol, BUCKET_MS, b.startMs), from: d.from, to: d.to, kind: d.kind, protocol: d.protocol, res: BUCKET_MS,
        start: b.startMs, calls: b.calls, errors: b.errors, calleeErrors: b.calleeErrors, propagatedErrors: b.propagatedErrors, traces: b.traces,
        unconsumed: b.unconsumed, latency: denseCounts(b.latency),
      });
      if (rows.length === CHUNK) {
        yield rows;
        rows = [];
      }
    }
  }
  if (rows.length > 0) yield rows;
}

export function bucketRows(delta: GraphDelta) {
  const components = delta.components.flatMap((c) =>
    c.buckets.map((b) => ({ key: JSON.stringify([c.name, BUCKET_MS, b.startMs]), component: c.name, res: BUCKET_MS, start: neo4jInt(b.startMs), sightings: neo4jInt(b.sightings) })),
  );
  const versions = delta.components.flatMap((c) =>
    c.versionSightings.map((v) => ({ key: JSON.stringify([c.name, v.version]), component: c.name, version: v.version, firstSeenMs: neo4jInt(v.firstSeenMs), lastSeenMs: neo4jInt(v.lastSeenMs) })),
  );
  const workflows = delta.workflows.flatMap((w) =>
    w.buckets.map((b) => ({
      key: JSON.stringify([w.key, BUCKET_MS, b.startMs]), workflow: w.key, res: BUCKET_MS, start: neo4jInt(b.startMs),
      runs: neo4jInt(b.runs), failedRuns: neo4jInt(b.failedRuns), manualRuns: neo4jInt(b.manualRuns),
    })),
  );
  const unhandled = delta.workflows.flatMap((w) =>
    w.buckets.flatMap((b) =>
      b.unhandled.map((u) => ({ key: JSON.stringify([w.key, u.key, BUCKET_MS, b.startMs]), workflow: w.key, path: u.key, res: BUCKET_MS, start: neo4jInt(b.startMs), count: neo4jInt(u.count) })),
    ),
  );
  return { components, versions, workflows, unhandled };
}

// Integers go to Neo4j as integers (so sums stay exact and comparisons typed), not as floats.
const neo4jInt = (value: number) => neo4j.int(Math.round(value));

/** The statements of one delta, in the order their MATCHes need (components before dependencies). */
async function writeStatements(tx: Pick<ManagedTransaction, 'run'>, delta: GraphDelta): Promise<void> {
  const buckets = bucketRows(delta);
  // Buckets travel in their own statements; the lifetime rows leave them out.
  for (const rows of chunks(delta.components.map(({ buckets: _b, versionSightings: _v, ...c }) => c))) await tx.run(MERGE_COMPONENTS, { rows });
  for (const rows of chunks(delta.dependencies.map(({ buckets: _b, ...d }) => d))) {
    const result = await tx.run(MERGE_DEPENDENCIES, { rows });
    const quantiles = [];
    for (const record of result.records) {
      const latency = record.get('latency') as number[];
      const written = record.get('written') as Array<number | null>;
      const q = { id: record.get('id') as string, p50Ms: quantileMs(latency, 0.5) ?? null, p95Ms: quantileMs(latency, 0.95) ?? null, p99Ms: quantileMs(latency, 0.99) ?? null };
      if (q.p50Ms !== written[0] || q.p95Ms !== written[1] || q.p99Ms !== written[2]) quantiles.push(q);
    }
    if (quantiles.length > 0) await tx.run(SET_QUANTILES, { rows: quantiles });
  }
  for (const rows of chunks(delta.workflows.map(({ buckets: _b, ...w }) => w))) await tx.run(MERGE_WORKFLOWS, { rows });
  for (const rows of dependencyBucketChunks(delta)) await tx.run(MERGE_BUCKETS, { rows });
  for (const rows of chunks(buckets.components)) await tx.run(MERGE_COMPONENT_BUCKETS, { rows });
  for (const rows of chunks(buckets.versions)) await tx.run(MERGE_VERSIONS, { rows });
  for (const rows of chunks(buckets.workflows)) await tx.run(MERGE_WORKFLOW_BUCKETS, { rows });
  for (const rows of chunks(buckets.unhandled)) await tx.run(MERGE_UNHANDLED_BUCKETS, { rows });
}

/** One of everything a flush writes, made by the aggregator itself so the shapes are the real ones. */
function warmUpDelta(): GraphDelta {
  const aggregator = createGraphAggregator({ maxDependencies: 10, maxComponents: 10 });
  const at = Date.now();
  const ref = (name: string) => ({ name: `(orrery warm-up) ${name}`, kind: 'SERVICE' as const, virtual: false });
  aggregator.addSighting({ ...ref('a'), namespace: 'warm-up', version: '0', environment: 'warm-up', timeUnixMs: at, entryPoint: true });
  aggregator.addInteraction({
    from: ref('a'), to: ref('b'), kind: 'SYNC', protocol: 'http', operation: 'GET', traceId: '0'.repeat(32), timeUnixMs: at, durationMs: 1, callerError: true, calleeError: true,
  });
  aggregator.addWorkflowRun({ entry: ref('a').name, operation: 'GET', traceId: '0'.repeat(32), timeUnixMs: at, failed: true, manual: false, unhandledErrorPath: [ref('a').name, ref('b').name] });
  return aggregator.drain();
}

export function createGraphWriter(driver: Driver, database: string, collectorId: string): GraphWriter {
  return {
    /**
     * Runs every statement once on a representative delta and rolls it back, so the first real
     * flush after a start does not pay Neo4j's query planning (3.6 s measured on this machine:
     * planning with empty lists did not help, plans are cached per parameter type).
     */
    async warmUp() {
      const session = driver.session({ database });
      const tx = session.beginTransaction();
      try {
        await tx.run(CLAIM_SEQ, { collector: `${collectorId}:warm-up`, seq: neo4jInt(0) });
        await writeStatements(tx, warmUpDelta());
      } catch {
        // Only a head start: a failure here shows again, and is retried, on the first real flush.
      } finally {
        await tx.rollback().catch(() => undefined);
        await session.close();
      }
    },
    async write(delta, seq) {
      if (delta.components.length === 0 && delta.dependencies.length === 0 && delta.workflows.length === 0) return true;
      const session = driver.session({ database });
      try {
        return await session.executeWrite(async (tx: ManagedTransaction) => {
          const claim = await tx.run(CLAIM_SEQ, { collector: collectorId, seq: neo4jInt(seq) });
          if (claim.records[0]?.get('applied') === true) return false;
          await writeStatements(tx, delta);
          return true;
        });
      } finally {
        await session.close();
      }
    },
  };
}
