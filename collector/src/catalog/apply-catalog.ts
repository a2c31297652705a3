// Joins the declared catalog onto the observed graph: what the snapshot builder calls before
// the detectors run. Observed components keep their observed facts; the catalog adds intent,
// ownership and the documented flags. Pure: returns new arrays.
import type { ComponentNode, DeclaredDependency, DependencyEdge } from '../model/graph-snapshot.ts';
import { indexDeclared } from './declared-index.ts';
import { NO_INTENT } from './intent-annotations.ts';
import type { Catalog } from './parse-catalog.ts';

export function applyCatalog(
  components: readonly ComponentNode[],
  dependencies: readonly DependencyEdge[],
  catalog: Catalog | undefined,
): { components: ComponentNode[]; dependencies: DependencyEdge[]; declared: DeclaredDependency[]; catalogLoaded: boolean } {
  if (!catalog) {
    return { components: [...components], dependencies: [...dependencies], declared: [], catalogLoaded: false };
  }
  const declared = indexDeclared(catalog.declared);
  return {
    components: components.map((c) => {
      const entry = catalog.components.get(c.name);
      return entry
        ? { ...c, documented: true, owner: entry.owner, system: entry.system, intent: entry.intent }
        : { ...c, documented: false, intent: c.intent ?? NO_INTENT };
    }),
    dependencies: dependencies.map((d) => ({ ...d, documented: declared.covers(d) })),
    declared: [...catalog.declared],
    catalogLoaded: true,
  };
}
