// SINGLE_POINT_OF_FAILURE: a component that several critical (tier 0/1) components depend on
// synchronously, directly or transitively, with no alternative: when it fails, failure reaches
// each of them with probability >= spofMinProbability along their synchronous paths (observed
// errorPropagation, or assumed when there is no error data). A caller that handled every
// failure (propagation 0) is an alternative path: failure stops there. Paths cross at most
// spofMaxAssumedHops hops without error data. Single points of failure along one chain (a chain of
// synchronous calls with no alternative) are one finding, on the deepest of them (foldChains).
// Severity: HIGH for tier-0 dependents reached by observed propagation, one step less when every
// path rests on an assumption; never CRITICAL (a structure, not a failure happening now).
import type { GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { SYNCHRONOUS_KINDS, compareNames, indexGraph } from '../graph/graph-index.ts';
import { type PropagationLabel, labelComponents, observedPropagation, propagationPaths } from '../graph/failure-propagation.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { describe, exampleTraces, percent, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { lowerSeverity, severityFromIntent } from './severity.ts';

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

      const candidates = [...dependents].filter(([, list]) => list.length >= t.spofMinCriticalDependents);
      const folded = foldChains(new Map(candidates));

      const findings: RaisedFinding[] = [];
      for (const [name, list] of candidates) {
        if (folded.parentOf.has(name)) continue;
        const component = index.components.get(name);
        // Most critical and likeliest first; the detail names a few, the evidence lists them all.
        const ordered = [...list].sort((a, b) => a.tier - b.tier || b.label.probability - a.label.probability || compareNames(a.start, b.start));
        const criticals = ordered.map((d) => d.start);
        const shown = ordered.slice(0, SHOWN).map(({ label }) => ({ label, path: labelComponents(label) }));
        const more = ordered.length - shown.length;
        const anyAssumed = list.some((d) => d.label.assumed);
        const observed = ordered.filter((d) => !d.label.assumed);
        const chain = folded.membersOf.get(name) ?? [];
        const traceIds = traceIdsOf(index.incoming(name).filter((e) => SYNCHRONOUS_KINDS.includes(e.kind)), t.maxTraceIds);
        // A structural risk, never CRITICAL: HIGH when failure is observed to reach a tier-0
        // dependent, one step less when every path to the critical dependents rests on an assumption.
        const severity = observed.length > 0
          ? severityFromIntent(observed.map((d) => index.components.get(d.start)?.intent), 'HIGH')
          : lowerSeverity(severityFromIntent(criticals.map((c) => index.components.get(c)?.intent), 'HIGH'));
        const chainText = chain.length === 0 ? '' : ` The way to it has no alternative either: ${chain.map((c) => `${describe(c, index.components.get(c))} (alone a single point of failure for ${dependents.get(c)!.map((d) => d.start).sort(compareNames).join(', ')})`).join('; ')}.`;
        findings.push({
          id: findingId('SINGLE_POINT_OF_FAILURE', [name]),
          kind: 'SINGLE_POINT_OF_FAILURE',
          severity,
          title: `${name} is a single point of failure for ${criticals.length} critical components`,
          get detail() {
            return `When ${describe(name, component)} fails, ${criticals.length} critical components fail with it: ` +
            shown.map(({ label, path }) => `${describe(path[0]!, index.components.get(path[0]!))} in ${percent(label.probability)} of cases${label.assumed ? ' (assumed: no failure observed on part of the way)' : ''} via ${path.join(' -> ')}`).join('; ') +
            (more > 0 ? `; and ${more} more` : '') +
            `. None of them has a fallback or an alternative path around it${anyAssumed ? ' that traffic has shown' : ''}.${chainText} Add redundancy, a fallback in the callers, or make the dependency asynchronous.` +
            exampleTraces(traceIds);
          },
          components: [name, ...chain, ...criticals.filter((c) => !chain.includes(c))],
          path: undefined,
          evidence: {
            traceIds, criticalDependents: criticals, chain,
            probability: ordered.reduce((best, d) => Math.max(best, d.label.probability), 0),
            exposure: observed.length > 0 ? 'observed' : 'assumed',
            get paths() {
              return shown.map(({ label, path }) => `${path.join(' -> ')}: ${percent(label.probability)}${label.assumed ? ' (assumed)' : ''}`);
            },
          },
        });
      }
      return findings;
    },
  };
}

/**
 * Single points of failure along one chain are one root cause: X folds into Y when Y lies beyond X
 * on the way from every one of X's critical dependents (they fail with Y through X), so Y's
 * finding, whose failure takes out X too, names X as part of its chain. Where two components
 * cover each other (a cycle), the first by name is kept.
 */
function foldChains(candidates: ReadonlyMap<string, readonly Dependent[]>): { parentOf: Map<string, string>; membersOf: Map<string, string[]> } {
  // covers.get(x).get(y): the critical dependents whose path to y passes through x.
  const covers = new Map<string, Map<string, Set<string>>>();
  for (const [y, list] of candidates) {
    for (const d of list) {
      for (let l = d.label.previous; l && l.previous; l = l.previous) {
        if (!candidates.has(l.component)) continue;
        const byTarget = covers.get(l.component) ?? covers.set(l.component, new Map()).get(l.component)!;
        (byTarget.get(y) ?? byTarget.set(y, new Set()).get(y)!).add(d.start);
      }
    }
  }
  const coversAll = (x: string, y: string) => {
    const starts = covers.get(x)?.get(y);
    return starts !== undefined && candidates.get(x)!.every((d) => starts.has(d.start));
  };
  const parent = new Map<string, string>();
  for (const [x, byTarget] of covers) {
    let best: string | undefined;
    for (const y of byTarget.keys()) {
      if (!coversAll(x, y) || (coversAll(y, x) && compareNames(y, x) > 0)) continue;
      const better = best === undefined || candidates.get(y)!.length > candidates.get(best)!.length || (candidates.get(y)!.length === candidates.get(best)!.length && compareNames(y, best) < 0);
      if (better) best = y;
    }
    if (best !== undefined) parent.set(x, best);
  }
  // Each folded component goes to the root of its parents; a cycle of parents (only possible
  // around a dependency cycle) keeps the first of its members by name as the root.
  const parentOf = new Map<string, string>();
  const roots = new Set<string>();
  for (const x of [...parent.keys()].sort(compareNames)) {
    if (roots.has(x)) continue;
    const seen = new Set([x]);
    let root = parent.get(x)!;
    while (!roots.has(root) && parent.has(root) && !seen.has(parent.get(root)!)) {
      seen.add(root);
      root = parent.get(root)!;
    }
    if (parentOf.has(root)) root = parentOf.get(root)!;
    if (root === x) continue;
    parentOf.set(x, root);
    roots.add(root);
  }
  const membersOf = new Map<string, string[]>();
  for (const [x, root] of parentOf) (membersOf.get(root) ?? membersOf.set(root, []).get(root)!).push(x);
  return { parentOf, membersOf };
}
