// Finding lifecycle in Neo4j (DESIGN.md §3): a finding raised again keeps its id and first
// sighting and is updated; one no longer raised is RESOLVED; a resolved one raised again is
// OPEN again. ACKNOWLEDGED (by a person, with a note) survives re-raising until it resolves.
//
// A finding keeps the names of every component it concerns (`components`, as the detector listed
// them): one declared in the catalog but never observed (a STALE_DECLARATION's target) has no
// :Component node, yet belongs in the list. CONCERNS edges go to each of them that is in the
// graph, observed (:Component) or declared only (:DeclaredComponent, catalog-writer.ts).
import type { Driver } from 'neo4j-driver';
import type { RaisedFinding, Severity } from '../model/graph-snapshot.ts';

const SEVERITY_RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFO: 4 };

const UPSERT = `
UNWIND $rows AS f
OPTIONAL MATCH (existing:Finding {id: f.id})
WITH f, existing IS NULL OR existing.status = 'RESOLVED' AS opened
MERGE (n:Finding {id: f.id})
  ON CREATE SET n.firstSeen = $nowMs, n.status = 'OPEN'
SET n.kind = f.kind, n.severity = f.severity, n.severityRank = f.severityRank, n.title = f.title,
    n.detail = f.detail, n.path = f.path, n.components = f.components, n.evidence = f.evidence, n.lastSeen = $nowMs,
    n.status = CASE WHEN n.status = 'RESOLVED' THEN 'OPEN' ELSE n.status END,
    n.resolvedAt = null
WITH n, f, opened
OPTIONAL MATCH (n)-[old:CONCERNS]->()
DELETE old
WITH DISTINCT n, f, opened
CALL (n, f) {
  UNWIND f.components AS name
  MATCH (c:Component|DeclaredComponent {name: name})
  MERGE (n)-[:CONCERNS]->(c)
}
RETURN n.id AS id, opened`;

// A finding resolves only once it has gone unraised for the grace period: conditions near a
// threshold (an error rate at the limit, a path whose propagation wavers) would otherwise flap
// between OPEN and RESOLVED from one pass to the next.
const RESOLVE_OTHERS = `
MATCH (n:Finding) WHERE n.status <> 'RESOLVED' AND NOT n.id IN $ids AND NOT n.id IN $heldBack AND n.lastSeen <= $nowMs - $graceMs
SET n.status = 'RESOLVED', n.resolvedAt = $nowMs
RETURN n.id AS id`;

// Findings beyond the cap are still raised (flood-control.ts): an open one stays as it is, seen now,
// so its grace period counts from its last pass too.
const TOUCH_HELD_BACK = `
MATCH (n:Finding) WHERE n.id IN $heldBack AND n.status <> 'RESOLVED'
SET n.lastSeen = $nowMs
RETURN count(n) AS held`;

export interface FindingChanges {
  opened: string[];
  resolved: string[];
  open: number;
}

// A finding raised again exactly as last written only needs its lastSeen moved: re-setting every
// property and re-laying its CONCERNS edges each pass was most of a detector pass's Neo4j time at
// a hundred findings. Only open ones are touched; whatever the touch does not find (resolved
// meanwhile, or the graph cleared under a running collector) goes through UPSERT.
const TOUCH_UNCHANGED = `
MATCH (n:Finding) WHERE n.id IN $ids AND n.status <> 'RESOLVED'
SET n.lastSeen = $nowMs
RETURN n.id AS id`;

// Raised again with other numbers (evidence, detail) but about the same components: the properties
// are set, its CONCERNS edges stand.
const UPDATE_PROPERTIES = `
UNWIND $rows AS f
MATCH (n:Finding {id: f.id}) WHERE n.status <> 'RESOLVED'
SET n.kind = f.kind, n.severity = f.severity, n.severityRank = f.severityRank, n.title = f.title,
    n.detail = f.detail, n.path = f.path, n.components = f.components, n.evidence = f.evidence, n.lastSeen = $nowMs
RETURN n.id AS id`;

export function createFindingStore(driver: Driver, database: string, options: { resolveAfterMs: number } = { resolveAfterMs: 0 }) {
  /** Per finding id, the row last written by this process (JSON), and its components. */
  const written = new Map<string, { row: string; components: string }>();
  return {
    async reconcile(findings: RaisedFinding[], nowMs: number): Promise<FindingChanges> {
      const rows = findings.map((f) => ({
        id: f.id,
        kind: f.kind,
        severity: f.severity,
        severityRank: SEVERITY_RANK[f.severity],
        title: f.title,
        detail: f.detail,
        path: f.path ?? null,
        components: f.components,
        evidence: JSON.stringify(f.evidence),
      }));
      const heldBack = findings.flatMap((f) => f.heldBack ?? []);
      const now = new Map(rows.map((r) => [r.id, { row: JSON.stringify(r), components: JSON.stringify(r.components) }]));
      const unchanged = rows.filter((r) => written.get(r.id)?.row === now.get(r.id)!.row).map((r) => r.id);
      const sameComponents = rows.filter((r) => written.get(r.id)?.row !== now.get(r.id)!.row && written.get(r.id)?.components === now.get(r.id)!.components);
      const session = driver.session({ database });
      try {
        const { changes, writtenIds } = await session.executeWrite(async (tx) => {
          const ids = (result: { records: Array<{ get: (key: string) => unknown }> }) => result.records.map((r) => r.get('id') as string);
          const touched = new Set(unchanged.length > 0 ? ids(await tx.run(TOUCH_UNCHANGED, { ids: unchanged, nowMs })) : []);
          if (sameComponents.length > 0) for (const id of ids(await tx.run(UPDATE_PROPERTIES, { rows: sameComponents, nowMs }))) touched.add(id);
          const toUpsert = rows.filter((r) => !touched.has(r.id));
          const upserted = toUpsert.length > 0 ? (await tx.run(UPSERT, { rows: toUpsert, nowMs })).records : [];
          if (heldBack.length > 0) await tx.run(TOUCH_HELD_BACK, { heldBack, nowMs });
          const resolved = await tx.run(RESOLVE_OTHERS, { ids: rows.map((r) => r.id), heldBack, nowMs, graceMs: options.resolveAfterMs });
          return {
            changes: {
              opened: upserted.filter((r) => r.get('opened') === true).map((r) => r.get('id') as string),
              resolved: resolved.records.map((r) => r.get('id') as string),
              open: rows.length,
            },
            writtenIds: [...touched, ...toUpsert.map((r) => r.id)],
          };
        });
        // Remembered only once committed (executeWrite may have run the function more than once).
        for (const id of writtenIds) written.set(id, now.get(id)!);
        for (const id of changes.resolved) written.delete(id);
        return changes;
      } finally {
        await session.close();
      }
    },

    /** Returns false when no finding has that id. */
    async acknowledge(id: string, note: string, nowMs: number): Promise<boolean> {
      const { records } = await driver.executeQuery(
        `MATCH (n:Finding {id: $id}) WHERE n.status <> 'RESOLVED'
         SET n.status = 'ACKNOWLEDGED', n.acknowledgedAt = $nowMs, n.acknowledgement = $note RETURN n.id AS id`,
        { id, note, nowMs },
        { database },
      );
      return records.length > 0;
    },
  };
}

export type FindingStore = ReturnType<typeof createFindingStore>;
