// Writes what the catalog says onto the observed graph in Neo4j, for GraphQL and the map:
// ownership, tier and documented flags on components, documented flags on dependencies,
// DECLARES edges, and the declared targets nothing observed. Only what changed since the last
// write is sent.
//
// A declared-only target is a (:DeclaredComponent) node, never a (:Component): :Component stays
// "seen in traces", which graph-writer.ts (its MERGE initialises a node on creation), the snapshot
// reader and every detector rely on. When traffic first reaches it, graph-writer creates the
// :Component and the next write here removes the :DeclaredComponent.
import type { Driver } from 'neo4j-driver';
import type { ComponentNode, DeclaredComponent, DeclaredDependency, DependencyEdge } from '../model/graph-snapshot.ts';

const SET_COMPONENTS = `
UNWIND $rows AS c
MATCH (n:Component {name: c.name})
SET n.documented = c.documented, n.owner = c.owner, n.system = c.system, n.tier = c.tier,
    n.degradable = c.degradable, n.maxP95Ms = c.maxP95Ms, n.maxErrorRate = c.maxErrorRate`;

const SET_DEPENDENCIES = `
UNWIND $rows AS d
MATCH (:Component {name: d.from})-[r:DEPENDS_ON {kind: d.kind, protocol: d.protocol}]->(:Component {name: d.to})
SET r.documented = d.documented`;

const REPLACE_DECLARED_ONLY = `
OPTIONAL MATCH (old:DeclaredComponent) WHERE NOT old.name IN [c IN $rows | c.name]
DETACH DELETE old
WITH count(*) AS removed
UNWIND $rows AS c
MERGE (n:DeclaredComponent {name: c.name})
SET n.kind = c.kind, n.entityRef = c.entityRef, n.source = c.source, n.owner = c.owner, n.system = c.system,
    n.tier = c.tier, n.degradable = c.degradable, n.maxP95Ms = c.maxP95Ms, n.maxErrorRate = c.maxErrorRate,
    n.documented = true, n.virtual = true, n.versions = []`;

const REPLACE_DECLARES = `
MATCH ()-[old:DECLARES]->() DELETE old
WITH count(*) AS removed
UNWIND $rows AS d
MATCH (a:Component {name: d.from})
MATCH (b:Component|DeclaredComponent {name: d.to})
MERGE (a)-[r:DECLARES]->(b)
SET r.source = d.source`;

type ComponentRow = { name: string; documented: boolean; owner: string | null; system: string | null; tier: number | null; degradable: boolean | null; maxP95Ms: number | null; maxErrorRate: number | null };

const sameComponentRow = (a: ComponentRow, b: ComponentRow): boolean =>
  a.documented === b.documented && a.owner === b.owner && a.system === b.system && a.tier === b.tier &&
  a.degradable === b.degradable && a.maxP95Ms === b.maxP95Ms && a.maxErrorRate === b.maxErrorRate;

export function createCatalogWriter(driver: Driver, database: string) {
  // What Neo4j was last sent, compared field by field: a pass at 20,000 dependencies sends none of
  // them when the catalog did not change, and finds that out without serialising a row each.
  const componentsWritten = new Map<string, ComponentRow>();
  const documentedWritten = new Map<string, boolean>();
  let declaredWritten = '';

  return {
    async write(
      components: readonly ComponentNode[],
      dependencies: readonly DependencyEdge[],
      declared: readonly DeclaredDependency[],
      declaredOnly: readonly DeclaredComponent[] = [],
    ): Promise<void> {
      const componentRows: ComponentRow[] = [];
      for (const c of components) {
        const row: ComponentRow = {
          name: c.name, documented: c.documented, owner: c.owner ?? null, system: c.system ?? null, tier: c.intent.tier ?? null,
          degradable: c.intent.degradable ?? null, maxP95Ms: c.intent.maxP95Ms ?? null, maxErrorRate: c.intent.maxErrorRate ?? null,
        };
        const before = componentsWritten.get(c.name);
        if (before && sameComponentRow(before, row)) continue;
        componentsWritten.set(c.name, row);
        componentRows.push(row);
      }
      const dependencyRows: Array<{ from: string; to: string; kind: string; protocol: string; documented: boolean }> = [];
      for (const d of dependencies) {
        const key = `${d.from}\0${d.to}\0${d.kind}\0${d.protocol}`;
        if (documentedWritten.get(key) === d.documented) continue;
        documentedWritten.set(key, d.documented);
        dependencyRows.push({ from: d.from, to: d.to, kind: d.kind, protocol: d.protocol, documented: d.documented });
      }
      // Declared edges are re-laid only when the set of declarations or of components changed.
      const declaredKey = JSON.stringify([declared, declaredOnly, components.length]);
      const declaredRows = declaredKey !== declaredWritten ? declared.map((d) => ({ from: d.from, to: d.to, source: d.source })) : undefined;
      const declaredOnlyRows = declaredOnly.map((c) => ({
        name: c.name, kind: c.kind, entityRef: c.entityRef, source: c.source, owner: c.owner ?? null, system: c.system ?? null,
        tier: c.intent.tier ?? null, degradable: c.intent.degradable ?? null, maxP95Ms: c.intent.maxP95Ms ?? null, maxErrorRate: c.intent.maxErrorRate ?? null,
      }));
      if (componentRows.length === 0 && dependencyRows.length === 0 && !declaredRows) return;
      const session = driver.session({ database });
      try {
        await session.executeWrite(async (tx) => {
          if (componentRows.length > 0) await tx.run(SET_COMPONENTS, { rows: componentRows });
          if (dependencyRows.length > 0) await tx.run(SET_DEPENDENCIES, { rows: dependencyRows });
          if (declaredRows) {
            await tx.run(REPLACE_DECLARED_ONLY, { rows: declaredOnlyRows });
            await tx.run(REPLACE_DECLARES, { rows: declaredRows });
          }
        });
        declaredWritten = declaredKey;
      } catch (error) {
        // Unsure what landed: send everything next time.
        componentsWritten.clear();
        documentedWritten.clear();
        throw error;
      } finally {
        await session.close();
      }
    },
  };
}
