// What changed between two windows of the graph: dependencies and components added and removed,
// dependencies whose rate, error rate or p95 moved beyond noise, and rollouts. Pure.
//
// Noise, judged on the counts behind each number (so a quiet edge never "changes" on a handful of
// calls, and a busy one is not ignored for a small but certain move):
//  - rate: calls per minute differ by at least RATE_FACTOR (×2 or ÷2) and the Poisson z-score of the
//    two counts over their two durations is at least Z;
//  - error rate: differs by at least 1 percentage point, with at least MIN_ERRORS errors in the worse
//    window, and the two-proportion z-score is at least Z;
//  - p95: differs by at least P95_FACTOR (×1.25: the histogram's own error is ±5%), with at least
//    MIN_CALLS_FOR_P95 calls in each window.
import type { WindowedEdge } from './read-model.ts';

export const NOISE = { Z: 3, RATE_FACTOR: 2, MIN_ERROR_RATE_DELTA: 0.01, MIN_ERRORS: 5, P95_FACTOR: 1.25, MIN_CALLS_FOR_P95: 20 } as const;

export interface DependencyChange {
  before: WindowedEdge;
  after: WindowedEdge;
  reasons: string[];
  regressed: boolean;
}

export interface GraphDiffResult {
  addedDependencies: WindowedEdge[];
  removedDependencies: WindowedEdge[];
  changedDependencies: DependencyChange[];
  addedComponents: string[];
  removedComponents: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const rate = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2));

/** Both sides are windows of one read model, so a dependency is matched by its ordinal (no key maps at 20,000 edges). */
export function diffGraphs(
  before: { dependencies: readonly WindowedEdge[]; components: readonly string[]; minutes: number },
  after: { dependencies: readonly WindowedEdge[]; components: readonly string[]; minutes: number },
): GraphDiffResult {
  const b = byOrdinal(before.dependencies);
  const a = byOrdinal(after.dependencies);
  const addedDependencies: WindowedEdge[] = [];
  const changedDependencies: DependencyChange[] = [];
  for (const now of after.dependencies) {
    const then = b[now.ordinal];
    if (!then) {
      addedDependencies.push(now);
      continue;
    }
    const change = compare(then, before.minutes, now, after.minutes);
    if (change) changedDependencies.push(change);
  }
  const beforeComponents = new Set(before.components);
  const afterComponents = new Set(after.components);
  return {
    addedDependencies,
    removedDependencies: before.dependencies.filter((d) => !a[d.ordinal]),
    changedDependencies,
    addedComponents: [...afterComponents].filter((c) => !beforeComponents.has(c)).sort(),
    removedComponents: [...beforeComponents].filter((c) => !afterComponents.has(c)).sort(),
  };
}

function byOrdinal(dependencies: readonly WindowedEdge[]): Array<WindowedEdge | undefined> {
  const at: Array<WindowedEdge | undefined> = [];
  for (const d of dependencies) at[d.ordinal] = d;
  return at;
}

function compare(before: WindowedEdge, beforeMinutes: number, after: WindowedEdge, afterMinutes: number): DependencyChange | undefined {
  const reasons: string[] = [];
  let regressed = false;

  // Rate: Poisson counts over durations.
  const r1 = before.calls / beforeMinutes;
  const r2 = after.calls / afterMinutes;
  const rateZ = Math.abs(r2 - r1) / Math.sqrt(before.calls / beforeMinutes ** 2 + after.calls / afterMinutes ** 2 || 1);
  if ((r2 >= r1 * NOISE.RATE_FACTOR || r2 <= r1 / NOISE.RATE_FACTOR) && rateZ >= NOISE.Z) {
    reasons.push(`rate ${rate(r1)} -> ${rate(r2)} calls/min (${before.calls} calls in ${Math.round(beforeMinutes)} min -> ${after.calls} in ${Math.round(afterMinutes)} min)`);
  }

  // Error rate: two proportions.
  const e1 = before.calls > 0 ? before.errors / before.calls : 0;
  const e2 = after.calls > 0 ? after.errors / after.calls : 0;
  const pooled = (before.errors + after.errors) / Math.max(1, before.calls + after.calls);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / Math.max(1, before.calls) + 1 / Math.max(1, after.calls)));
  const errorZ = se > 0 ? Math.abs(e2 - e1) / se : 0;
  if (Math.abs(e2 - e1) >= NOISE.MIN_ERROR_RATE_DELTA && Math.max(before.errors, after.errors) >= NOISE.MIN_ERRORS && errorZ >= NOISE.Z) {
    reasons.push(`error rate ${pct(e1)} -> ${pct(e2)} (${before.errors}/${before.calls} -> ${after.errors}/${after.calls})`);
    if (e2 > e1) regressed = true;
  }

  // p95: only on enough calls, beyond the histogram's error.
  const p1 = before.p95Ms;
  const p2 = after.p95Ms;
  if (p1 !== undefined && p2 !== undefined && before.calls >= NOISE.MIN_CALLS_FOR_P95 && after.calls >= NOISE.MIN_CALLS_FOR_P95 && (p2 >= p1 * NOISE.P95_FACTOR || p2 <= p1 / NOISE.P95_FACTOR)) {
    reasons.push(`p95 ${p1.toFixed(1)} -> ${p2.toFixed(1)} ms (over ${before.calls} -> ${after.calls} calls)`);
    if (p2 > p1) regressed = true;
  }

  return reasons.length > 0 ? { before, after, reasons, regressed } : undefined;
}
