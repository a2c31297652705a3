// Window sums over a series of time buckets (bucket-series.ts), and their quantiles. Latency
// histograms are stored sparse ([bin, count, bin, count, ...]): a minute of one edge touches a
// handful of the 191 bins, so dense lists would be most of the read model's memory. Pure.
import { addCounts, type Counts, zeroCounts } from '../aggregate/counts.ts';
import { bucketValueMs, HISTOGRAM_BUCKETS } from '../aggregate/latency-histogram.ts';
import {
  type BucketSeries, R_CALLEE_ERRORS, R_CALLS, R_ERRORS, R_LAT_AT, R_LAT_LEN, R_PROPAGATED, R_RES, R_START, R_TRACES, R_UNCONSUMED, STRIDE,
} from './bucket-series.ts';

export { addCounts, type Counts, zeroCounts };

export { BucketSeries, type Bucket, type BucketInput } from './bucket-series.ts';

/** Dense counts per bin (as the aggregator and Neo4j keep them) to sparse pairs. */
export function sparse(dense: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < dense.length; i++) if (dense[i]) out.push(i, dense[i]!);
  return out;
}

/** Sparse pairs back to dense counts, trimmed after the last non-empty bin. */
export function dense(pairs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    while (out.length < pairs[i]!) out.push(0);
    out[pairs[i]!] = pairs[i + 1]!;
  }
  return out;
}

/** What a window sums to. */
export interface WindowSum extends Counts {
  /** Dense scratch histogram of the window (reused by the caller between edges). */
  latency: Uint32Array;
  /** Bins touched, so the scratch can be cleared cheaply. */
  touched: number[];
  /** Coarsest bucket summed (the window's effective resolution). */
  resMs: number;
}

export function newWindowSum(): WindowSum {
  return { ...zeroCounts(), latency: new Uint32Array(HISTOGRAM_BUCKETS), touched: [], resMs: 0 };
}

export function resetWindowSum(sum: WindowSum): void {
  sum.calls = sum.errors = sum.calleeErrors = sum.propagatedErrors = sum.traces = sum.unconsumed = 0;
  for (const bin of sum.touched) sum.latency[bin] = 0;
  sum.touched.length = 0;
  sum.resMs = 0;
}

/**
 * Adds the buckets starting in [fromMs, toMs) into `sum`. A window is summed from the buckets
 * that start inside it: exact at minute resolution; a window reaching into rolled-up time is
 * summed by whole hours or days (the resolution the answer reports).
 */
export function sumWindow(series: BucketSeries, fromMs: number, toMs: number, sum: WindowSum): void {
  const r = series.rows;
  const pool = series.pool;
  for (let i = series.firstAtOrAfter(fromMs); i < series.length; i++) {
    const o = i * STRIDE;
    if (r[o + R_START]! >= toMs) break;
    sum.calls += r[o + R_CALLS]!;
    sum.errors += r[o + R_ERRORS]!;
    sum.calleeErrors += r[o + R_CALLEE_ERRORS]!;
    sum.propagatedErrors += r[o + R_PROPAGATED]!;
    sum.traces += r[o + R_TRACES]!;
    sum.unconsumed += r[o + R_UNCONSUMED]!;
    if (r[o + R_RES]! > sum.resMs) sum.resMs = r[o + R_RES]!;
    const end = r[o + R_LAT_AT]! + r[o + R_LAT_LEN]!;
    for (let k = r[o + R_LAT_AT]!; k < end; k += 2) {
      const bin = pool[k]!;
      if (sum.latency[bin] === 0) sum.touched.push(bin);
      sum.latency[bin]! += pool[k + 1]!;
    }
  }
}

/** The q-quantiles of a window's latency, ms, in one pass over the bins it touched (undefined when it has none). */
export function windowQuantilesMs(sum: WindowSum, qs: readonly number[]): Array<number | undefined> {
  if (sum.touched.length === 0) return qs.map(() => undefined);
  // The bins touched in ascending order: an insertion sort in place (a window touches a few dozen
  // bins at most, and the order of `touched` means nothing else).
  const bins = sum.touched;
  for (let i = 1; i < bins.length; i++) {
    const bin = bins[i]!;
    let j = i - 1;
    while (j >= 0 && bins[j]! > bin) {
      bins[j + 1] = bins[j]!;
      j--;
    }
    bins[j + 1] = bin;
  }
  let total = 0;
  for (const bin of bins) total += sum.latency[bin]!;
  const out: Array<number | undefined> = [];
  let seen = 0;
  let k = 0;
  for (const q of qs) {
    const rank = Math.ceil(q * total);
    while (k < bins.length - 1 && seen + sum.latency[bins[k]!]! < rank) seen += sum.latency[bins[k++]!]!;
    out.push(bucketValueMs(bins[k]!));
  }
  return out;
}

/** The q-quantile of a window's latency, ms. */
export function windowQuantileMs(sum: WindowSum, q: number): number | undefined {
  return windowQuantilesMs(sum, [q])[0];
}
