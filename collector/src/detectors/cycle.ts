// CYCLE: services that form a dependency cycle over SYNC edges (a strongly connected component
// of two or more SERVICE components, or one calling itself). One finding per cycle group; its
// path is one concrete loop through the group, shortest from its first member.
import type { DependencyEdge, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { indexGraph } from '../graph/graph-index.ts';
import { stronglyConnectedComponents } from '../graph/strongly-connected.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { count, describe, exampleTraces, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

export function createCycleDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'CYCLE',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      const isService = (name: string) => index.components.get(name)?.kind === 'SERVICE';
      const services = snapshot.components.filter((c) => c.kind === 'SERVICE').map((c) => c.name);
      const successors = (name: string) => index.outgoing(name).filter((e) => e.kind === 'SYNC' && isService(e.to)).map((e) => e.to);
      return stronglyConnectedComponents(services, successors).map((group) => {
        const members = [...group].sort();
        const loop = shortestLoop(members, (name) => index.outgoing(name).filter((e) => e.kind === 'SYNC' && group.includes(e.to)));
        const path = [loop[0]!.from, ...loop.map((e) => e.to)];
        const traceIds = traceIdsOf(loop, t.maxTraceIds);
        return {
          id: findingId('CYCLE', members),
          kind: 'CYCLE',
          severity: severityFromIntent(members.map((m) => index.components.get(m)?.intent), 'HIGH'),
          title: `Synchronous cycle: ${path.join(' -> ')}`,
          get detail() {
            return `${members.map((m) => describe(m, index.components.get(m))).join(', ')} call each other synchronously in a loop: ` +
            `${loop.map((e) => `${e.from} -> ${e.to} (${count(e.calls)} calls)`).join(', ')}. A slow or failing member holds up every other one, ` +
            `they cannot be deployed or scaled independently, and a request can wait on itself. Break the loop with an asynchronous handoff or by moving the shared logic.` +
            exampleTraces(traceIds);
          },
          components: members,
          path,
          evidence: { traceIds, calls: loop.map((e) => `${e.from} -> ${e.to}: ${e.calls}`) },
        };
      });
    },
  };
}

/** Shortest loop from the group's first member back to itself (breadth-first within the group). */
function shortestLoop(members: string[], edges: (name: string) => DependencyEdge[]): DependencyEdge[] {
  const start = members[0]!;
  const via = new Map<string, DependencyEdge>();
  let layer = [start];
  while (layer.length > 0) {
    const next: string[] = [];
    for (const name of layer) {
      for (const e of edges(name)) {
        if (e.to === start) {
          const loop = [e];
          for (let back = via.get(name); back; back = via.get(back.from)) loop.push(back);
          return loop.reverse();
        }
        if (!via.has(e.to)) {
          via.set(e.to, e);
          next.push(e.to);
        }
      }
    }
    layer = next;
  }
  return [];
}
