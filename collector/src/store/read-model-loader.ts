// Loads the read model (timeline/read-model.ts) from Neo4j once at start: components, lifetime
// dependencies, workflows, versions and every retained bucket. Bucket reads stream (the driver
// fetches in batches), so memory holds the model, never the whole result.
import type { Driver } from 'neo4j-driver';
import type { ComponentKind, DependencyKind } from '../model/interaction.ts';
import type { Intent, Tier } from '../model/graph-snapshot.ts';
import { sparse, type Bucket } from '../timeline/buckets.ts';
import type { ReadModel } from '../timeline/read-model.ts';
import { readObservedGraph } from './snapshot-reader.ts';

// Property readers and mappings shared with read-model-follower.ts, which re-reads the same nodes.
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const optNum = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function intentOf(c: Record<string, unknown>): Intent {
  const tier = optNum(c.tier);
  return {
    tier: tier === 0 || tier === 1 || tier === 2 || tier === 3 ? (tier as Tier) : undefined,
    degradable: typeof c.degradable === 'boolean' ? c.degradable : undefined,
    maxP95Ms: optNum(c.maxP95Ms),
    maxErrorRate: optNum(c.maxErrorRate),
  };
}

/** A bucket node's properties as a read-model bucket, counted as `calls` (and `errors`, `unconsumed`). */
export function bucketOf(b: Record<string, unknown>, calls: number, errors = 0, unconsumed = 0): Bucket {
  return {
    startMs: num(b.start), resMs: num(b.res), calls, errors, calleeErrors: num(b.calleeErrors), propagatedErrors: num(b.propagatedErrors),
    traces: num(b.traces), unconsumed, latency: sparse(((b.latency as number[] | undefined) ?? []).map(num)),
  };
}

export async function loadReadModel(driver: Driver, database: string, model: ReadModel): Promise<{ buckets: number; ms: number }> {
  const started = performance.now();
  const session = driver.session({ database, defaultAccessMode: 'READ' });
  let buckets = 0;
  const stream = async (cypher: string, each: (row: Record<string, unknown>) => void) => {
    for await (const record of session.run(cypher)) each(record.get('b') as Record<string, unknown>);
  };
  try {
    for await (const record of session.run('MATCH (c:Component) RETURN properties(c) AS c')) {
      const c = record.get('c') as Record<string, unknown>;
      model.loadComponent({
        name: c.name as string, kind: c.kind as ComponentKind, virtual: c.virtual === true, namespace: str(c.namespace), environment: str(c.environment),
        versions: (c.versions as string[] | undefined) ?? [], entryPoint: c.entryPoint === true, firstSeenMs: num(c.firstSeen), lastSeenMs: num(c.lastSeen),
        documented: c.documented === true, owner: str(c.owner), system: str(c.system), intent: intentOf(c),
      });
    }
    for await (const record of session.run('MATCH (a:Component)-[r:DEPENDS_ON]->(b:Component) RETURN a.name AS from, b.name AS to, properties(r) AS r')) {
      const r = record.get('r') as Record<string, unknown>;
      model.loadEdge({
        from: record.get('from'), to: record.get('to'), kind: r.kind as DependencyKind, protocol: r.protocol as string, operation: str(r.operation),
        calls: num(r.calls), errors: num(r.errors), calleeErrors: num(r.calleeErrors), propagatedErrors: num(r.propagatedErrors), traces: num(r.traces),
        unconsumed: num(r.unconsumed), latency: ((r.latency as number[] | undefined) ?? []).map(num), firstSeenMs: num(r.firstSeen), lastSeenMs: num(r.lastSeen),
        exemplarTraceIds: (r.exemplarTraceIds as string[] | undefined) ?? [], documented: r.documented === true,
      });
    }
    await stream('MATCH (b:Bucket) RETURN properties(b) AS b', (b) => {
      buckets++;
      model.loadEdgeBucket(b.from as string, b.to as string, b.kind as DependencyKind, b.protocol as string, bucketOf(b, num(b.calls), num(b.errors), num(b.unconsumed)));
    });
    await stream('MATCH (b:ComponentBucket) RETURN properties(b) AS b', (b) => {
      buckets++;
      model.loadComponentBucket(b.component as string, bucketOf(b, num(b.sightings)));
    });
    await stream('MATCH (b:ComponentVersion) RETURN properties(b) AS b', (v) => model.loadVersion(v.component as string, v.version as string, num(v.firstSeen), num(v.lastSeen)));
  } finally {
    await session.close();
  }
  // Workflows are few; their lifetime rows come through the snapshot reader's mapping.
  const observed = await readObservedGraph(driver, database);
  for (const w of observed.workflows) model.loadWorkflow({ ...w, key: `${w.entry} ${w.operation}` });
  const session2 = driver.session({ database, defaultAccessMode: 'READ' });
  try {
    for await (const record of session2.run('MATCH (b:WorkflowBucket) RETURN properties(b) AS b')) {
      const b = record.get('b') as Record<string, unknown>;
      buckets++;
      model.loadWorkflowBucket(b.workflow as string, bucketOf(b, num(b.runs), num(b.failedRuns), num(b.manualRuns)));
    }
    for await (const record of session2.run('MATCH (b:UnhandledBucket) RETURN properties(b) AS b')) {
      const b = record.get('b') as Record<string, unknown>;
      buckets++;
      model.loadUnhandledBucket(b.workflow as string, b.path as string, bucketOf(b, num(b.count)));
    }
  } finally {
    await session2.close();
  }
  model.loaded();
  return { buckets, ms: performance.now() - started };
}
