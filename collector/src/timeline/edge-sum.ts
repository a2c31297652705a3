// What one dependency sums to over one window, kept so the window's answer can follow the
// traffic: a publish adds its new minute, a window sliding by a minute subtracts the minute it
// left and adds the one it entered. The latency histogram is sparse ([bin, count, ...], bins
// ascending) and never changed in place: a sum copied for a slid window shares it until one side
// adds to it. Pure.
import { addCounts, zeroCounts, type Counts } from '../aggregate/counts.ts';
import { bucketValueMs, mergeSparse } from '../aggregate/latency-histogram.ts';
import { firstAtOrAfter, type Bucket, type WindowSum } from './buckets.ts';

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

/** Takes one bucket back out of the sum (the window slid past it). */
export function subtractFromSum(sum: EdgeSum, b: Counts & { latency: readonly number[] }): void {
  sum.calls -= b.calls;
  sum.errors -= b.errors;
  sum.calleeErrors -= b.calleeErrors;
  sum.propagatedErrors -= b.propagatedErrors;
  sum.traces -= b.traces;
  sum.unconsumed -= b.unconsumed;
  if (b.latency.length > 0) sum.latency = subtractSparse(sum.latency, b.latency);
}

/**
 * Adds (sign 1) or subtracts (sign -1) the buckets of `series` starting in [fromMs, toMs).
 * Returns whether any bucket was in that strip.
 */
export function applyStrip(sum: EdgeSum, series: readonly Bucket[], fromMs: number, toMs: number, sign: 1 | -1): boolean {
  let any = false;
  for (let i = firstAtOrAfter(series, fromMs); i < series.length; i++) {
    const b = series[i]!;
    if (b.startMs >= toMs) break;
    if (sign === 1) addToSum(sum, b);
    else subtractFromSum(sum, b);
    any = true;
  }
  return any;
}

/** Whether `series` has a bucket starting in [fromMs, toMs). */
export function hasBucketIn(series: readonly Bucket[], fromMs: number, toMs: number): boolean {
  const i = firstAtOrAfter(series, fromMs);
  return i < series.length && series[i]!.startMs < toMs;
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

/** a - b for sparse histograms; bins that reach zero are dropped. */
export function subtractSparse(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    const bin = a[i]!;
    while (j < b.length && b[j]! < bin) j += 2;
    const left = j < b.length && b[j] === bin ? a[i + 1]! - b[j + 1]! : a[i + 1]!;
    if (left > 0) out.push(bin, left);
  }
  return out;
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
