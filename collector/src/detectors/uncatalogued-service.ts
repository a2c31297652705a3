// UNCATALOGUED_SERVICE: a service seen in traces (emitting spans, or named by its callers'
// peer.service) with no catalog entry. Raised only against a loaded catalog. Severity follows the
// most critical of the service and its callers: an unowned service under a tier-0 matters more.
import type { ComponentNode, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { type GraphIndex, indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, type Thresholds, thresholds } from './detector.ts';
import { count, describe, exampleTraces, instant, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

export function createUncataloguedServiceDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'UNCATALOGUED_SERVICE',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      if (!snapshot.catalogLoaded) return [];
      const index = indexGraph(snapshot);
      const findings: RaisedFinding[] = [];
      const declarers = new Map<string, Set<string>>();
      for (const d of snapshot.declared) (declarers.get(d.to) ?? declarers.set(d.to, new Set()).get(d.to)!).add(d.from);
      for (const c of snapshot.components) {
        if (c.kind !== 'SERVICE' || c.documented) continue;
        // Built in a function of its own: a closure in the loop's body would allocate its scope on
        // every iteration, thousands of them, though few raise a finding.
        findings.push(uncataloguedFinding(c, declarers, index, t));
      }
      return findings;
    },
  };
}

function uncataloguedFinding(c: ComponentNode, declarers: ReadonlyMap<string, Set<string>>, index: GraphIndex, t: Thresholds): RaisedFinding {
  const incoming = index.incoming(c.name);
  const outgoing = index.outgoing(c.name);
  const callers = [...new Set(incoming.map((e) => e.from))];
  const callees = [...new Set(outgoing.map((e) => e.to))];
  const declaredBy = [...(declarers.get(c.name) ?? [])];
  const traceIds = traceIdsOf([...incoming, ...outgoing], t.maxTraceIds);
  const parts = [
    `${c.name} ${c.virtual ? 'is called in traces (it sends no spans of its own: known from its callers\' peer attributes)' : 'sends spans'} since ${instant(c.firstSeenMs)}, last seen ${instant(c.lastSeenMs)}, but has no catalog entry: nobody has declared its owner, system or tier.`,
  ];
  if (callers.length > 0) {
    const calls = incoming.reduce((sum, e) => sum + e.calls, 0);
    parts.push(`It is depended on by ${callers.map((n) => describe(n, index.components.get(n))).join(', ')} (${count(calls)} calls).`);
  }
  if (callees.length > 0) parts.push(`It depends on ${callees.join(', ')}.`);
  if (declaredBy.length > 0) parts.push(`${declaredBy.join(', ')} ${declaredBy.length === 1 ? 'names' : 'name'} it in dependsOn, but no entity describes it.`);
  parts.push(`Add a Component whose metadata.name is "${c.name}" (or annotate an existing one with orrery.dev/service-name: "${c.name}").`);
  return {
    id: findingId('UNCATALOGUED_SERVICE', [c.name]),
    kind: 'UNCATALOGUED_SERVICE',
    severity: severityFromIntent([c.intent, ...callers.map((n) => index.components.get(n)?.intent)], 'MEDIUM'),
    title: `${c.name} is not in the catalog`,
    get detail() {
      return parts.join(' ') + exampleTraces(traceIds);
    },
    components: [c.name],
    path: undefined,
    evidence: { traceIds, callers, callees, firstSeen: instant(c.firstSeenMs), lastSeen: instant(c.lastSeenMs) },
  };
}
