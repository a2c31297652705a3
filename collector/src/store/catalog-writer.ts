// Writes what the catalog says onto the observed graph in Neo4j, for GraphQL and the map:
// ownership, tier and documented flags on components, documented flags on dependencies, and
// DECLARES edges. Only what changed since the last write is sent.
import type { Driver } from 'neo4j-driver';
import type { ComponentNode, DeclaredDependency, DependencyEdge } from '../model/graph-snapshot.ts';

const SET_COMPONENTS = `
UNWIND $rows AS c
MATCH (n:Component {name: c.name})
SET n.documented = c.documented, n.owner = c.owner, n.system = c.system, n.tier = c.tier,
    n.degradable = c.degradable, n.maxP95Ms = c.maxP95Ms, n.maxErrorRate = c.maxErrorRate`;

const SET_DEPENDENCIES = `
UNWIND $rows AS d
MATCH (:Component {name: d.from})-[r:DEPENDS_ON {kind: d.kind, protocol: d.protocol}]->(:Component {name: d.to})
SET r.documented = d.documented`;

const REPLACE_DECLARES = `
MATCH ()-[old:DECLARES]->() DELETE old
WITH count(*) AS removed
UNWIND $rows AS d
MATCH (a:Component {name: d.from})
MATCH (b:Component {name: d.to})
MERGE (a)-[r:DECLARES]->(b)
SET r.source = d.source`;

export function createCatalogWriter(driver: Driver, database: string) {
  const written = new Map<string, string>();
  let declaredWritten = '';

  const changed = <T>(key: string, row: T): boolean => {
    const value = JSON.stringify(row);
    if (written.get(key) === value) return false;
    written.set(key, value);
    return true;
  };

  return {
    async write(components: readonly ComponentNode[], dependencies: readonly DependencyEdge[], declared: readonly DeclaredDependency[]): Promise<void> {
      const componentRows = components
        .map((c) => ({
          name: c.name, documented: c.documented, owner: c.owner ?? null, system: c.system ?? null, tier: c.intent.tier ?? null,
          degradable: c.intent.degradable ?? null, maxP95Ms: c.intent.maxP95Ms ?? null, maxErrorRate: c.intent.maxErrorRate ?? null,
        }))
        .filter((row) => changed(`c:${row.name}`, row));
      const dependencyRows = dependencies
        .map((d) => ({ from: d.from, to: d.to, kind: d.kind, protocol: d.protocol, documented: d.documented }))
        .filter((row) => changed(`d:${row.from}\0${row.to}\0${row.kind}\0${row.protocol}`, row));
      // Declared edges are re-laid only when the set of declarations or of components changed.
      const declaredKey = JSON.stringify([declared, components.length]);
      const declaredRows = declaredKey !== declaredWritten ? declared.map((d) => ({ ...d })) : undefined;
      if (componentRows.length === 0 && dependencyRows.length === 0 && !declaredRows) return;
      const session = driver.session({ database });
      try {
        await session.executeWrite(async (tx) => {
          if (componentRows.length > 0) await tx.run(SET_COMPONENTS, { rows: componentRows });
          if (dependencyRows.length > 0) await tx.run(SET_DEPENDENCIES, { rows: dependencyRows });
          if (declaredRows) await tx.run(REPLACE_DECLARES, { rows: declaredRows });
        });
        declaredWritten = declaredKey;
      } catch (error) {
        written.clear(); // unsure what landed: send everything next time
        throw error;
      } finally {
        await session.close();
      }
    },
  };
}
