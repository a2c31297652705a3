// CASCADING_RISK_PATH: a synchronous path from a tier-0/1 component along which failure is
// observed to propagate (errorPropagation > 0, or failed calls where propagation cannot be
// measured) or must be assumed to (no error data yet), ending in a component that is less
// critical than the start (by cascadeMinTierGap tiers, or declared degradable) or less reliable
// than its callers promise (its error rate or p95 on the last hop is above the tightest
// orrery.dev/max-error-rate or max-p95-ms declared on the path before it; for p95, every hop from
// the promising component down is that slow too, so the wait is seen to reach it).
//
// Severity: CRITICAL for a tier-0 start exposed now (failure observed on every hop, or a latency
// promise on the path already broken), HIGH for tier 1; one step less when the path rests on
// assumed hops and no promise is broken now.
//
// Bounds: paths of at most cascadeMaxHops, crossing at most cascadeMaxAssumedHops hops without
// error data; per (start, end) one finding with the path that has
// the most evidence (observed before assumed, then likeliest); paths are not followed past a
// component less critical than the start (degradable, or cascadeMinTierGap tiers below: it is
// the end, and the fix at that hop covers what lies behind it) nor past a hop whose caller
// handled every failure (errorPropagation 0). A finding whose start lies on the path of an
// at-least-as-severe finding with the same end, from further upstream, is folded into it.
import type { ComponentNode, DependencyEdge, GraphSnapshot, RaisedFinding, Severity, Tier } from '../model/graph-snapshot.ts';
import { SYNCHRONOUS_KINDS, compareNames, indexGraph } from '../graph/graph-index.ts';
import { type HopWeight, type PropagationLabel, labelComponents, labelEdges, propagationPaths } from '../graph/failure-propagation.ts';
import type { Detector, DetectorOptions } from './detector.ts';
import { thresholds } from './detector.ts';
import { describe, errorRate, exampleTraces, hopSummary, ms, percent, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { lowerSeverity, severityFromIntent, severityRank } from './severity.ts';

/**
 * Failure travels a hop when observed to, or when nothing shows it would not (assumed). A window
 * without callee failures says nothing of the caller's reaction: then the last time the callee
 * failed does, and a caller seen handling every failure then (a fix) is not assumed to pass it on.
 */
export function cascadeHop(edge: DependencyEdge): HopWeight | undefined {
  const p = edge.errorPropagation;
  if (p !== undefined) return p > 0 ? { probability: Math.min(1, p), assumed: false } : undefined;
  if (edge.errors === 0 && edge.lastErrorPropagation === 0) return undefined;
  // Callee failures seen but the caller's reaction unmeasurable (one-sided calls): observed failure.
  return { probability: 1, assumed: edge.errors === 0 };
}

interface Promise {
  /** The component on the path that declares it. */
  by: string;
  value: number;
}

interface Candidate {
  start: ComponentNode;
  startTier: Tier;
  end: string;
  label: PropagationLabel;
  path: string[];
  severity: Severity;
  exposedNow: boolean;
  /** Set when the end is less critical than the start needs. */
  endTier: number | undefined;
  /** Set when the last hop breaks a promise made further up the path. */
  p95Breach: Promise | undefined;
  errorBreach: Promise | undefined;
}

export function createCascadingRiskPathDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'CASCADING_RISK_PATH',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      // A path ends at the first component less critical than its start: what lies beyond sits
      // behind it, and the fix at that hop (asynchronous call, fallback, tier) covers it.
      const lessCritical = (name: string, startTier: Tier) => {
        const intent = index.components.get(name)?.intent;
        if (intent?.degradable) return true;
        return intent?.tier !== undefined && intent.tier - startTier >= t.cascadeMinTierGap;
      };
      const candidates: Candidate[] = [];

      for (const start of snapshot.components) {
        const startTier = start.intent.tier;
        if (startTier === undefined || startTier > 1 || start.intent.degradable) continue;
        const reached = propagationPaths(index, start.name, {
          direction: 'forward',
          kinds: SYNCHRONOUS_KINDS,
          weight: cascadeHop,
          maxHops: t.cascadeMaxHops,
          expandThrough: (name) => !lessCritical(name, startTier),
          minProbability: t.cascadeMinProbability,
          maxAssumedHops: t.cascadeMaxAssumedHops,
          prefer: 'evidence',
        });
        for (const label of reached.values()) {
          const candidate = evaluate(start, startTier, label, index.components, t);
          if (candidate) candidates.push(candidate);
        }
      }
      return fold(candidates).map((c) => toFinding(c, index.components, t.maxTraceIds));
    },
  };
}

function evaluate(
  start: ComponentNode,
  startTier: Tier,
  label: PropagationLabel,
  components: ReadonlyMap<string, ComponentNode>,
  t: ReturnType<typeof thresholds>,
): Candidate | undefined {
  // Cheap checks first: most reached components qualify for nothing.
  const end = components.get(label.component);
  const last = label.edge!;
  const effectiveTier = end?.intent.degradable ? 3 : end?.intent.tier;
  const endTier = effectiveTier !== undefined && effectiveTier - startTier >= t.cascadeMinTierGap ? effectiveTier : undefined;

  let p95Breach: Promise | undefined;
  let errorBreach: Promise | undefined;
  if (last.calls >= t.minCallsForRates) {
    // The tightest promise declared by any component on the path before the end. A latency
    // promise is only broken when the wait is seen to travel up to the component that made it:
    // every hop from it down to the end is slower than the promise (a caller that answers before
    // its slow callee does, such as one handing a human task off, does not make its callers wait).
    let p95: Promise | undefined;
    let rate: Promise | undefined;
    let slowestCommonMs = last.p95Ms ?? Number.NEGATIVE_INFINITY;
    for (let next = label, l = label.previous; l; next = l, l = l.previous) {
      slowestCommonMs = Math.min(slowestCommonMs, next.edge!.p95Ms ?? Number.NEGATIVE_INFINITY);
      const intent = components.get(l.component)?.intent;
      if (intent?.maxP95Ms !== undefined && slowestCommonMs > intent.maxP95Ms && (!p95 || intent.maxP95Ms <= p95.value)) p95 = { by: l.component, value: intent.maxP95Ms };
      if (intent?.maxErrorRate !== undefined && (!rate || intent.maxErrorRate <= rate.value)) rate = { by: l.component, value: intent.maxErrorRate };
    }
    p95Breach = p95;
    if (rate && errorRate(last) > rate.value) errorBreach = rate;
  }
  if (endTier === undefined && !p95Breach && !errorBreach) return undefined;

  // Exposed now: failure is observed to travel every hop to the start, or the start already waits
  // longer than a promise on the path allows (waiting needs no assumption over synchronous calls).
  // Only then may a tier-0 start be CRITICAL; a path resting on assumed hops is one step less.
  const exposedNow = !label.assumed || p95Breach !== undefined;
  let severity = severityFromIntent([start.intent], 'CRITICAL');
  if (!exposedNow) severity = lowerSeverity(severity);
  return { start, startTier, end: label.component, label, path: labelComponents(label), severity, exposedNow, endTier, p95Breach, errorBreach };
}

/**
 * Folds a finding into an at-least-as-severe one, from further upstream, ending in the same
 * component and passing through its start: that finding already names it, and the fix is the same.
 */
function fold(candidates: Candidate[]): Candidate[] {
  const ordered = [...candidates].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.path.length - a.path.length || compareNames(a.start.name, b.start.name));
  const covered = new Set<string>();
  const kept: Candidate[] = [];
  for (const c of ordered) {
    if (covered.has(`${c.start.name}\u0000${c.end}`)) continue;
    kept.push(c);
    for (let i = 1; i < c.path.length - 1; i++) covered.add(`${c.path[i]}\u0000${c.end}`);
  }
  return kept;
}

function toFinding(c: Candidate, components: ReadonlyMap<string, ComponentNode>, maxTraceIds: number): RaisedFinding {
  const name = (n: string) => describe(n, components.get(n));
  const edges = labelEdges(c.label);
  const last = edges[edges.length - 1]!;
  const via = c.path.slice(1, -1);
  const traceIds = traceIdsOf([...edges].reverse(), maxTraceIds);

  // Built when read: most findings of a large pass are counted beyond the cap, never shown.
  const explain = (): string => {
    const reasons: string[] = [];
    if (c.endTier !== undefined) {
      reasons.push(components.get(c.end)?.intent.degradable
        ? `Degradable work should not sit on a tier-${c.startTier} synchronous path`
        : `A tier-${c.endTier} component should not sit on a tier-${c.startTier} synchronous path`);
    }
    if (c.p95Breach && last.p95Ms !== undefined) {
      reasons.push(`${c.end}'s p95 on this call is ${ms(last.p95Ms)}, above the ${ms(c.p95Breach.value)} ${c.p95Breach.by} promises its callers (orrery.dev/max-p95-ms)`);
    }
    if (c.errorBreach) {
      reasons.push(`${last.from}'s calls to ${c.end} fail ${percent(errorRate(last))} of the time (${last.errors} of ${last.calls}), above the ${percent(c.errorBreach.value)} error rate ${c.errorBreach.by} promises (orrery.dev/max-error-rate)`);
    }
    const advice = c.endTier !== undefined
      ? `make the call asynchronous, add a fallback, or raise ${c.end}'s tier`
      : `add a timeout and a fallback, make the call asynchronous, or bring ${c.end} within the promise`;

    return [
      `${name(c.start.name)} waits synchronously on ${name(c.end)}${via.length > 0 ? ` via ${via.join(' -> ')}` : ''}.`,
      `${narrate(edges)}.`,
      `${reasons.join('. ')}: ${advice}.`,
    ].join(' ') + exampleTraces(traceIds);
  };
  return {
    id: findingId('CASCADING_RISK_PATH', [c.start.name, c.end]),
    kind: 'CASCADING_RISK_PATH',
    severity: c.severity,
    title: `${c.start.name} fails with ${c.end}: a synchronous path from a tier-${c.startTier} component`,
    get detail() {
      return explain();
    },
    components: c.path,
    path: c.path,
    evidence: {
      traceIds,
      probability: c.label.probability,
      assumedHops: c.label.assumedHops,
      exposure: c.exposedNow ? 'now' : 'assumed',
      get hops() {
        return edges.map(hopSummary);
      },
    },
  };
}

/** From the end back to the start: how failure travelled each hop. */
function narrate(edges: DependencyEdge[]): string {
  let text = '';
  let chained = false;
  for (let i = edges.length - 1; i >= 0; i--) {
    const e = edges[i]!;
    const joint = i === edges.length - 1 ? '' : '; ';
    if (e.errorPropagation !== undefined) {
      const share = `${percent(e.errorPropagation)} of cases (${e.propagatedErrors} of ${e.calleeErrors})`;
      text += chained ? `, and ${e.from} in ${share}` : `${joint}${joint ? 'w' : 'W'}hen ${e.to} failed, ${e.from} failed too in ${share}`;
      chained = true;
      continue;
    }
    chained = false;
    text += e.errors > 0
      ? `${joint}${e.from}'s calls to ${e.to} failed ${e.errors} of ${e.calls} times (whether ${e.from} coped is not observed)`
      : `${joint}${e.from} has not yet seen ${e.to} fail in ${e.calls} calls, so nothing shows it would cope: failure is assumed to propagate`;
  }
  return text;
}
