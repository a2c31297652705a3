// Writes aggregated deltas into the graph model of DESIGN.md §3. Nodes and relationships go in
// separate UNWIND statements (no Eager operator), in one transaction so a delta lands whole or
// not at all. Every update is an addition, a min/max or a union, so collectors writing the
// same edge in any order converge to the same totals.
import type { Driver, ManagedTransaction } from 'neo4j-driver';
import type { GraphDelta } from '../aggregate/graph-aggregator.ts';
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
RETURN elementId(r) AS id, r.latency AS latency`;

// Quantiles are read from the merged histogram, so they cover every collector's samples.
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

const CHUNK = 5000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

export interface GraphWriter {
  write(delta: GraphDelta): Promise<void>;
  /**
   * Has Neo4j plan every statement once with no rows. A cold JVM takes seconds to plan these;
   * done at start, the first real flush is as fresh as every later one.
   */
  warmUp(): Promise<void>;
}

export function createGraphWriter(driver: Driver, database: string): GraphWriter {
  return {
    async warmUp() {
      const session = driver.session({ database });
      try {
        await session.executeWrite(async (tx: ManagedTransaction) => {
          for (const statement of [MERGE_COMPONENTS, MERGE_DEPENDENCIES, SET_QUANTILES, MERGE_WORKFLOWS]) await tx.run(statement, { rows: [] });
        });
      } finally {
        await session.close();
      }
    },
    async write(delta) {
      if (delta.components.length === 0 && delta.dependencies.length === 0 && delta.workflows.length === 0) return;
      const session = driver.session({ database });
      try {
        await session.executeWrite(async (tx: ManagedTransaction) => {
          for (const rows of chunks(delta.components)) await tx.run(MERGE_COMPONENTS, { rows });
          for (const rows of chunks(delta.dependencies)) {
            const result = await tx.run(MERGE_DEPENDENCIES, { rows });
            const quantiles = result.records.map((record) => {
              const latency = record.get('latency') as number[];
              return { id: record.get('id') as string, p50Ms: quantileMs(latency, 0.5) ?? null, p95Ms: quantileMs(latency, 0.95) ?? null, p99Ms: quantileMs(latency, 0.99) ?? null };
            });
            await tx.run(SET_QUANTILES, { rows: quantiles });
          }
          for (const rows of chunks(delta.workflows)) await tx.run(MERGE_WORKFLOWS, { rows });
        });
      } finally {
        await session.close();
      }
    },
  };
}
