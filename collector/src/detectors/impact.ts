// Impact: how much traffic a finding puts at stake, weighted by the declared tier of what it
// touches and by how likely failure is to travel there, from observed data. It orders findings
// of one severity (and picks the head among findings that explain one another); it never sets
// severity, which comes from declared intent alone.
//
//   impact = likelihood x sum over the finding's components c of weight(tier of c) x traffic into c
//            from outside the finding's components (calls of its incoming dependencies in the
//            window; for an entry point nobody calls, its workflows' runs)
//
//   weight: tier 0 -> 1, tier 1 -> 0.5, tier 2 or undeclared -> 0.1, tier 3 or degradable -> 0.02
//   likelihood: evidence.probability when the finding measured one (else 1), halved when the
//               finding rests on assumed propagation (evidence.exposure 'assumed')
//
// Traffic entering the set from outside counts each request once: storefront -> checkout ->
// payments puts storefront's incoming calls at stake, not those calls three times over.
import type { GraphSnapshot, Intent, RaisedFinding } from '../model/graph-snapshot.ts';
import { indexGraph } from '../graph/graph-index.ts';

export function tierWeight(intent: Intent | undefined): number {
  if (intent?.degradable) return 0.02;
  switch (intent?.tier) {
    case 0: return 1;
    case 1: return 0.5;
    case 3: return 0.02;
    default: return 0.1;
  }
}

/** A function from finding to impact over one snapshot (traffic per component is read once). */
export function impactOver(snapshot: GraphSnapshot): (finding: RaisedFinding) => number {
  const index = indexGraph(snapshot);
  const runsAt = new Map<string, number>();
  for (const w of snapshot.workflows) runsAt.set(w.entry, (runsAt.get(w.entry) ?? 0) + w.runs);
  return (finding) => {
    const within = new Set(finding.components);
    let stake = 0;
    for (const name of within) {
      const incoming = index.incoming(name);
      let traffic = 0;
      for (const e of incoming) if (!within.has(e.from)) traffic += e.calls;
      if (incoming.length === 0) traffic = runsAt.get(name) ?? 0;
      stake += tierWeight(index.components.get(name)?.intent) * traffic;
    }
    const probability = typeof finding.evidence.probability === 'number' ? finding.evidence.probability : 1;
    const likelihood = probability * (finding.evidence.exposure === 'assumed' ? 0.5 : 1);
    return Math.round(stake * likelihood * 10) / 10;
  };
}
