// SYNC_AI_ON_CRITICAL_PATH: a tier-0/1 component waits, over SYNC edges, on a call into an AI
// component whose p95 is aiP95Ms (default 2 s) or more. Waiting does not stop at a degradable
// component or a fallback: the caller still waits for the slow answer or its timeout. Callers
// are searched up to cascadeMaxHops hops back. One finding per slow AI call (caller -> AI),
// naming every critical component waiting on it.
import type { DependencyEdge, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { type GraphIndex, indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { count, describe, exampleTraces, ms, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

export function createSyncAiOnCriticalPathDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'SYNC_AI_ON_CRITICAL_PATH',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      const findings: RaisedFinding[] = [];
      const callersOf = new Map<string, ReturnType<typeof criticalCallers>>();
      for (const call of snapshot.dependencies) {
        if (call.kind !== 'SYNC' || call.p95Ms === undefined || call.p95Ms < t.aiP95Ms) continue;
        const ai = index.components.get(call.to);
        if (ai?.kind !== 'AI') continue;
        const callers = callersOf.get(call.from) ?? callersOf.set(call.from, criticalCallers(index, call.from, t.cascadeMaxHops)).get(call.from)!;
        const waiting = callers.waiting;
        if (waiting.length === 0) continue;
        // The most critical waiting component, nearest first, shown with its path.
        const first = waiting.reduce((best, w) => (w.tier < best.tier || (w.tier === best.tier && w.hops < best.hops) ? w : best));
        const path = [...callers.pathFrom(first.name), call.to];
        const traceIds = traceIdsOf([call], t.maxTraceIds);
        const names = waiting.map((w) => w.name);
        findings.push({
          id: findingId('SYNC_AI_ON_CRITICAL_PATH', [call.from, call.to]),
          kind: 'SYNC_AI_ON_CRITICAL_PATH',
          severity: severityFromIntent(names.map((n) => index.components.get(n)?.intent), 'HIGH'),
          title: `${first.name} waits synchronously on ${call.to} (p95 ${ms(call.p95Ms)})`,
          detail: `${waiting.map((w) => describe(w.name, index.components.get(w.name))).join(', ')} ${waiting.length === 1 ? 'waits' : 'wait'} synchronously on ${call.from}'s call to the AI provider ${describe(call.to, ai)}` +
            `${path.length > 2 ? ` (${path.join(' -> ')})` : ''}, whose p95 is ${ms(call.p95Ms)}${call.p99Ms === undefined ? '' : ` (p99 ${ms(call.p99Ms)})`} over ${count(call.calls)} calls; the limit is ${ms(t.aiP95Ms)}. ` +
            `A model call this slow holds a critical request open: make it asynchronous, precompute or cache the answer, or put a tight timeout with a fallback in front of it.` +
            exampleTraces(traceIds),
          components: [...names, ...(names.includes(call.from) ? [] : [call.from]), call.to],
          path,
          evidence: { traceIds, p95Ms: call.p95Ms, calls: call.calls, waiting: names },
        });
      }
      return findings;
    },
  };
}

interface Waiting {
  name: string;
  tier: number;
  hops: number;
}

/**
 * Critical components that reach `from` over SYNC edges within maxHops (itself included),
 * nearest first, and the breadth-first tree to rebuild a path from any of them.
 */
function criticalCallers(index: GraphIndex, from: string, maxHops: number): { waiting: Waiting[]; pathFrom: (name: string) => string[] } {
  const via = new Map<string, DependencyEdge | undefined>([[from, undefined]]);
  const waiting: Waiting[] = [];
  let layer = [from];
  for (let hops = 0; layer.length > 0; hops++) {
    const next: string[] = [];
    for (const name of layer) {
      const tier = index.components.get(name)?.intent.tier;
      if (tier !== undefined && tier <= 1) waiting.push({ name, tier, hops });
      if (hops >= maxHops) continue;
      for (const e of index.incoming(name)) {
        if (e.kind !== 'SYNC' || via.has(e.from)) continue;
        via.set(e.from, e);
        next.push(e.from);
      }
    }
    layer = next;
  }
  const pathFrom = (name: string) => {
    const path = [name];
    for (let e = via.get(name); e; e = via.get(e.to)) path.push(e.to);
    return path;
  };
  return { waiting, pathFrom };
}
