// Joins the declared catalog onto the observed graph: what the snapshot builder calls before
// the detectors run. Observed components keep their observed facts; the catalog adds intent,
// ownership and the documented flags, through the entity each one is (match-observed.ts).
// Declarations are rewritten from entity names into observed names, so `dependsOn:
// [resource:orders-db]` covers the DATABASE edge to `postgresql://orders-db.internal/orders`.
// Pure: returns new arrays.
import type { ComponentNode, DeclaredComponent, DeclaredDependency, DependencyEdge } from '../model/graph-snapshot.ts';
import { indexDeclared } from './declared-index.ts';
import { NO_INTENT } from './intent-annotations.ts';
import { declaredKindOf, matchObserved } from './match-observed.ts';
import type { Catalog, CatalogProblem } from './parse-catalog.ts';

export interface AppliedCatalog {
  components: ComponentNode[];
  dependencies: DependencyEdge[];
  /** Between observed names; one per observed pair an entity-level declaration stands for. */
  declared: DeclaredDependency[];
  /** Catalog entities no observed component is, that an observed component declares a dependency on. */
  declaredOnly: DeclaredComponent[];
  /** Problems that only the observed graph reveals (one observed component matched by two entities). */
  problems: CatalogProblem[];
  catalogLoaded: boolean;
}

export function applyCatalog(
  components: readonly ComponentNode[],
  dependencies: readonly DependencyEdge[],
  catalog: Catalog | undefined,
): AppliedCatalog {
  if (!catalog) {
    return { components: [...components], dependencies: [...dependencies], declared: [], declaredOnly: [], problems: [], catalogLoaded: false };
  }
  const match = matchObserved(catalog, components);
  const observed = new Set(components.map((c) => c.name));
  // An entity stands for the observed components it matched; anything else (an entity not seen,
  // a dependsOn naming no entity) keeps its catalog name.
  const namesOf = (name: string): string[] => match.observedOf.get(name) ?? [name];

  const declared: DeclaredDependency[] = [];
  const seen = new Set<string>();
  const declaredOnly = new Map<string, DeclaredComponent>();
  for (const d of catalog.declared) {
    const froms = namesOf(d.from);
    const tos = namesOf(d.to);
    const rewritten = froms.length !== 1 || tos.length !== 1 || froms[0] !== d.from || tos[0] !== d.to;
    for (const from of froms) {
      for (const to of tos) {
        const pair = `${from}\u0000${to}`;
        if (from === to || seen.has(pair)) continue;
        seen.add(pair);
        declared.push(rewritten ? { from, to, source: d.source, declaredAs: { from: d.from, to: d.to } } : { from, to, source: d.source });
      }
    }
    const entity = catalog.components.get(d.to);
    if (entity && !match.observedOf.has(d.to) && !observed.has(d.to) && !declaredOnly.has(d.to) && froms.some((n) => observed.has(n))) {
      declaredOnly.set(d.to, {
        name: entity.name, kind: declaredKindOf(entity), entityRef: entity.entityRef,
        owner: entity.owner, system: entity.system, intent: entity.intent, source: entity.source,
      });
    }
  }

  const index = indexDeclared(declared);
  return {
    components: components.map((c) => {
      const entry = match.entityOf.get(c.name);
      return entry
        ? { ...c, documented: true, owner: entry.owner, system: entry.system, intent: entry.intent }
        : { ...c, documented: false, intent: c.intent ?? NO_INTENT };
    }),
    dependencies: dependencies.map((d) => ({ ...d, documented: index.covers(d) })),
    declared,
    declaredOnly: [...declaredOnly.values()],
    problems: match.problems,
    catalogLoaded: true,
  };
}
