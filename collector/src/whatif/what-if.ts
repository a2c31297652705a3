// What-if by declared intent (DESIGN.md §8): for components assumed down (every call to them
// fails) or slow (every call to them takes latencyMs longer), which components and workflows
// break, which degrade, and which are unaffected, each with the path the failure travels and the
// observed propagation or the assumption the verdict rests on. Pure, over a snapshot.
//
// Down: failure travels from a failing component to its callers over the calls they wait on
// (SYNC, DATABASE, and PUBLISH: a producer waits for the broker's acknowledgement), each hop with
// the probability observed on it (errorPropagation); a hop never seen to fail is assumed to carry
// failure (nothing shows the caller would cope), and a hop whose caller handled every failure (0)
// stops it. A component failure reaches at least `minProbability` of the time:
//   - breaks, unless declared degradable (orrery.dev/degradable): then it degrades, as intended;
// a component that calls a failing one but is not reached (handled, or rarely reached):
//   - degrades: it keeps working without it, as traffic has shown.
// Slow: the added latency reaches every synchronous caller, times the calls it makes per request
// (assumed one after another, and no timeout cutting the wait short). A component whose p95 would
// pass the orrery.dev/max-p95-ms it promises breaks (degrades if degradable); one slowed within
// its promise, or with none declared, degrades.
// A workflow (entry point + operation) breaks or degrades with its entry; one whose entry is fine
// but which hands work asynchronously to a failing consumer degrades (the work waits).
import type { ComponentKind, DependencyKind } from '../model/interaction.ts';
import type { DependencyEdge, GraphSnapshot, Tier } from '../model/graph-snapshot.ts';
import { type GraphIndex, SYNCHRONOUS_KINDS, compareNames, indexGraph } from '../graph/graph-index.ts';
import { type PropagationLabel, labelComponents, labelEdges, observedPropagation, propagationPaths } from '../graph/failure-propagation.ts';
import { count, describe, ms, percent, plural } from '../detectors/explain.ts';

/** The calls a caller waits on: failure and latency travel back up them. */
export const WAITED_ON_KINDS: readonly DependencyKind[] = ['SYNC', 'DATABASE', 'PUBLISH'];

export interface SlowComponent {
  name: string;
  /** Added to every call into it. */
  latencyMs: number;
}

export interface WhatIfScenario {
  /** Components assumed down: every call to them fails. */
  fail: readonly string[];
  /** Components assumed slow. */
  slow?: readonly SlowComponent[];
}

export interface Impact {
  /** A component's name, or a workflow's (`entry operation`). */
  name: string;
  /** The component's kind, or WORKFLOW. */
  kind: ComponentKind | 'WORKFLOW';
  /** From the component assumed down or slow out to this one: the way the failure travels. */
  path: string[];
  /** The verdict in words: the observed propagation, the declared intent or the assumption behind it. */
  reason: string;
  /** Declared tier (a workflow's is its entry's). */
  tier: Tier | undefined;
  /** How likely it fails with the scenario (1 for latency and declared verdicts). */
  probability: number;
  /** Some hop on the path had no error data: propagation was assumed. */
  assumed: boolean;
  /** For a slowed component: about how much longer its callers wait. */
  addedLatencyMs?: number | undefined;
}

export interface WhatIf {
  broken: Impact[];
  degraded: Impact[];
  /** Components, then workflows, the scenario does not reach. */
  unaffected: string[];
  /** Names in the scenario the snapshot does not know (the caller decides whether that is an error). */
  unknown: string[];
}

export interface WhatIfOptions {
  /** A component fails with the scenario when failure reaches it at least this often (default 0.1). */
  minProbability?: number;
  /** Longest path followed, in hops (default 8). */
  maxHops?: number;
}

type Snapshot = Pick<GraphSnapshot, 'components' | 'dependencies' | 'workflows'>;

export function whatIf(snapshot: Snapshot, scenario: WhatIfScenario, options: WhatIfOptions = {}): WhatIf {
  const minProbability = options.minProbability ?? 0.1;
  const maxHops = options.maxHops ?? 8;
  const index = indexGraph(snapshot);
  const known = (name: string) => index.components.has(name) || index.outgoing(name).length > 0 || index.incoming(name).length > 0;
  const slow = (scenario.slow ?? []).filter((s) => s.latencyMs > 0);
  const unknown = [...new Set([...scenario.fail, ...slow.map((s) => s.name)])].filter((n) => !known(n));
  const failing = new Set(scenario.fail.filter(known));
  const slowed = new Map<string, number>();
  for (const s of slow) if (known(s.name) && !failing.has(s.name)) slowed.set(s.name, Math.max(slowed.get(s.name) ?? 0, s.latencyMs));
  const premise = new Set([...failing, ...slowed.keys()]);

  const impacts = new Map<string, { verdict: 'broken' | 'degraded'; impact: Impact }>();
  const set = (verdict: 'broken' | 'degraded', impact: Impact) => impacts.set(impact.name, { verdict, impact });

  // Down: the likeliest way failure reaches each caller, from any failing component.
  const reached = bestLabels(index, [...failing], maxHops);
  for (const label of reached.values()) {
    if (premise.has(label.component)) continue;
    const component = index.components.get(label.component);
    if (label.probability < minProbability) continue;
    const path = labelComponents(label);
    const how = narrate(labelEdges(label));
    const base = { name: label.component, kind: component?.kind ?? 'SERVICE', path, tier: component?.intent.tier, probability: label.probability, assumed: label.assumed } as const;
    const fails = `${describe(label.component, component)} fails with ${path[0]} in ${percent(label.probability)} of cases via ${path.join(' <- ')}: ${how}`;
    if (component?.intent.degradable) set('degraded', { ...base, reason: `${fails}. It is declared degradable (orrery.dev/degradable): the business accepts it failing.` });
    else set('broken', { ...base, reason: `${fails}.` });
  }
  // Callers of what fails that failure does not reach (or rarely): they keep working without it.
  for (const name of [...failing, ...[...impacts.values()].filter((i) => i.verdict === 'broken').map((i) => i.impact.name)]) {
    for (const e of index.incoming(name)) {
      if (!WAITED_ON_KINDS.includes(e.kind) || premise.has(e.from) || impacts.has(e.from)) continue;
      const component = index.components.get(e.from);
      const label = reached.get(e.from);
      const coping = e.errorPropagation === 0
        ? `it handled every failure of ${e.to} observed (${e.propagatedErrors} of ${e.calleeErrors} propagated)`
        : `failure reaches it in only ${percent(label?.probability ?? 0)} of cases`;
      set('degraded', {
        name: e.from, kind: component?.kind ?? 'SERVICE', path: [...(reached.get(e.to) ? labelComponents(reached.get(e.to)!) : [e.to]), e.from],
        tier: component?.intent.tier, probability: label?.probability ?? 0, assumed: false,
        reason: `${describe(e.from, component)} loses ${e.to}, but ${coping}: it keeps working without it, as traffic has shown.`,
      });
    }
  }

  // Slow: the added wait, up the synchronous callers.
  for (const wait of addedWaits(index, slowed, maxHops).values()) {
    if (premise.has(wait.component) || impacts.get(wait.component)?.verdict === 'broken') continue;
    const component = index.components.get(wait.component);
    const promise = component?.intent.maxP95Ms;
    const currentMs = maxIncomingP95(index, wait.component) ?? wait.firstHop?.p95Ms;
    const afterMs = (currentMs ?? 0) + wait.addedMs;
    const multiplied = wait.multiplied.length > 0 ? ` (${wait.multiplied.join('; ')}, assumed one after another)` : '';
    const waits = `${describe(wait.component, component)} waits about ${ms(wait.addedMs)} longer via ${wait.path.join(' <- ')}${multiplied}, assuming no timeout cuts the wait short`;
    const base = { name: wait.component, kind: component?.kind ?? 'SERVICE', path: wait.path, tier: component?.intent.tier, probability: 1, assumed: false, addedLatencyMs: wait.addedMs } as const;
    const p95 = currentMs === undefined ? `its added wait alone is about ${ms(afterMs)}` : `its p95 would go from about ${ms(currentMs)} to about ${ms(afterMs)}`;
    if (promise !== undefined && afterMs > promise) {
      const breaks = `${waits}: ${p95}, past the ${ms(promise)} it promises its callers (orrery.dev/max-p95-ms)`;
      if (component?.intent.degradable) set('degraded', { ...base, reason: `${breaks}. It is declared degradable: the business accepts it.` });
      else set('broken', { ...base, reason: `${breaks}.` });
    } else if (!impacts.has(wait.component)) {
      set('degraded', { ...base, reason: promise === undefined ? `${waits}; it declares no latency promise (orrery.dev/max-p95-ms) to judge against.` : `${waits}: ${p95}, still within the ${ms(promise)} it promises.` });
    }
  }

  // Workflows, with their entry point, or by the work they hand off.
  const workflowNames: string[] = [];
  const runsOf = new Map<string, number>();
  const handoffs = snapshot.workflows.length === 0 ? new Map<string, DependencyEdge>() : waitingHandoffs(index, (n) => failing.has(n) || impacts.get(n)?.verdict === 'broken', maxHops);
  for (const w of snapshot.workflows) {
    const name = `${w.entry} ${w.operation}`;
    if (impacts.has(name) || workflowNames.includes(name)) continue;
    runsOf.set(name, w.runs);
    const runs = plural(w.runs, 'run');
    const entry = index.components.get(w.entry);
    const base = { name, kind: 'WORKFLOW', tier: entry?.intent.tier } as const;
    const entryImpact = impacts.get(w.entry);
    if (failing.has(w.entry)) {
      set('broken', { ...base, path: [w.entry], probability: 1, assumed: false, reason: `Its entry point ${w.entry} is assumed down (${runs} in the window).` });
    } else if (slowed.has(w.entry)) {
      set('degraded', { ...base, path: [w.entry], probability: 1, assumed: false, addedLatencyMs: slowed.get(w.entry), reason: `Its entry point ${w.entry} is assumed ${ms(slowed.get(w.entry)!)} slower.` });
    } else if (entryImpact) {
      const i = entryImpact.impact;
      // The entry's own reason up to how each hop behaved (after its path): that is on the entry's impact.
      const colon = i.reason.indexOf(': ', Math.max(0, i.reason.indexOf(' via ')));
      const why = colon > 0 ? `${i.reason.slice(0, colon)}.` : i.reason;
      set(entryImpact.verdict, { ...base, path: i.path, probability: i.probability, assumed: i.assumed, addedLatencyMs: i.addedLatencyMs, reason: `Its entry point ${w.entry} ${entryImpact.verdict === 'broken' ? 'breaks' : 'degrades'} (${runs} in the window): ${why}` });
    } else {
      const handoff = handoffs.get(w.entry);
      if (handoff) {
        set('degraded', { ...base, path: [handoff.to, handoff.from], probability: 1, assumed: false, reason: `The work ${handoff.from} hands to ${handoff.to} asynchronously (${handoff.kind}) waits until ${handoff.to} is back: ${handoff.from} does not wait for it, so the workflow's runs complete later, not never.` });
      } else {
        workflowNames.push(name);
      }
    }
  }

  const all = [...impacts.values()];
  // Most critical first; within a tier components, then workflows by their runs (a health check's
  // one run a minute after the order flow), each likeliest first.
  const byConcern = (a: Impact, b: Impact) =>
    (a.tier ?? 2) - (b.tier ?? 2) || Number(a.kind === 'WORKFLOW') - Number(b.kind === 'WORKFLOW') ||
    (runsOf.get(b.name) ?? 0) - (runsOf.get(a.name) ?? 0) || b.probability - a.probability || compareNames(a.name, b.name);
  const unaffected = index.names.filter((n) => !premise.has(n) && !impacts.has(n)).sort(compareNames);
  return {
    broken: all.filter((i) => i.verdict === 'broken').map((i) => i.impact).sort(byConcern),
    degraded: all.filter((i) => i.verdict === 'degraded').map((i) => i.impact).sort(byConcern),
    unaffected: [...unaffected, ...workflowNames.sort(compareNames)],
    unknown,
  };
}

/** Per component, the best way failure reaches it from any of the sources (likeliest, then observed, then shortest). */
export function bestLabels(index: GraphIndex, sources: readonly string[], maxHops: number): Map<string, PropagationLabel> {
  const best = new Map<string, PropagationLabel>();
  for (const source of sources) {
    const reached = propagationPaths(index, source, { direction: 'backward', kinds: WAITED_ON_KINDS, weight: observedPropagation, maxHops });
    for (const label of reached.values()) {
      const current = best.get(label.component);
      if (!current || label.probability > current.probability || (label.probability === current.probability && (Number(label.assumed) - Number(current.assumed) || label.hops - current.hops) < 0)) {
        best.set(label.component, label);
      }
    }
  }
  return best;
}

/** From the failing component outwards: how failure crossed each hop. */
export function narrate(edges: readonly DependencyEdge[]): string {
  return edges.map((e) => {
    if (e.errorPropagation !== undefined) return `${e.from} failed with ${e.to} in ${percent(e.errorPropagation)} of its failures (${e.propagatedErrors} of ${e.calleeErrors})`;
    if (e.errors > 0) return `${e.from}'s calls to ${e.to} failed ${e.errors} of ${count(e.calls)} times, and whether ${e.from} coped is not observed: assumed to fail with it`;
    return `${e.from} has not seen ${e.to} fail in ${count(e.calls)} calls, so nothing shows it would cope: assumed to fail with it`;
  }).join('; ');
}

interface AddedWait {
  component: string;
  addedMs: number;
  /** From the slowed component out to this one. */
  path: string[];
  /** The edge out of this component on the path. */
  firstHop: DependencyEdge | undefined;
  /** The hops whose calls per request multiply the wait. */
  multiplied: string[];
}

/** The largest added wait per synchronous caller, hop-bounded (rounds, like failure propagation). */
function addedWaits(index: GraphIndex, slowed: ReadonlyMap<string, number>, maxHops: number): Map<string, AddedWait> {
  const best = new Map<string, AddedWait>();
  for (const [name, latencyMs] of slowed) best.set(name, { component: name, addedMs: latencyMs, path: [name], firstHop: undefined, multiplied: [] });
  let frontier = [...slowed.keys()];
  for (let hops = 1; hops <= maxHops && frontier.length > 0; hops++) {
    const next = new Set<string>();
    for (const name of frontier) {
      const below = best.get(name)!;
      for (const e of index.incoming(name)) {
        if (!SYNCHRONOUS_KINDS.includes(e.kind) || below.path.includes(e.from)) continue;
        const perRequest = Math.max(1, e.callsPerTrace ?? 1);
        const addedMs = below.addedMs * perRequest;
        if (addedMs <= (best.get(e.from)?.addedMs ?? 0)) continue;
        const multiplied = perRequest >= 1.5 ? [...below.multiplied, `${e.from} calls ${e.to} ${perRequest.toFixed(1)} times per request`] : below.multiplied;
        best.set(e.from, { component: e.from, addedMs, path: [...below.path, e.from], firstHop: e, multiplied });
        next.add(e.from);
      }
    }
    frontier = [...next];
  }
  for (const name of slowed.keys()) best.delete(name);
  return best;
}

/** What its callers see: the largest p95 of the calls into it. */
function maxIncomingP95(index: GraphIndex, name: string): number | undefined {
  let out: number | undefined;
  for (const e of index.incoming(name)) if (SYNCHRONOUS_KINDS.includes(e.kind) && e.p95Ms !== undefined && (out === undefined || e.p95Ms > out)) out = e.p95Ms;
  return out;
}

/**
 * For every component whose synchronous part (what it waits on, hop-bounded) hands work
 * asynchronously to a consumer that fails: that handoff. One backward search from the handoffs,
 * rather than one forward search per workflow.
 */
function waitingHandoffs(index: GraphIndex, fails: (name: string) => boolean, maxHops: number): Map<string, DependencyEdge> {
  const found = new Map<string, DependencyEdge>();
  let layer: string[] = [];
  for (const name of index.names) {
    for (const e of index.incoming(name)) {
      if (e.kind !== 'ASYNC' || !fails(name) || found.has(e.from)) continue;
      found.set(e.from, e);
      layer.push(e.from);
    }
  }
  for (let hops = 0; layer.length > 0 && hops < maxHops; hops++) {
    const next: string[] = [];
    for (const name of layer) {
      for (const e of index.incoming(name)) {
        if (!SYNCHRONOUS_KINDS.includes(e.kind) || found.has(e.from)) continue;
        found.set(e.from, found.get(name)!);
        next.push(e.from);
      }
    }
    layer = next;
  }
  return found;
}
