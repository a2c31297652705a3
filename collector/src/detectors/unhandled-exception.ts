// UNHANDLED_EXCEPTION: an error born in a dependency propagates up to the entry point of a
// workflow with every span on the way in error: nobody handled it. From snapshot.workflows
// (WorkflowStats.unhandledErrors, grouped by path); one finding per (workflow, path) seen at
// least unhandledMinCount times. Severity: HIGH for a tier-0 component on the path, down the tier
// ladder; CRITICAL when the entry is tier 0 and these errors alone exceed its orrery.dev/max-error-rate.
import type { GraphSnapshot, Intent, RaisedFinding } from '../model/graph-snapshot.ts';
import { indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { count, describe, exampleTraces, percent } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

/** A tier-0 entry whose unhandled errors alone exceed the error rate it promises: exposed now. */
function exposedNow(entry: Intent | undefined, count: number, runs: number): boolean {
  return entry?.tier === 0 && entry.maxErrorRate !== undefined && runs > 0 && count / runs > entry.maxErrorRate;
}

export function createUnhandledExceptionDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'UNHANDLED_EXCEPTION',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      const findings: RaisedFinding[] = [];
      for (const w of snapshot.workflows) {
        for (const unhandled of w.unhandledErrors) {
          if (unhandled.count < t.unhandledMinCount || unhandled.path.length < 2) continue;
          const origin = unhandled.path[unhandled.path.length - 1]!;
          const traceIds = unhandled.exemplarTraceIds.slice(0, t.maxTraceIds);
          findings.push({
            id: findingId('UNHANDLED_EXCEPTION', [w.entry, w.operation, ...unhandled.path]),
            kind: 'UNHANDLED_EXCEPTION',
            severity: exposedNow(index.components.get(w.entry)?.intent, unhandled.count, w.runs)
              ? 'CRITICAL'
              : severityFromIntent(unhandled.path.map((n) => index.components.get(n)?.intent), 'HIGH'),
            title: `Errors from ${origin} reach ${w.entry} ${w.operation} unhandled`,
            get detail() {
              return `An error born in ${describe(origin, index.components.get(origin))} travelled up ${[...unhandled.path].reverse().join(' -> ')} to the entry point ` +
              `${describe(w.entry, index.components.get(w.entry))} (${w.operation}) with every span on the way in error: nobody retried, fell back or turned it into an answer. ` +
              `It happened ${count(unhandled.count)} times, in ${percent(unhandled.count / Math.max(1, w.runs))} of the workflow's ${count(w.runs)} runs. ` +
              `Handle it where it is born or at the first caller that can degrade.` + exampleTraces(traceIds);
            },
            components: [...unhandled.path],
            path: [...unhandled.path],
            evidence: { traceIds, count: unhandled.count, runs: w.runs, operation: w.operation },
          });
        }
      }
      return findings;
    },
  };
}
