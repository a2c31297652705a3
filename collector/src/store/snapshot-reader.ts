// Reads the observed graph back from Neo4j as the plain data detectors take (GraphSnapshot,
// less the catalog join, which is pure and happens in catalog/apply-catalog.ts).
import type { Driver } from 'neo4j-driver';
import type { ComponentKind, DependencyKind } from '../model/interaction.ts';
import type { ComponentNode, DependencyEdge, WorkflowStats } from '../model/graph-snapshot.ts';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export interface ObservedGraph {
  components: ComponentNode[];
  dependencies: DependencyEdge[];
  workflows: WorkflowStats[];
}

/** A DEPENDS_ON relationship's properties (graph-writer.ts) as a DependencyEdge. */
export function toDependencyEdge(from: string, to: string, r: Record<string, unknown>): DependencyEdge {
  return {
    from,
    to,
    kind: r.kind as DependencyKind,
    protocol: r.protocol as string,
    operation: typeof r.operation === 'string' ? r.operation : undefined,
    calls: num(r.calls) ?? 0,
    errors: num(r.errors) ?? 0,
    calleeErrors: num(r.calleeErrors) ?? 0,
    propagatedErrors: num(r.propagatedErrors) ?? 0,
    p50Ms: num(r.p50Ms),
    p95Ms: num(r.p95Ms),
    p99Ms: num(r.p99Ms),
    errorPropagation: num(r.errorPropagation),
    callsPerTrace: num(r.callsPerTrace),
    unconsumed: num(r.unconsumed) ?? 0,
    documented: r.documented === true,
    firstSeenMs: num(r.firstSeen) ?? 0,
    lastSeenMs: num(r.lastSeen) ?? 0,
    exemplarTraceIds: (r.exemplarTraceIds as string[] | undefined) ?? [],
  };
}

export async function readObservedGraph(driver: Driver, database: string): Promise<ObservedGraph> {
  const session = driver.session({ database, defaultAccessMode: 'READ' });
  try {
    return await session.executeRead(async (tx) => {
      const components = (await tx.run('MATCH (c:Component) RETURN properties(c) AS c')).records.map((r) => {
        const c = r.get('c') as Record<string, unknown>;
        return {
          name: c.name as string,
          kind: c.kind as ComponentKind,
          virtual: c.virtual === true,
          documented: false,
          owner: undefined,
          system: undefined,
          intent: { tier: undefined, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined },
          firstSeenMs: num(c.firstSeen) ?? 0,
          lastSeenMs: num(c.lastSeen) ?? 0,
        } satisfies ComponentNode;
      });
      const dependencies = (
        await tx.run('MATCH (a:Component)-[r:DEPENDS_ON]->(b:Component) RETURN a.name AS from, b.name AS to, properties(r) AS r')
      ).records.map((rec) => toDependencyEdge(rec.get('from'), rec.get('to'), rec.get('r')));
      const workflows = (
        await tx.run(
          `MATCH (w:Workflow) OPTIONAL MATCH (w)-[:UNHANDLED]->(e:UnhandledError)
           RETURN properties(w) AS w, collect(properties(e)) AS unhandled`,
        )
      ).records.map((rec) => {
        const w = rec.get('w') as Record<string, unknown>;
        const unhandled = (rec.get('unhandled') as Array<Record<string, unknown>>).map((e) => ({
          path: e.path as string[],
          count: num(e.count) ?? 0,
          exemplarTraceIds: (e.exemplarTraceIds as string[] | undefined) ?? [],
        }));
        return {
          entry: w.entry as string,
          operation: w.operation as string,
          runs: num(w.runs) ?? 0,
          failedRuns: num(w.failedRuns) ?? 0,
          manualRuns: num(w.manualRuns) ?? 0,
          unhandledErrors: unhandled,
          exemplarTraceIds: (w.exemplarTraceIds as string[] | undefined) ?? [],
          lastSeenMs: num(w.lastSeen) ?? 0,
        } satisfies WorkflowStats;
      });
      return { components, dependencies, workflows };
    });
  } finally {
    await session.close();
  }
}
