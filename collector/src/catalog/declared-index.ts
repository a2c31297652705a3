// Whether an observed edge is covered by a declaration. Declarations name the component that
// depends (dependsOn points from the one who needs to the one needed), so a CONSUME edge
// queue -> service is covered by `service dependsOn queue`, and an ASYNC edge producer ->
// consumer by a direct declaration or by both sides declaring the same destination.
import type { DeclaredDependency, DependencyEdge } from '../model/graph-snapshot.ts';

export interface DeclaredIndex {
  has(from: string, to: string): boolean;
  covers(edge: Pick<DependencyEdge, 'from' | 'to' | 'kind'>): boolean;
}

export function indexDeclared(declared: readonly DeclaredDependency[]): DeclaredIndex {
  const targets = new Map<string, Set<string>>();
  for (const d of declared) {
    let set = targets.get(d.from);
    if (!set) targets.set(d.from, (set = new Set()));
    set.add(d.to);
  }
  const has = (from: string, to: string) => targets.get(from)?.has(to) ?? false;
  return {
    has,
    covers(edge) {
      if (edge.kind === 'CONSUME') return has(edge.to, edge.from) || has(edge.from, edge.to);
      if (has(edge.from, edge.to)) return true;
      if (edge.kind !== 'ASYNC') return false;
      const producerTargets = targets.get(edge.from);
      const consumerTargets = targets.get(edge.to);
      if (!producerTargets || !consumerTargets) return false;
      for (const destination of producerTargets) if (consumerTargets.has(destination)) return true;
      return false;
    },
  };
}
