// UNDOCUMENTED_DEPENDENCY: an observed dependency the catalog does not declare. Raised only
// against a loaded catalog, and only when the depending side (the caller; for CONSUME the
// consumer) has a catalog entry: an uncatalogued caller is one UNCATALOGUED_SERVICE finding, not
// one finding per edge. An ASYNC producer -> consumer edge that travels through a destination is
// raised on its PUBLISH / CONSUME halves instead. One finding per (depending, depended-on) pair.
import type { DependencyEdge, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import type { DependencyKind } from '../model/interaction.ts';
import { indexDeclared } from '../catalog/declared-index.ts';
import { indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { count, describe, exampleTraces, instant, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

const VERB: Record<DependencyKind, string> = {
  SYNC: 'calls', ASYNC: 'hands work to', PUBLISH: 'publishes to', CONSUME: 'reads from', DATABASE: 'queries',
};

export function createUndocumentedDependencyDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'UNDOCUMENTED_DEPENDENCY',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      if (!snapshot.catalogLoaded) return [];
      const index = indexGraph(snapshot);
      const declared = indexDeclared(snapshot.declared);
      const viaDestination = (e: DependencyEdge) =>
        index.outgoing(e.from).some((p) => p.kind === 'PUBLISH' && index.outgoing(p.to).some((c) => c.kind === 'CONSUME' && c.to === e.to));

      const byPair = new Map<string, { dependent: string; dependency: string; edges: DependencyEdge[] }>();
      for (const e of snapshot.dependencies) {
        if (e.documented || declared.covers(e)) continue;
        const [dependent, dependency] = e.kind === 'CONSUME' ? [e.to, e.from] : [e.from, e.to];
        if (!index.components.get(dependent)?.documented) continue;
        if (e.kind === 'ASYNC' && viaDestination(e)) continue;
        const key = `${dependent}\u0000${dependency}`;
        const group = byPair.get(key) ?? byPair.set(key, { dependent, dependency, edges: [] }).get(key)!;
        group.edges.push(e);
      }

      return [...byPair.values()].map(({ dependent, dependency, edges }) => {
        const a = index.components.get(dependent);
        const b = index.components.get(dependency);
        const calls = edges.reduce((sum, e) => sum + e.calls, 0);
        const firstSeen = Math.min(...edges.map((e) => e.firstSeenMs));
        const how = [...new Set(edges.map((e) => VERB[e.kind]))].join(' and ');
        const traceIds = traceIdsOf(edges, t.maxTraceIds);
        return {
          id: findingId('UNDOCUMENTED_DEPENDENCY', [dependent, dependency]),
          kind: 'UNDOCUMENTED_DEPENDENCY',
          severity: severityFromIntent([a?.intent, b?.intent], 'MEDIUM'),
          title: `${dependent} depends on ${dependency}, undeclared`,
          get detail() {
            return `${describe(dependent, a)} ${how} ${describe(dependency, b)}: ${count(calls)} ${calls === 1 ? 'interaction' : 'interactions'} observed since ${instant(firstSeen)}, ` +
            `but ${dependent}'s catalog entry does not declare it. Add ${dependency} to ${dependent}'s spec.dependsOn (or consumesApis) so the map, ` +
            `ownership and change reviews know about it.${exampleTraces(traceIds)}`;
          },
          components: [dependent, dependency],
          path: [dependent, dependency],
          evidence: { traceIds, calls, kinds: edges.map((e) => e.kind), firstSeen: instant(firstSeen) },
        };
      });
    },
  };
}
