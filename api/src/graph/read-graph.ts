// Cypher reads behind the GraphQL resolvers. Rows are mapped to plain objects here so the
// resolvers never see neo4j-driver types. Times are stored as epoch ms and served as ISO 8601.
import type { Driver } from 'neo4j-driver';
import type { DependencyEdge } from '@orrery/collector/model/graph-snapshot.ts';
import { databaseDisplayName } from '@orrery/collector/inference/component-identity.ts';

export interface ComponentRow {
  name: string;
  kind: string;
  namespace: string | null;
  versions: string[];
  tier: number | null;
  owner: string | null;
  system: string | null;
  documented: boolean;
  virtual: boolean;
  /** False for a component only the catalog knows: declared, never seen in traces. */
  observed: boolean;
  /** A short label for the map (databases are named by a long identity). */
  displayName: string;
  /** A root span of it named no caller: workflows start here. */
  entryPoint: boolean;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface DependencyRow {
  from: string;
  /** Only on windowed rows. */
  callsPerMinute?: number;
  errorRate?: number;
  to: string;
  kind: string;
  protocol: string;
  operation: string | null;
  calls: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  errorPropagation: number | null;
  callsPerTrace: number | null;
  documented: boolean;
  firstSeen: string;
  lastSeen: string;
  exemplarTraceIds: string[];
}

const iso = (ms: unknown): string | null => (typeof ms === 'number' ? new Date(ms).toISOString() : null);

function toComponent(c: Record<string, unknown>, observed: boolean): ComponentRow {
  return {
    name: c.name as string,
    kind: c.kind as string,
    namespace: (c.namespace as string | undefined) ?? null,
    versions: (c.versions as string[] | undefined) ?? [],
    tier: typeof c.tier === 'number' ? c.tier : null,
    owner: (c.owner as string | undefined) ?? null,
    system: (c.system as string | undefined) ?? null,
    documented: c.documented === true,
    virtual: c.virtual === true,
    observed,
    displayName: c.kind === 'DATABASE' ? databaseDisplayName(c.name as string) : (c.name as string),
    entryPoint: c.entryPoint === true,
    firstSeen: iso(c.firstSeen),
    lastSeen: iso(c.lastSeen),
  };
}

/** The GraphQL shape of a dependency (times as ISO 8601). */
export function dependencyRow(edge: DependencyEdge): DependencyRow {
  return {
    from: edge.from, to: edge.to, kind: edge.kind, protocol: edge.protocol, operation: edge.operation ?? null,
    calls: edge.calls, errors: edge.errors, p50Ms: edge.p50Ms ?? null, p95Ms: edge.p95Ms ?? null, p99Ms: edge.p99Ms ?? null,
    errorPropagation: edge.errorPropagation ?? null, callsPerTrace: edge.callsPerTrace ?? null, documented: edge.documented,
    firstSeen: new Date(edge.firstSeenMs).toISOString(), lastSeen: new Date(edge.lastSeenMs).toISOString(), exemplarTraceIds: edge.exemplarTraceIds,
  };
}

// A declared-only node whose component traffic has just reached is dropped by the collector's
// next detector pass; until then the observed :Component is the one shown.
const DECLARED_ONLY = 'MATCH (c:DeclaredComponent) WHERE NOT EXISTS { MATCH (:Component {name: c.name}) }';

export function createGraphReader(driver: Driver, database: string) {
  const read = async (cypher: string, params: Record<string, unknown> = {}) =>
    (await driver.executeQuery(cypher, params, { database, routing: 'READ' })).records;

  return {
    /** The declared targets nothing has observed (observed: false), optionally only the named ones. */
    async declaredOnly(kind?: string | null, names?: readonly string[]): Promise<ComponentRow[]> {
      const records = await read(
        `${DECLARED_ONLY} AND ($kind IS NULL OR c.kind = $kind) AND ($names IS NULL OR c.name IN $names) RETURN properties(c) AS c ORDER BY c.name`,
        { kind: kind ?? null, names: names ?? null },
      );
      return records.map((r) => toComponent(r.get('c'), false));
    },
  };
}

export type GraphReader = ReturnType<typeof createGraphReader>;

export interface FindingRow {
  id: string;
  kind: string;
  severity: string;
  title: string;
  detail: string;
  components: string[];
  path: string[] | null;
  status: string;
  firstSeen: string;
  lastSeen: string;
  evidence: string | null;
  acknowledgement: string | null;
}

export interface FindingFilter {
  id?: string | null;
  kind?: string | null;
  severity?: string | null;
  status?: string | null;
  component?: string | null;
  /** Only findings raised at some point in [fromMs, toMs]. */
  fromMs?: number | null;
  toMs?: number | null;
}

// A finding's components are the names stored on it (finding-store.ts), declared-only ones
// included; findings stored before those names were kept fall back to their CONCERNS edges.
export function createFindingReader(driver: Driver, database: string) {
  return {
    async findings(filter: FindingFilter): Promise<FindingRow[]> {
      const { records } = await driver.executeQuery(
        `MATCH (f:Finding)
         WHERE ($id IS NULL OR f.id = $id) AND ($kind IS NULL OR f.kind = $kind) AND ($severity IS NULL OR f.severity = $severity)
           AND ($status IS NULL OR f.status = $status)
           AND ($fromMs IS NULL OR f.lastSeen >= $fromMs) AND ($toMs IS NULL OR f.firstSeen <= $toMs)
           AND ($component IS NULL OR $component IN f.components OR EXISTS { (f)-[:CONCERNS]->({name: $component}) })
         OPTIONAL MATCH (f)-[:CONCERNS]->(c)
         WITH f, collect(c.name) AS concerned
         RETURN properties(f) AS f, coalesce(f.components, concerned) AS components ORDER BY f.severityRank, f.id`,
        { id: filter.id ?? null, kind: filter.kind ?? null, severity: filter.severity ?? null, status: filter.status ?? null, component: filter.component ?? null,
          fromMs: filter.fromMs ?? null, toMs: filter.toMs ?? null },
        { database, routing: 'READ' },
      );
      return records.map((r) => {
        const f = r.get('f') as Record<string, unknown>;
        return {
          id: f.id as string,
          kind: f.kind as string,
          severity: f.severity as string,
          title: f.title as string,
          detail: f.detail as string,
          components: r.get('components') as string[],
          path: (f.path as string[] | undefined) ?? null,
          status: f.status as string,
          firstSeen: iso(f.firstSeen) ?? '',
          lastSeen: iso(f.lastSeen) ?? '',
          evidence: (f.evidence as string | undefined) ?? null,
          acknowledgement: (f.acknowledgement as string | undefined) ?? null,
        };
      });
    },
  };
}
