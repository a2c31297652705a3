// CHATTY_COUPLING: one caller makes many calls to one callee per trace (default >= 10): the
// N+1 shape, over SYNC calls and DATABASE queries. One finding per (caller, callee).
import type { GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { count, describe, exampleTraces, ms, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

export function createChattyCouplingDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'CHATTY_COUPLING',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      const findings: RaisedFinding[] = [];
      for (const e of snapshot.dependencies) {
        if ((e.kind !== 'SYNC' && e.kind !== 'DATABASE') || e.callsPerTrace === undefined || e.callsPerTrace < t.chattyCallsPerTrace) continue;
        const from = index.components.get(e.from);
        const to = index.components.get(e.to);
        const perTrace = Math.round(e.callsPerTrace * 10) / 10;
        const traceIds = traceIdsOf([e], t.maxTraceIds);
        const waiting = e.p50Ms === undefined ? '' : ` At a median of ${ms(e.p50Ms)} each, that is about ${ms(e.p50Ms * e.callsPerTrace)} per request if made one after another.`;
        findings.push({
          id: findingId('CHATTY_COUPLING', [e.from, e.to]),
          kind: 'CHATTY_COUPLING',
          severity: severityFromIntent([from?.intent, to?.intent], 'MEDIUM'),
          title: `${e.from} calls ${e.to} ${perTrace} times per request`,
          get detail() {
            return `${describe(e.from, from)} ${e.kind === 'DATABASE' ? 'queries' : 'calls'} ${describe(e.to, to)} ${perTrace} times per trace on average ` +
            `(${count(e.calls)} calls in all; the threshold is ${t.chattyCallsPerTrace}).${waiting} Batch the calls, cache, or move the loop to the callee.` +
            exampleTraces(traceIds);
          },
          components: [e.from, e.to],
          path: [e.from, e.to],
          evidence: { traceIds, callsPerTrace: e.callsPerTrace, calls: e.calls },
        });
      }
      return findings;
    },
  };
}
