// SINGLE_POINT_OF_FAILURE: a component that several critical (tier 0/1) components depend on
// synchronously, directly or transitively, with no alternative: when it fails, failure reaches
// each of them with probability >= spofMinProbability along their synchronous paths (observed
// errorPropagation, or assumed when there is no error data). A caller that handled every
// failure (propagation 0) is an alternative path: failure stops there. Paths cross at most
// spofMaxAssumedHops hops without error data.
import type { GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { SYNCHRONOUS_KINDS, compareNames, indexGraph } from '../graph/graph-index.ts';
import { type PropagationLabel, labelComponents, observedPropagation, propagationPaths } from '../graph/failure-propagation.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { describe, exampleTraces, percent, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

interface Dependent {
  label: PropagationLabel;
  start: string;
  tier: number;
}

/** Critical dependents named in the detail (all are in evidence.criticalDependents). */
const SHOWN = 5;

export function createSinglePointOfFailureDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'SINGLE_POINT_OF_FAILURE',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      // Searched forward from each critical component: the probability it fails when a component
      // below it fails is the product along the path, the same number a backward search gives.
      const dependents = new Map<string, Dependent[]>();
      for (const critical of snapshot.components) {
        const tier = critical.intent.tier;
        if (tier === undefined || tier > 1) continue;
        const reached = propagationPaths(index, critical.name, {
          direction: 'forward', kinds: SYNCHRONOUS_KINDS, weight: observedPropagation, maxHops: t.spofMaxHops, minProbability: t.spofMinProbability, maxAssumedHops: t.spofMaxAssumedHops,
        });
        for (const label of reached.values()) {
          const list = dependents.get(label.component) ?? dependents.set(label.component, []).get(label.component)!;
          list.push({ label, start: critical.name, tier });
        }
      }

      const findings: RaisedFinding[] = [];
      for (const [name, list] of dependents) {
        if (list.length < t.spofMinCriticalDependents) continue;
        const component = index.components.get(name);
        // Most critical and likeliest first; the detail names a few, the evidence lists them all.
        const ordered = [...list].sort((a, b) => a.tier - b.tier || b.label.probability - a.label.probability || compareNames(a.start, b.start));
        const criticals = ordered.map((d) => d.start);
        const shown = ordered.slice(0, SHOWN).map(({ label }) => ({ label, path: labelComponents(label) }));
        const more = ordered.length - shown.length;
        const anyAssumed = list.some((d) => d.label.assumed);
        const traceIds = traceIdsOf(index.incoming(name).filter((e) => SYNCHRONOUS_KINDS.includes(e.kind)), t.maxTraceIds);
        findings.push({
          id: findingId('SINGLE_POINT_OF_FAILURE', [name]),
          kind: 'SINGLE_POINT_OF_FAILURE',
          severity: severityFromIntent(criticals.map((c) => index.components.get(c)?.intent), 'HIGH'),
          title: `${name} is a single point of failure for ${criticals.length} critical components`,
          detail: `When ${describe(name, component)} fails, ${criticals.length} critical components fail with it: ` +
            shown.map(({ label, path }) => `${describe(path[0]!, index.components.get(path[0]!))} in ${percent(label.probability)} of cases${label.assumed ? ' (assumed: no failure observed on part of the way)' : ''} via ${path.join(' -> ')}`).join('; ') +
            (more > 0 ? `; and ${more} more` : '') +
            `. None of them has a fallback or an alternative path around it${anyAssumed ? ' that traffic has shown' : ''}. Add redundancy, a fallback in the callers, or make the dependency asynchronous.` +
            exampleTraces(traceIds),
          components: [name, ...criticals],
          path: undefined,
          evidence: { traceIds, criticalDependents: criticals, paths: shown.map(({ label, path }) => `${path.join(' -> ')}: ${percent(label.probability)}${label.assumed ? ' (assumed)' : ''}`) },
        });
      }
      return findings;
    },
  };
}
