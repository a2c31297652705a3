// The resilience plan (DESIGN.md §8): which disruptions are worth testing first, how, and how
// hard, weighed by declared tier, declared degradability and observed propagation, so teams test
// by intent rather than at random. Pure, over a snapshot.
//
// What is at stake when X fails: the tier-0/1 components that fail with it (found forward from each
// of them over the calls they wait on, as in what-if.ts), each weighted by tier (0: 1, 1: 0.5) and
// by the probability failure reaches it. One failure test per component with something at stake:
//   - X declared degradable: UNAVAILABLE, every call failing: the declaration says losing it is
//     safe, so test exactly that; ranked 1.5x (a declaration to verify, often contradicted by the
//     propagation already observed);
//   - otherwise, when some path rests on an assumption (a hop never seen to fail): ERRORS, starting
//     at 5% of calls when a tier-0 is at stake (20% for tier 1 only) and rising; ranked by how
//     much of the stake is assumed (0.5x to 1.5x): that is where a test teaches something;
//   - otherwise (failure is observed to travel all the way): ERRORS at 5%, ranked 0.3x: traffic
//     already answered, the finding says so; the test is for after the fix.
// And one latency test per component a tier-0/1 caller with a p95 promise (orrery.dev/max-p95-ms)
// waits on synchronously: LATENCY of the smallest added wait that would take a caller past its
// promise (its headroom over the calls per request on the way), ranked 0.8x its stake: whether
// timeouts and fallbacks cut in before the promise breaks is never visible until it happens.
//
// Every candidate is scored first from numbers alone; words are written for the listed ones only
// (a large estate has thousands of candidates and the plan lists twenty).
import type { DependencyEdge, GraphSnapshot, Intent } from '../model/graph-snapshot.ts';
import { type GraphIndex, SYNCHRONOUS_KINDS, compareNames, indexGraph } from '../graph/graph-index.ts';
import { type PropagationLabel, labelComponents, observedPropagation, propagationPaths } from '../graph/failure-propagation.ts';
import { describe, ms, percent } from '../detectors/explain.ts';
import { WAITED_ON_KINDS } from './what-if.ts';

export type FailureMode = 'UNAVAILABLE' | 'ERRORS' | 'LATENCY';

export interface ResilienceTest {
  /** What to disrupt. */
  component: string;
  failure: FailureMode;
  /** How hard, in words: `every call fails`, `5% of calls fail, then more`, `+1,200 ms on every call`. */
  intensity: string;
  /** Why this test, and what to watch. */
  reason: string;
  /** ERRORS and UNAVAILABLE: the share of calls to fail (1 for UNAVAILABLE). */
  errorRate: number | undefined;
  /** LATENCY: milliseconds to add to every call. */
  latencyMs: number | undefined;
  /** Higher first: tier-weighted stake times how much the test would teach. */
  priority: number;
  /** The tier-0/1 components whose outcome the test puts at stake, most critical first (at most AT_STAKE_LISTED). */
  atStake: string[];
  /** How many there are in all. */
  atStakeCount: number;
}

export interface ResiliencePlanOptions {
  /** Tests listed at most (default 20). */
  limit?: number;
  /** Longest path followed, in hops (default 6, as the detectors). */
  maxHops?: number;
  /** Failure reaching a critical component less often than this puts nothing at stake (default 0.1). */
  minProbability?: number;
  /** Hops without error data a path may cross (default 3): beyond it, failure is speculation. */
  maxAssumedHops?: number;
}

/** Components named in atStake at most; the reason counts the rest. */
export const AT_STAKE_LISTED = 10;

type Snapshot = Pick<GraphSnapshot, 'components' | 'dependencies'>;

interface Critical {
  name: string;
  intent: Intent;
}

/** What failing X puts at stake, summed as the forward searches reach it. */
interface FailureStake {
  stake: number;
  assumedStake: number;
  tier0: boolean;
  exposed: Array<{ critical: Critical; label: PropagationLabel }>;
}

/** Who waits on X with a latency promise, and the tightest of them. */
interface LatencyStake {
  stake: number;
  waiting: Critical[];
  tightest: { critical: Critical; perCallMs: number; multiplier: number };
}

interface Candidate {
  component: string;
  failure: FailureMode;
  priority: number;
  write: () => ResilienceTest;
}

const weightOf = (intent: Intent): number => (intent.tier === 0 ? 1 : 0.5);
const round = (n: number) => Math.round(n * 100) / 100;

export function resiliencePlan(snapshot: Snapshot, options: ResiliencePlanOptions = {}): ResilienceTest[] {
  const limit = options.limit ?? 20;
  const maxHops = options.maxHops ?? 6;
  const index = indexGraph(snapshot);
  const criticals: Critical[] = snapshot.components.filter((c) => c.intent.tier !== undefined && c.intent.tier <= 1 && !c.intent.degradable);

  const failures = new Map<string, FailureStake>();
  const latencies = new Map<string, LatencyStake>();
  const walk = createWaitWalk(index);
  for (const c of criticals) {
    const reached = propagationPaths(index, c.name, {
      direction: 'forward', kinds: WAITED_ON_KINDS, weight: observedPropagation, maxHops,
      minProbability: options.minProbability ?? 0.1, maxAssumedHops: options.maxAssumedHops ?? 3,
    });
    for (const label of reached.values()) {
      const f = failures.get(label.component) ?? failures.set(label.component, { stake: 0, assumedStake: 0, tier0: false, exposed: [] }).get(label.component)!;
      const share = weightOf(c.intent) * label.probability;
      f.stake += share;
      if (label.assumed) f.assumedStake += share;
      if (c.intent.tier === 0) f.tier0 = true;
      f.exposed.push({ critical: c, label });
    }
    const promise = c.intent.maxP95Ms;
    if (promise === undefined) continue;
    const currentMs = incomingP95(index, c.name);
    walk(c.name, maxHops, (name, firstHop, multiplier) => {
      const headroomMs = promise - (currentMs ?? firstHop.p95Ms ?? 0);
      // A promise already broken is a finding now, not a test to run.
      if (headroomMs <= 0) return;
      const perCallMs = headroomMs / multiplier;
      const l = latencies.get(name);
      if (!l) {
        latencies.set(name, { stake: weightOf(c.intent), waiting: [c], tightest: { critical: c, perCallMs, multiplier } });
        return;
      }
      l.stake += weightOf(c.intent);
      l.waiting.push(c);
      if (perCallMs < l.tightest.perCallMs) l.tightest = { critical: c, perCallMs, multiplier };
    });
  }

  const candidates: Candidate[] = [];
  for (const [name, f] of failures) candidates.push(failureCandidate(name, f, index));
  for (const [name, l] of latencies) candidates.push(latencyCandidate(name, l, index, maxHops));
  candidates.sort((a, b) => b.priority - a.priority || compareNames(a.component, b.component) || compareNames(a.failure, b.failure));
  return candidates.slice(0, limit).map((c) => c.write());
}

function failureCandidate(name: string, f: FailureStake, index: GraphIndex): Candidate {
  const intent = index.components.get(name)?.intent;
  const degradable = intent?.degradable === true;
  const failure: FailureMode = degradable ? 'UNAVAILABLE' : 'ERRORS';
  const priority = round(degradable ? f.stake * 1.5 : f.assumedStake > 0 ? f.stake * (0.5 + f.assumedStake / f.stake) : f.stake * 0.3);
  return {
    component: name, failure, priority,
    write: () => {
      const ranked = [...f.exposed].sort((a, b) => (a.critical.intent.tier ?? 2) - (b.critical.intent.tier ?? 2) || compareNames(a.critical.name, b.critical.name));
      const atStake = ranked.slice(0, AT_STAKE_LISTED).map((e) => e.critical.name);
      const more = ranked.length - atStake.length;
      // The path shown: the most critical and likeliest casualty, nearest first.
      const score = (e: (typeof ranked)[number]) => weightOf(e.critical.intent) * e.label.probability;
      const worst = ranked.reduce((best, e) => (score(e) > score(best) || (score(e) === score(best) && e.label.hops < best.label.hops) ? e : best));
      const who = whoWaits(atStake, more);
      const whoWaitsText = `${who} on it synchronously (${labelComponents(worst.label).join(' -> ')}${ranked.length > 1 ? ', and more' : ''})`;
      const observed = ranked.filter((e) => !e.label.assumed).slice(0, AT_STAKE_LISTED);
      const observedText = observed.length > 0 ? `traffic already shows ${observed.map((e) => `${e.critical.name} failing with it in ${percent(e.label.probability)} of cases`).join(', ')}` : '';
      const base = { component: name, failure, priority, latencyMs: undefined, atStake, atStakeCount: ranked.length };
      if (degradable) {
        return {
          ...base, intensity: 'every call fails', errorRate: 1,
          reason: `${name} is declared degradable (orrery.dev/degradable): losing it should be safe, so test exactly that. ${whoWaitsText}. ` +
            (observedText ? `But ${observedText}: expect the test to fail until a fallback or an asynchronous call is in place.` : `Nothing shows they cope without it: the test is the first evidence.`),
        };
      }
      if (f.assumedStake > 0) {
        const errorRate = f.tier0 ? 0.05 : 0.2;
        return {
          ...base, intensity: `${percent(errorRate)} of calls fail, then more`, errorRate,
          reason: `${whoWaitsText}, and nothing shows they cope when it fails: no failure has been observed on part of the way, so propagation is assumed. ` +
            `Start small, since a tier-${f.tier0 ? 0 : 1} outcome is at stake, and watch ${atStake[0]}'s errors${observedText ? `; ${observedText}` : ''}.`,
        };
      }
      return {
        ...base, intensity: '5% of calls fail, after the fix', errorRate: 0.05,
        reason: `${whoWaitsText}; ${observedText}. Traffic has answered already: fix it first (a fallback, a timeout, an asynchronous call), then run this to show the fix holds.`,
      };
    },
  };
}

function latencyCandidate(name: string, l: LatencyStake, index: GraphIndex, maxHops: number): Candidate {
  const priority = round(l.stake * 0.8);
  return {
    component: name, failure: 'LATENCY', priority,
    write: () => {
      const { critical, perCallMs, multiplier } = l.tightest;
      const latencyMs = Math.max(1, Math.ceil(perCallMs));
      const ranked = [...l.waiting].sort((a, b) => (a.intent.tier ?? 2) - (b.intent.tier ?? 2) || compareNames(a.name, b.name));
      const atStake = ranked.slice(0, AT_STAKE_LISTED).map((c) => c.name);
      const times = multiplier >= 1.5 ? `, which it waits on about ${multiplier.toFixed(1)} times per request` : '';
      return {
        component: name, failure: 'LATENCY', priority, intensity: `+${ms(latencyMs)} on every call`, errorRate: undefined, latencyMs, atStake, atStakeCount: ranked.length,
        reason: `${whoWaits(atStake, ranked.length - atStake.length)} synchronously on ${describe(name, index.components.get(name))}, via ${syncPath(index, critical.name, name, maxHops).join(' -> ')}${times}. ` +
          `About ${ms(latencyMs)} more on each call takes ${critical.name} past the ${ms(critical.intent.maxP95Ms!)} p95 it promises (orrery.dev/max-p95-ms): ` +
          `check that timeouts and fallbacks cut in before the promise breaks, which traffic never shows until it happens.`,
      };
    },
  };
}

const whoWaits = (names: readonly string[], more: number): string =>
  names.length === 1 && more === 0 ? `${names[0]} waits` : `${names.join(', ')}${more > 0 ? ` and ${more} more` : ''} wait`;

/**
 * A reusable breadth-first walk over the calls a component waits on synchronously, hop-bounded,
 * with its state in arrays indexed by component (it runs once per critical component with a
 * promise, thousands of visits each on a large estate). For each component reached it reports the
 * first edge out of the start and the product of calls per request on the way.
 */
function createWaitWalk(index: GraphIndex) {
  const slot = new Map(index.names.map((n, i) => [n, i]));
  const seenIn = new Int32Array(index.names.length);
  const multiplier = new Float64Array(index.names.length);
  const firstHop: Array<DependencyEdge | undefined> = new Array(index.names.length);
  let epoch = 0;
  return (start: string, maxHops: number, visit: (name: string, firstHop: DependencyEdge, multiplier: number) => void) => {
    epoch++;
    const s = slot.get(start);
    if (s === undefined) return;
    seenIn[s] = epoch;
    multiplier[s] = 1;
    firstHop[s] = undefined;
    let layer = [start];
    for (let hops = 0; hops < maxHops && layer.length > 0; hops++) {
      const next: string[] = [];
      for (const name of layer) {
        const from = slot.get(name)!;
        for (const e of index.outgoing(name)) {
          if (e.kind !== 'SYNC' && e.kind !== 'DATABASE') continue;
          const to = slot.get(e.to)!;
          if (seenIn[to] === epoch) continue;
          seenIn[to] = epoch;
          multiplier[to] = multiplier[from]! * Math.max(1, e.callsPerTrace ?? 1);
          firstHop[to] = firstHop[from] ?? e;
          visit(e.to, firstHop[to]!, multiplier[to]!);
          next.push(e.to);
        }
      }
      layer = next;
    }
  };
}

/** A shortest synchronous path from `from` to `to` (breadth-first), for the words of a listed test. */
function syncPath(index: GraphIndex, from: string, to: string, maxHops: number): string[] {
  const via = new Map<string, DependencyEdge | undefined>([[from, undefined]]);
  let layer = [from];
  for (let hops = 0; hops < maxHops && layer.length > 0 && !via.has(to); hops++) {
    const next: string[] = [];
    for (const name of layer) {
      for (const e of index.outgoing(name)) {
        if (!SYNCHRONOUS_KINDS.includes(e.kind) || via.has(e.to)) continue;
        via.set(e.to, e);
        next.push(e.to);
      }
    }
    layer = next;
  }
  const path = [to];
  for (let e = via.get(to); e; e = via.get(e.from)) path.push(e.from);
  return path.reverse();
}

function incomingP95(index: GraphIndex, name: string): number | undefined {
  let out: number | undefined;
  for (const e of index.incoming(name)) if (SYNCHRONOUS_KINDS.includes(e.kind) && e.p95Ms !== undefined && (out === undefined || e.p95Ms > out)) out = e.p95Ms;
  return out;
}
