// STALE_DECLARATION: a dependency the catalog declares that has not been observed within the
// staleness window (ORRERY_STALE_AFTER_MS, default 7 days), measured back from snapshot.nowMs.
// A declaration never observed at all is only stale once its declaring component has itself
// been watched for a whole window: a collector started an hour ago knows nothing stale yet.
// Declarations from components that send no spans (virtual, or never seen) are not judged:
// their calls cannot be observed. A declared queue matches PUBLISH from, or CONSUME into, the declarer.
import type { DependencyEdge, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { describe, duration, instant } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

export function createStaleDeclarationDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'STALE_DECLARATION',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      if (!snapshot.catalogLoaded) return [];
      const index = indexGraph(snapshot);
      const findings: RaisedFinding[] = [];
      const window = duration(t.staleAfterMs);
      for (const d of snapshot.declared) {
        const from = index.components.get(d.from);
        if (!from || from.virtual) continue;
        const observed: DependencyEdge[] = [
          ...index.outgoing(d.from).filter((e) => e.to === d.to),
          ...index.incoming(d.from).filter((e) => e.kind === 'CONSUME' && e.from === d.to),
        ];
        const lastSeenMs = observed.length > 0 ? Math.max(...observed.map((e) => e.lastSeenMs)) : undefined;
        const since = lastSeenMs ?? from.firstSeenMs;
        if (snapshot.nowMs - since <= t.staleAfterMs) continue;

        const to = index.components.get(d.to);
        const when = lastSeenMs === undefined
          ? `has never been observed, although ${d.from} has been sending spans since ${instant(from.firstSeenMs)}`
          : `was last observed ${duration(snapshot.nowMs - lastSeenMs)} ago (${instant(lastSeenMs)})`;
        findings.push({
          id: findingId('STALE_DECLARATION', [d.from, d.to]),
          kind: 'STALE_DECLARATION',
          severity: severityFromIntent([from.intent, to?.intent], 'LOW'),
          title: `${d.from} declares ${d.to}, unobserved for ${window}`,
          detail: `${describe(d.from, from)} declares a dependency on ${describe(d.to, to)} in ${d.source}, but the dependency ${when}: nothing in ${window} of traffic. ` +
            `Either it is gone (remove it from spec.dependsOn so the map stays true) or it is a rarely used path (a fallback, a yearly job) worth a test that exercises it.`,
          components: [d.from, d.to],
          path: [d.from, d.to],
          evidence: { traceIds: [], source: d.source, ...(lastSeenMs === undefined ? { lastSeen: 'never' } : { lastSeen: instant(lastSeenMs) }), staleAfterMs: t.staleAfterMs },
        });
      }
      return findings;
    },
  };
}
