// One series of time buckets (a dependency's or a component's), kept sorted by start, with
// latency histograms stored sparse ([bin, count, bin, count, ...]): a minute of one edge touches a
// handful of the 191 bins, so dense lists would be most of the read model's memory. Pure.
import { addCounts, type Counts, zeroCounts } from '../aggregate/counts.ts';
import { bucketValueMs, HISTOGRAM_BUCKETS, mergeSparse } from '../aggregate/latency-histogram.ts';
import { rolledStart, type RollupPlan } from './tiers.ts';

export { addCounts, type Counts, zeroCounts };

export interface Bucket extends Counts {
  startMs: number;
  resMs: number;
  /** Sparse histogram: bin indexes ascending, each followed by its count. */
  latency: number[];
}

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

/** Adds a bucket into the series: merged with the one of the same start and resolution, or inserted in order. */
export function addBucket(series: Bucket[], b: Bucket): void {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = series[mid]!;
    if (m.startMs < b.startMs || (m.startMs === b.startMs && m.resMs < b.resMs)) lo = mid + 1;
    else hi = mid;
  }
  const at = series[lo];
  if (at && at.startMs === b.startMs && at.resMs === b.resMs) {
    addCounts(at, b);
    at.latency = mergeSparse(at.latency, b.latency);
  } else series.splice(lo, 0, { ...b, latency: [...b.latency] });
}

/** The series after roll-up and retention: old minutes summed into hours, old hours into days, expired dropped. */
export function rollUp(series: Bucket[], plan: RollupPlan): Bucket[] {
  if (!needsChange(series, plan)) return series;
  const out: Bucket[] = [];
  for (const b of series) {
    const target = rolledStart(b.startMs, b.resMs, plan);
    if (target.startMs + target.resMs <= plan.dropBefore) continue;
    addBucket(out, { ...b, startMs: target.startMs, resMs: target.resMs });
  }
  return out;
}

function needsChange(series: readonly Bucket[], plan: RollupPlan): boolean {
  for (const b of series) {
    if (b.startMs + b.resMs <= plan.dropBefore) return true;
    if (rolledStart(b.startMs, b.resMs, plan).resMs !== b.resMs) return true;
    // Sorted by start: from here on every bucket is younger than any cutoff.
    if (b.startMs >= plan.minutesBefore) return false;
  }
  return false;
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
 * The index of the first bucket starting at or after `fromMs`, searched from the newest end
 * outwards (1, 2, 4, ... back), then by halves: windows are mostly recent, so the probes land on
 * buckets the caller reads anyway. A plain binary search visits buckets spread over the whole
 * series, a cache miss each, and was most of a 20,000-edge window's cost.
 */
export function firstAtOrAfter(series: readonly Bucket[], fromMs: number): number {
  let hi = series.length;
  let step = 1;
  while (hi - step >= 0 && series[hi - step]!.startMs >= fromMs) {
    hi -= step;
    step *= 2;
  }
  let lo = Math.max(0, hi - step);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (series[mid]!.startMs < fromMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Adds the buckets starting in [fromMs, toMs) into `sum`. A window is summed from the buckets
 * that start inside it: exact at minute resolution; a window reaching into rolled-up time is
 * summed by whole hours or days (the resolution the answer reports).
 */
export function sumWindow(series: readonly Bucket[], fromMs: number, toMs: number, sum: WindowSum): void {
  for (let i = firstAtOrAfter(series, fromMs); i < series.length; i++) {
    const b = series[i]!;
    if (b.startMs >= toMs) break;
    addCounts(sum, b);
    if (b.resMs > sum.resMs) sum.resMs = b.resMs;
    const lat = b.latency;
    for (let k = 0; k < lat.length; k += 2) {
      const bin = lat[k]!;
      if (sum.latency[bin] === 0) sum.touched.push(bin);
      sum.latency[bin]! += lat[k + 1]!;
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
