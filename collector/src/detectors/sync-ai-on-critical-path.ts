// SYNC_AI_ON_CRITICAL_PATH: a tier-0/1 component waits, over SYNC edges, on a call into an AI
// component whose p95 is aiP95Ms (default 2 s) or more. Waiting does not stop at a degradable
// component or a fallback: the caller still waits for the slow answer or its timeout. Callers
// are searched up to cascadeMaxHops hops back. One finding per slow AI call (caller -> AI),
// naming every critical component waiting on it. Severity: HIGH with a tier-0 waiting, down the
// tier ladder; CRITICAL when a waiting tier-0 promises a p95 (orrery.dev/max-p95-ms) the AI
// call exceeds and the wait is seen to reach it (every hop on the way is that slow): exposed now.
import type { DependencyEdge, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { type GraphIndex, compareNames, indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { count, describe, exampleTraces, ms, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

export function createSyncAiOnCriticalPathDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'SYNC_AI_ON_CRITICAL_PATH',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      const slowCalls = snapshot.dependencies.filter((call) => call.kind === 'SYNC' && call.p95Ms !== undefined && call.p95Ms >= t.aiP95Ms && index.components.get(call.to)?.kind === 'AI');
      if (slowCalls.length === 0) return [];
      const waitingOn = criticalCallers(index, snapshot, [...new Set(slowCalls.map((c) => c.from))], t.cascadeMaxHops);
      const findings: RaisedFinding[] = [];
      for (const call of slowCalls) {
        const p95Ms = call.p95Ms!;
        const ai = index.components.get(call.to)!;
        const waiting = waitingOn.get(call.from) ?? [];
        if (waiting.length === 0) continue;
        // The most critical waiting component, nearest first, shown with its path.
        const first = waiting.reduce((best, w) => (w.tier < best.tier || (w.tier === best.tier && w.hops < best.hops) ? w : best));
        const path = [...syncPath(index, first.name, call.from, first.hops), call.to];
        const traceIds = traceIdsOf([call], t.maxTraceIds);
        const names = waiting.map((w) => w.name);
        findings.push({
          id: findingId('SYNC_AI_ON_CRITICAL_PATH', [call.from, call.to]),
          kind: 'SYNC_AI_ON_CRITICAL_PATH',
          severity: exposedNow(index, waiting, call, t.cascadeMaxHops) ? 'CRITICAL' : severityFromIntent(names.map((n) => index.components.get(n)?.intent), 'HIGH'),
          title: `${first.name} waits synchronously on ${call.to} (p95 ${ms(p95Ms)})`,
          get detail() {
            return `${waiting.map((w) => describe(w.name, index.components.get(w.name))).join(', ')} ${waiting.length === 1 ? 'waits' : 'wait'} synchronously on ${call.from}'s call to the AI provider ${describe(call.to, ai)}` +
            `${path.length > 2 ? ` (${path.join(' -> ')})` : ''}, whose p95 is ${ms(p95Ms)}${call.p99Ms === undefined ? '' : ` (p99 ${ms(call.p99Ms)})`} over ${count(call.calls)} calls; the limit is ${ms(t.aiP95Ms)}. ` +
            `A model call this slow holds a critical request open: make it asynchronous, precompute or cache the answer, or put a tight timeout with a fallback in front of it.` +
            exampleTraces(traceIds);
          },
          components: [...names, ...(names.includes(call.from) ? [] : [call.from]), call.to],
          path,
          evidence: { traceIds, p95Ms, calls: call.calls, waiting: names },
        });
      }
      return findings;
    },
  };
}

/**
 * Exposed now: a waiting tier-0 component promises its callers a p95 (orrery.dev/max-p95-ms) that
 * the AI call exceeds, and the wait is seen to reach it: every hop on some synchronous path from
 * it down to the call is slower than that promise. Searched backwards from the caller over the
 * hops slower than the loosest such promise only, which are few.
 */
function exposedNow(index: GraphIndex, waiting: readonly Waiting[], call: DependencyEdge, maxHops: number): boolean {
  const promises = new Map<string, number>();
  for (const w of waiting) {
    const maxP95Ms = index.components.get(w.name)?.intent.maxP95Ms;
    if (w.tier === 0 && maxP95Ms !== undefined && call.p95Ms! > maxP95Ms) promises.set(w.name, maxP95Ms);
  }
  if (promises.size === 0) return false;
  const floorMs = Math.min(...promises.values());
  // Bottleneck (slowest common p95) from each component down to the AI, over hops above the floor.
  const bottleneck = new Map<string, number>([[call.from, call.p95Ms!]]);
  let frontier = [call.from];
  for (let hops = 0; frontier.length > 0; hops++) {
    for (const name of frontier) {
      const promise = promises.get(name);
      if (promise !== undefined && bottleneck.get(name)! > promise) return true;
    }
    if (hops >= maxHops) break;
    const next: string[] = [];
    for (const name of frontier) {
      const below = bottleneck.get(name)!;
      for (const e of index.incoming(name)) {
        if (e.kind !== 'SYNC' || e.p95Ms === undefined || e.p95Ms <= floorMs) continue;
        const through = Math.min(below, e.p95Ms);
        if (through > (bottleneck.get(e.from) ?? Number.NEGATIVE_INFINITY)) {
          bottleneck.set(e.from, through);
          next.push(e.from);
        }
      }
    }
    frontier = next;
  }
  return false;
}

interface Waiting {
  name: string;
  tier: number;
  hops: number;
}

/**
 * For each of `targets`, the critical (tier 0/1) components that reach it over SYNC edges within
 * maxHops, itself included, nearest first (then by name). One hop-bounded reachability pass for
 * all targets at once: each component carries a bit set of the critical components that reach it,
 * widened by one hop per round, instead of a breadth-first search back from every target.
 */
function criticalCallers(index: GraphIndex, snapshot: GraphSnapshot, targets: readonly string[], maxHops: number): Map<string, Waiting[]> {
  const criticals = snapshot.components.filter((c) => c.intent.tier !== undefined && c.intent.tier <= 1);
  const words = Math.max(1, Math.ceil(criticals.length / 32));
  const slot = new Map(index.names.map((n, i) => [n, i]));
  let reach = new Uint32Array(index.names.length * words);
  criticals.forEach((c, bit) => {
    reach[slot.get(c.name)! * words + (bit >>> 5)]! |= 1 << (bit & 31);
  });
  const sync = snapshot.dependencies.filter((e) => e.kind === 'SYNC').map((e) => [slot.get(e.from)! * words, slot.get(e.to)! * words] as const);
  // The hop at which each critical component first reaches each target (only bits new since the
  // last round are looked at).
  const hopsTo = new Map<string, Map<number, number>>(targets.map((t) => [t, new Map()]));
  const seenBits = new Map<string, Uint32Array>(targets.map((t) => [t, new Uint32Array(words)]));
  const record = (hops: number) => {
    for (const [target, seen] of hopsTo) {
      const base = slot.get(target)! * words;
      const known = seenBits.get(target)!;
      for (let w = 0; w < words; w++) {
        let bits = reach[base + w]! & ~known[w]!;
        known[w]! |= bits;
        while (bits !== 0) {
          const low = bits & -bits;
          seen.set(w * 32 + 31 - Math.clz32(low), hops);
          bits ^= low;
        }
      }
    }
  };
  record(0);
  for (let hops = 1; hops <= maxHops; hops++) {
    const next = reach.slice();
    let changed = false;
    for (const [from, to] of sync) {
      for (let w = 0; w < words; w++) {
        const incoming = reach[from + w]!;
        if ((incoming & ~next[to + w]!) !== 0) {
          next[to + w]! |= incoming;
          changed = true;
        }
      }
    }
    reach = next;
    if (!changed) break;
    record(hops);
  }
  const out = new Map<string, Waiting[]>();
  for (const [target, seen] of hopsTo) {
    const waiting = [...seen].map(([bit, hops]) => ({ name: criticals[bit]!.name, tier: criticals[bit]!.intent.tier!, hops }));
    out.set(target, waiting.sort((a, b) => a.hops - b.hops || compareNames(a.name, b.name)));
  }
  return out;
}

/** A shortest SYNC path from `from` to `to` of at most `hops` hops (breadth-first from `to`, backwards). */
function syncPath(index: GraphIndex, from: string, to: string, hops: number): string[] {
  const via = new Map<string, DependencyEdge | undefined>([[to, undefined]]);
  let layer = [to];
  for (let h = 0; h < hops && !via.has(from); h++) {
    const next: string[] = [];
    for (const name of layer) {
      for (const e of index.incoming(name)) {
        if (e.kind !== 'SYNC' || via.has(e.from)) continue;
        via.set(e.from, e);
        next.push(e.from);
      }
    }
    layer = next;
  }
  const path = [from];
  for (let e = via.get(from); e; e = via.get(e.to)) path.push(e.to);
  return path;
}
