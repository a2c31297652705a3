// What one dependency sums to over one window, kept so the window's answer can follow the
// traffic: a publish adds its new minute, a window sliding by a minute subtracts the minute it
// left and adds the one it entered. The latency histogram is sparse ([bin, count, ...], bins
// ascending) and never changed in place: a sum copied for a slid window shares it until one side
// adds to it. Pure.
import { addCounts, zeroCounts, type Counts } from '../aggregate/counts.ts';
import { bucketValueMs, mergeSparse } from '../aggregate/latency-histogram.ts';
import { R_CALLEE_ERRORS, R_CALLS, R_ERRORS, R_LAT_AT, R_LAT_LEN, R_PROPAGATED, R_START, R_TRACES, R_UNCONSUMED, STRIDE, type BucketSeries } from './bucket-series.ts';
import type { WindowSum } from './buckets.ts';

export interface EdgeSum extends Counts {
  latency: readonly number[];
}

export const emptyEdgeSum = (): EdgeSum => ({ ...zeroCounts(), latency: [] });

export const copyEdgeSum = (s: EdgeSum): EdgeSum => ({ ...s });

/** A window with neither calls nor unconsumed messages has nothing to say about the dependency. */
export const isEmptySum = (s: Counts): boolean => s.calls === 0 && s.unconsumed === 0;

/** Adds one bucket (its counts and sparse histogram) into the sum. */
export function addToSum(sum: EdgeSum, b: Counts & { latency: readonly number[] }): void {
  addCounts(sum, b);
  if (b.latency.length > 0) sum.latency = mergeSparse(sum.latency, b.latency);
}

/**
 * Adds (sign 1) or subtracts (sign -1) the buckets of `series` starting in [fromMs, toMs).
 * Returns whether any bucket was in that strip.
 */
export function applyStrip(sum: EdgeSum, series: BucketSeries, fromMs: number, toMs: number, sign: 1 | -1): boolean {
  const r = series.rows;
  let any = false;
  for (let i = series.firstAtOrAfter(fromMs); i < series.length; i++) {
    const o = i * STRIDE;
    if (r[o + R_START]! >= toMs) break;
    sum.calls += sign * r[o + R_CALLS]!;
    sum.errors += sign * r[o + R_ERRORS]!;
    sum.calleeErrors += sign * r[o + R_CALLEE_ERRORS]!;
    sum.propagatedErrors += sign * r[o + R_PROPAGATED]!;
    sum.traces += sign * r[o + R_TRACES]!;
    sum.unconsumed += sign * r[o + R_UNCONSUMED]!;
    const len = r[o + R_LAT_LEN]!;
    if (len > 0) sum.latency = mergeSigned(sum.latency, series.pool, r[o + R_LAT_AT]!, len, sign);
    any = true;
  }
  return any;
}

/** Sparse `a` plus (or minus) the pairs `pool[at, at + len)`; bins that reach zero are dropped. */
function mergeSigned(a: readonly number[], pool: Float64Array, at: number, len: number, sign: 1 | -1): number[] {
  const out: number[] = [];
  let i = 0;
  let j = at;
  const end = at + len;
  while (i < a.length || j < end) {
    let bin: number;
    let count: number;
    if (j >= end || (i < a.length && a[i]! < pool[j]!)) {
      bin = a[i]!;
      count = a[i + 1]!;
      i += 2;
    } else if (i >= a.length || pool[j]! < a[i]!) {
      bin = pool[j]!;
      count = sign * pool[j + 1]!;
      j += 2;
    } else {
      bin = a[i]!;
      count = a[i + 1]! + sign * pool[j + 1]!;
      i += 2;
      j += 2;
    }
    if (count > 0) out.push(bin, count);
  }
  return out;
}

/** A dense window sum (buckets.ts sumWindow) as an EdgeSum. */
export function edgeSumOf(scratch: WindowSum): EdgeSum {
  const bins = [...scratch.touched].sort((a, b) => a - b);
  const latency: number[] = [];
  for (const bin of bins) latency.push(bin, scratch.latency[bin]!);
  return {
    calls: scratch.calls, errors: scratch.errors, calleeErrors: scratch.calleeErrors, propagatedErrors: scratch.propagatedErrors,
    traces: scratch.traces, unconsumed: scratch.unconsumed, latency,
  };
}

/** The q-quantiles (ascending qs) of a sparse histogram, ms; undefined each when it is empty. */
export function sparseQuantilesMs(pairs: readonly number[], qs: readonly number[]): Array<number | undefined> {
  let total = 0;
  for (let i = 1; i < pairs.length; i += 2) total += pairs[i]!;
  if (total === 0) return qs.map(() => undefined);
  const out: Array<number | undefined> = [];
  let seen = 0;
  let k = 0;
  for (const q of qs) {
    const rank = Math.ceil(q * total);
    while (k < pairs.length - 2 && seen + pairs[k + 1]! < rank) {
      seen += pairs[k + 1]!;
      k += 2;
    }
    out.push(bucketValueMs(pairs[k]!));
  }
  return out;
}
