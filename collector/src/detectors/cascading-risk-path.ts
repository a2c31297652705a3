// CASCADING_RISK_PATH: a synchronous path from a tier-0/1 component along which failure is
// observed to propagate (errorPropagation > 0, or failed calls where propagation cannot be
// measured) or must be assumed to (no error data yet), ending in a component that is less
// critical than the start (by cascadeMinTierGap tiers, or declared degradable) or less reliable
// than its callers promise (its error rate or p95 on the last hop is above the tightest
// orrery.dev/max-error-rate or max-p95-ms declared on the path before it).
//
// Bounds: paths of at most cascadeMaxHops; per (start, end) one finding with the path that has
// the most evidence (observed before assumed, then likeliest); paths are not followed past a
// degradable component (it is the end: its callers are expected to cope) nor past a hop whose
// caller handled every failure (errorPropagation 0). A finding whose path is the tail of a
// finding of the same or higher severity from a further-upstream start is folded into it.
import type { ComponentNode, DependencyEdge, GraphSnapshot, RaisedFinding, Severity, Tier } from '../model/graph-snapshot.ts';
import { SYNCHRONOUS_KINDS, indexGraph } from '../graph/graph-index.ts';
import { type HopWeight, type PropagationLabel, labelComponents, labelEdges, propagationPaths } from '../graph/failure-propagation.ts';
import type { Detector, DetectorOptions } from './detector.ts';
import { thresholds } from './detector.ts';
import { describe, errorRate, exampleTraces, hopSummary, ms, percent, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { lowerSeverity, severityFromIntent, severityRank } from './severity.ts';

/** Failure travels a hop when observed to, or when nothing shows it would not (assumed). */
export function cascadeHop(edge: DependencyEdge): HopWeight | undefined {
  const p = edge.errorPropagation;
  if (p !== undefined) return p > 0 ? { probability: Math.min(1, p), assumed: false } : undefined;
  // Callee failures seen but the caller's reaction unmeasurable (one-sided calls): observed failure.
  return { probability: 1, assumed: edge.errors === 0 };
}

interface Candidate {
  start: ComponentNode;
  end: string;
  label: PropagationLabel;
  path: string[];
  edges: DependencyEdge[];
  severity: Severity;
  reasons: string[];
  advice: string;
}

export function createCascadingRiskPathDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'CASCADING_RISK_PATH',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      const degradable = (name: string) => index.components.get(name)?.intent.degradable === true;
      const candidates: Candidate[] = [];

      for (const start of snapshot.components) {
        const startTier = start.intent.tier;
        if (startTier === undefined || startTier > 1 || start.intent.degradable) continue;
        const reached = propagationPaths(index, start.name, {
          direction: 'forward',
          kinds: SYNCHRONOUS_KINDS,
          weight: cascadeHop,
          maxHops: t.cascadeMaxHops,
          expandThrough: (name) => !degradable(name),
          minProbability: t.cascadeMinProbability,
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
  const endName = label.component;
  const end = components.get(endName);
  const path = labelComponents(label);
  const edges = labelEdges(label);
  const last = edges[edges.length - 1]!;
  const reasons: string[] = [];
  let criticality = false;

  const endTier = end?.intent.degradable ? 3 : end?.intent.tier;
  if (endTier !== undefined && endTier - startTier >= t.cascadeMinTierGap) {
    criticality = true;
    reasons.push(end?.intent.degradable
      ? `Degradable work should not sit on a tier-${startTier} synchronous path`
      : `A tier-${endTier} component should not sit on a tier-${startTier} synchronous path`);
  }

  if (last.calls >= t.minCallsForRates) {
    const callers = path.slice(0, -1).map((name) => ({ name, intent: components.get(name)?.intent }));
    const p95Promise = tightest(callers, (i) => i?.maxP95Ms);
    if (p95Promise && last.p95Ms !== undefined && last.p95Ms > p95Promise.value) {
      reasons.push(`${endName}'s p95 on this call is ${ms(last.p95Ms)}, above the ${ms(p95Promise.value)} ${p95Promise.name} promises its callers (orrery.dev/max-p95-ms)`);
    }
    const ratePromise = tightest(callers, (i) => i?.maxErrorRate);
    const rate = errorRate(last);
    if (ratePromise && rate > ratePromise.value) {
      reasons.push(`${last.from}'s calls to ${endName} fail ${percent(rate)} of the time (${last.errors} of ${last.calls}), above the ${percent(ratePromise.value)} error rate ${ratePromise.name} promises (orrery.dev/max-error-rate)`);
    }
  }
  if (reasons.length === 0) return undefined;

  let severity = severityFromIntent([start.intent], 'CRITICAL');
  if (label.assumed) severity = lowerSeverity(severity);
  const advice = criticality
    ? `make the call asynchronous, add a fallback, or raise ${endName}'s tier`
    : `add a timeout and a fallback, make the call asynchronous, or bring ${endName} within the promise`;
  return { start, end: endName, label, path, edges, severity, reasons, advice };
}

function tightest(callers: Array<{ name: string; intent: ComponentNode['intent'] | undefined }>, pick: (i: ComponentNode['intent'] | undefined) => number | undefined) {
  let best: { name: string; value: number } | undefined;
  for (const c of callers) {
    const value = pick(c.intent);
    if (value !== undefined && (!best || value < best.value)) best = { name: c.name, value };
  }
  return best;
}

/** Drops a finding whose path is the tail of an at-least-as-severe one ending in the same component. */
function fold(candidates: Candidate[]): Candidate[] {
  const ordered = [...candidates].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.path.length - a.path.length || a.start.name.localeCompare(b.start.name));
  const keptByEnd = new Map<string, Candidate[]>();
  const kept: Candidate[] = [];
  for (const c of ordered) {
    const same = keptByEnd.get(c.end) ?? [];
    const isTail = same.some((k) => k.path.length > c.path.length && c.path.every((name, i) => k.path[k.path.length - c.path.length + i] === name));
    if (isTail) continue;
    same.push(c);
    keptByEnd.set(c.end, same);
    kept.push(c);
  }
  return kept;
}

function toFinding(c: Candidate, components: ReadonlyMap<string, ComponentNode>, maxTraceIds: number): RaisedFinding {
  const name = (n: string) => describe(n, components.get(n));
  const via = c.path.slice(1, -1);
  const traceIds = traceIdsOf([...c.edges].reverse(), maxTraceIds);
  const detail = [
    `${name(c.start.name)} waits synchronously on ${name(c.end)}${via.length > 0 ? ` via ${via.join(' -> ')}` : ''}.`,
    `${narrate(c.edges)}.`,
    `${c.reasons.join('. ')}: ${c.advice}.`,
  ].join(' ') + exampleTraces(traceIds);
  return {
    id: findingId('CASCADING_RISK_PATH', [c.start.name, c.end]),
    kind: 'CASCADING_RISK_PATH',
    severity: c.severity,
    title: `${c.start.name} fails with ${c.end}: a synchronous path from a tier-${c.start.intent.tier} component`,
    detail,
    components: c.path,
    path: c.path,
    evidence: {
      traceIds,
      probability: c.label.probability,
      assumedHops: c.edges.filter((e) => cascadeHop(e)?.assumed).length,
      hops: c.edges.map(hopSummary),
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
