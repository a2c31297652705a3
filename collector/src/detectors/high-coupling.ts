// HIGH_COUPLING: a component whose fan-in + fan-out (distinct components it depends on or that
// depend on it, any kind) is far above the estate's norm: above median + couplingMadMultiplier x
// MAD (median absolute deviation, robust to the hubs being measured) and at least
// couplingMinDegree. Needs couplingMinComponents components for a norm to exist.
import type { GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { type GraphIndex, indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, type Thresholds, thresholds } from './detector.ts';
import { describe } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function createHighCouplingDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'HIGH_COUPLING',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      if (index.names.length < t.couplingMinComponents) return [];
      const degree = new Map<string, { fanIn: number; fanOut: number }>();
      for (const name of index.names) {
        degree.set(name, {
          fanIn: new Set(index.incoming(name).map((e) => e.from)).size,
          fanOut: new Set(index.outgoing(name).map((e) => e.to)).size,
        });
      }
      const totals = [...degree.values()].map((d) => d.fanIn + d.fanOut).sort((a, b) => a - b);
      const norm = median(totals);
      const mad = median(totals.map((v) => Math.abs(v - norm)).sort((a, b) => a - b));
      const limit = norm + t.couplingMadMultiplier * mad;

      const findings: RaisedFinding[] = [];
      for (const [name, { fanIn, fanOut }] of degree) {
        const total = fanIn + fanOut;
        if (total <= limit || total < t.couplingMinDegree) continue;
        // Built in a function of its own: a closure in the loop's body would allocate its scope on
        // every iteration, thousands of them, though few raise a finding.
        findings.push(highCouplingFinding(name, fanIn, fanOut, norm, mad, limit, index, t));
      }
      return findings;
    },
  };
}

function highCouplingFinding(name: string, fanIn: number, fanOut: number, norm: number, mad: number, limit: number, index: GraphIndex, t: Thresholds): RaisedFinding {
  const component = index.components.get(name);
  const total = fanIn + fanOut;
  return {
    id: findingId('HIGH_COUPLING', [name]),
    kind: 'HIGH_COUPLING',
    severity: severityFromIntent([component?.intent], 'MEDIUM'),
    title: `${name} is coupled to ${total} components`,
    get detail() {
      return `${describe(name, component)} is depended on by ${fanIn} and depends on ${fanOut} distinct components (${total} in all), ` +
      `against an estate median of ${norm} (median absolute deviation ${mad}; the limit is ${Math.max(limit, t.couplingMinDegree - 1)}). ` +
      `Changes to it ripple widely and its failures reach many: split its responsibilities or put a stable interface in front of it.`;
    },
    components: [name],
    path: undefined,
    evidence: { traceIds: [], fanIn, fanOut, median: norm, mad },
  };
}
