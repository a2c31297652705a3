// EXCEPTION_HEAVY_WORKFLOW: more than exceptionShare (10%) of a workflow's runs fall to manual
// handling (a HUMAN step) or end in error, once it has exceptionMinRuns runs. Manual and failed
// runs are added: a run that is both is counted twice (manual handling usually rescues a run,
// so the overlap is small), capped at the run count.
import type { GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { count, describe, exampleTraces, percent } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

export function createExceptionHeavyWorkflowDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'EXCEPTION_HEAVY_WORKFLOW',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      const findings: RaisedFinding[] = [];
      for (const w of snapshot.workflows) {
        if (w.runs < t.exceptionMinRuns) continue;
        const exceptional = Math.min(w.runs, w.manualRuns + w.failedRuns);
        const share = exceptional / w.runs;
        if (share <= t.exceptionShare) continue;
        const entry = index.components.get(w.entry);
        const humans = [...new Set(index.outgoing(w.entry).filter((e) => index.components.get(e.to)?.kind === 'HUMAN').map((e) => e.to))];
        const traceIds = w.exemplarTraceIds.slice(0, t.maxTraceIds);
        findings.push({
          id: findingId('EXCEPTION_HEAVY_WORKFLOW', [w.entry, w.operation]),
          kind: 'EXCEPTION_HEAVY_WORKFLOW',
          severity: severityFromIntent([entry?.intent], 'MEDIUM'),
          title: `${percent(share)} of ${w.entry} ${w.operation} runs are exceptions`,
          get detail() {
            return `Of ${count(w.runs)} runs of ${describe(w.entry, entry)} ${w.operation}, ${count(w.manualRuns)} (${percent(w.manualRuns / w.runs)}) fell to manual handling` +
            `${humans.length > 0 ? ` (${humans.join(', ')})` : ''} and ${count(w.failedRuns)} (${percent(w.failedRuns / w.runs)}) ended in error: ${percent(share)} exceptions, ` +
            `above the ${percent(t.exceptionShare)} a workflow should need. Find what sends runs off the happy path and automate or fix the commonest cause.` +
            exampleTraces(traceIds);
          },
          components: [w.entry, ...humans],
          path: undefined,
          evidence: { traceIds, runs: w.runs, manualRuns: w.manualRuns, failedRuns: w.failedRuns, operation: w.operation },
        });
      }
      return findings;
    },
  };
}
