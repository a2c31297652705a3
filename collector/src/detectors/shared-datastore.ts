// SHARED_DATASTORE: two or more distinct services use the same database (DATABASE edges into one
// DATABASE component). One finding per database.
import type { ComponentNode, DependencyEdge, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { type GraphIndex, indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, type Thresholds, thresholds } from './detector.ts';
import { count, describe, exampleTraces, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

export function createSharedDatastoreDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'SHARED_DATASTORE',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      const findings: RaisedFinding[] = [];
      for (const db of snapshot.components) {
        if (db.kind !== 'DATABASE') continue;
        const edges = index.incoming(db.name).filter((e) => e.kind === 'DATABASE' && index.components.get(e.from)?.kind === 'SERVICE');
        const users = [...new Set(edges.map((e) => e.from))].sort();
        if (users.length < 2) continue;
        // Built in a function of its own: a closure in the loop's body would allocate its scope on
        // every iteration, thousands of them, though few raise a finding.
        findings.push(sharedDatastoreFinding(db, users, edges, index, t));
      }
      return findings;
    },
  };
}

function sharedDatastoreFinding(db: ComponentNode, users: string[], edges: DependencyEdge[], index: GraphIndex, t: Thresholds): RaisedFinding {
  const traceIds = traceIdsOf(edges, t.maxTraceIds);
  return {
    id: findingId('SHARED_DATASTORE', [db.name]),
    kind: 'SHARED_DATASTORE',
    severity: severityFromIntent([db.intent, ...users.map((u) => index.components.get(u)?.intent)], 'MEDIUM'),
    title: `${users.length} services share ${db.name}`,
    get detail() {
      return `${users.map((u) => describe(u, index.components.get(u))).join(', ')} all use ${describe(db.name, db)} directly ` +
      `(${users.map((u) => `${u}: ${count(edges.filter((e) => e.from === u).reduce((s, e) => s + e.calls, 0))} queries`).join(', ')}). ` +
      `A schema change, a lock or a load spike from one reaches the others unseen. Give the data one owner and let the others go through its API or events.` +
      exampleTraces(traceIds);
    },
    components: [db.name, ...users],
    path: undefined,
    evidence: { traceIds, services: users },
  };
}
