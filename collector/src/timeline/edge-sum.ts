// What each dependency sums to over one window, kept so the window's answers can follow the
// traffic: a publish adds its new minute, a window sliding by a minute subtracts the minute it
// left and adds the one it entered. One window's sums are columns with a slot per dependency (its
// ordinal in the read model), not an object per dependency: a slid window is three array copies,
// and six kept windows at 20,000 dependencies add no objects for the collector to walk but the
// histograms. A histogram is sparse ([bin, count, ...], bins ascending) and never changed in
// place: a window slid from another shares it until one side adds to it. Pure.
import type { Counts } from '../aggregate/counts.ts';
import { bucketValueMs, mergeSparse } from '../aggregate/latency-histogram.ts';
import { R_CALLEE_ERRORS, R_CALLS, R_ERRORS, R_LAT_AT, R_LAT_LEN, R_PROPAGATED, R_START, R_TRACES, R_UNCONSUMED, STRIDE, type BucketSeries } from './bucket-series.ts';
import type { WindowSum } from './buckets.ts';

/** One dependency's sum, as an answer is made from it. */
export interface EdgeSum extends Counts {
  latency: readonly number[];
}

/** Per slot: calls, errors, calleeErrors, propagatedErrors, traces, unconsumed. */
const C = 6;

/** One window's sums, a slot per dependency. */
export interface EdgeSums {
  counts: Float64Array;
  latency: Array<readonly number[]>;
  /** 1 where the dependency has buckets in the window. */
  has: Uint8Array;
}

const NO_LATENCY: readonly number[] = [];

export function newEdgeSums(capacity: number): EdgeSums {
  const n = Math.max(16, capacity);
  return { counts: new Float64Array(n * C), latency: new Array<readonly number[]>(n).fill(NO_LATENCY), has: new Uint8Array(n) };
}

export function copyEdgeSums(s: EdgeSums): EdgeSums {
  return { counts: s.counts.slice(), latency: s.latency.slice(), has: s.has.slice() };
}

/** Room for slots [0, n). */
export function ensureSlots(s: EdgeSums, n: number): void {
  if (n <= s.has.length) return;
  const grown = newEdgeSums(Math.max(n, s.has.length * 2));
  grown.counts.set(s.counts);
  grown.has.set(s.has);
  for (let i = 0; i < s.latency.length; i++) grown.latency[i] = s.latency[i]!;
  s.counts = grown.counts;
  s.has = grown.has;
  s.latency = grown.latency;
}

/** A window with neither calls nor unconsumed messages has nothing to say about the dependency. */
export const isEmptyAt = (s: EdgeSums, at: number): boolean => s.counts[at * C]! === 0 && s.counts[at * C + 5]! === 0;

export function clearAt(s: EdgeSums, at: number): void {
  s.counts.fill(0, at * C, at * C + C);
  s.latency[at] = NO_LATENCY;
  s.has[at] = 0;
}

/** Adds one bucket (its counts and sparse histogram) into slot `at`. */
export function addAt(s: EdgeSums, at: number, b: Counts & { latency: readonly number[] }): void {
  const o = at * C;
  const c = s.counts;
  c[o]! += b.calls;
  c[o + 1]! += b.errors;
  c[o + 2]! += b.calleeErrors;
  c[o + 3]! += b.propagatedErrors;
  c[o + 4]! += b.traces;
  c[o + 5]! += b.unconsumed;
  if (b.latency.length > 0) s.latency[at] = mergeSparse(s.latency[at]!, b.latency);
  s.has[at] = 1;
}

/** Slot `at` set to a dense window sum (buckets.ts sumWindow); cleared when it is empty. */
export function setFromWindowSum(s: EdgeSums, at: number, scratch: WindowSum): void {
  if (scratch.calls === 0 && scratch.unconsumed === 0) return clearAt(s, at);
  const o = at * C;
  const c = s.counts;
  c[o] = scratch.calls;
  c[o + 1] = scratch.errors;
  c[o + 2] = scratch.calleeErrors;
  c[o + 3] = scratch.propagatedErrors;
  c[o + 4] = scratch.traces;
  c[o + 5] = scratch.unconsumed;
  const bins = [...scratch.touched].sort((a, b) => a - b);
  const latency: number[] = [];
  for (const bin of bins) latency.push(bin, scratch.latency[bin]!);
  s.latency[at] = latency;
  s.has[at] = 1;
}

/** Slot `at` read into `into` (reused by the caller). */
export function readAt(s: EdgeSums, at: number, into: EdgeSum): EdgeSum {
  const o = at * C;
  const c = s.counts;
  into.calls = c[o]!;
  into.errors = c[o + 1]!;
  into.calleeErrors = c[o + 2]!;
  into.propagatedErrors = c[o + 3]!;
  into.traces = c[o + 4]!;
  into.unconsumed = c[o + 5]!;
  into.latency = s.latency[at]!;
  return into;
}

/**
 * Adds (sign 1) or subtracts (sign -1) the buckets of `series` starting in [fromMs, toMs) into
 * slot `at`. Returns whether any bucket was in that strip.
 */
export function applyStripAt(s: EdgeSums, at: number, series: BucketSeries, fromMs: number, toMs: number, sign: 1 | -1): boolean {
  const r = series.rows;
  const c = s.counts;
  const o = at * C;
  let any = false;
  for (let i = series.firstAtOrAfter(fromMs); i < series.length; i++) {
    const b = i * STRIDE;
    if (r[b + R_START]! >= toMs) break;
    c[o]! += sign * r[b + R_CALLS]!;
    c[o + 1]! += sign * r[b + R_ERRORS]!;
    c[o + 2]! += sign * r[b + R_CALLEE_ERRORS]!;
    c[o + 3]! += sign * r[b + R_PROPAGATED]!;
    c[o + 4]! += sign * r[b + R_TRACES]!;
    c[o + 5]! += sign * r[b + R_UNCONSUMED]!;
    const len = r[b + R_LAT_LEN]!;
    if (len > 0) s.latency[at] = mergeSigned(s.latency[at]!, series.pool, r[b + R_LAT_AT]!, len, sign);
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
