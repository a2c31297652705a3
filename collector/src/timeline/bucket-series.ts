// One series of time buckets (a dependency's, a component's or a workflow's), kept sorted by
// start and resolution, held column-wise in typed arrays rather than as an object per bucket. At
// 20,000 dependencies a day of minutes is tens of millions of buckets: as objects (each with its
// own histogram array) every major garbage collection walked all of them, 50-110 ms a time at
// 1.3 million, which was most of the map query's p95. Typed arrays hold no pointers, so the
// collector never looks inside them. Pure.
//
// Layout: `rows` holds STRIDE numbers per bucket (see the R_* offsets); `pool` holds the sparse
// latency histograms ([bin, count, bin, count, ...], bins ascending), each bucket's pairs
// contiguous at its row's R_LAT_AT. A merge that grows a histogram moves it to the end of the
// pool; the holes left are compacted away once they are half the pool.
import type { Counts } from '../aggregate/counts.ts';
import { mergeSparse } from '../aggregate/latency-histogram.ts';
import { rolledStart, type RollupPlan } from './tiers.ts';

/** A bucket as an object: what goes in and what a reader that wants one (tests, the follower) gets out. */
export interface Bucket extends Counts {
  startMs: number;
  resMs: number;
  /** Sparse histogram: bin indexes ascending, each followed by its count. */
  latency: number[];
}

/** What a bucket is added from (the aggregator's minute buckets carry no resolution of their own). */
export type BucketInput = Counts & { startMs: number; resMs: number; latency: readonly number[] };

export const R_START = 0;
export const R_RES = 1;
export const R_CALLS = 2;
export const R_ERRORS = 3;
export const R_CALLEE_ERRORS = 4;
export const R_PROPAGATED = 5;
export const R_TRACES = 6;
export const R_UNCONSUMED = 7;
/** Where the bucket's pairs start in `pool`, and how many numbers (2 per bin) they take. */
export const R_LAT_AT = 8;
export const R_LAT_LEN = 9;
export const STRIDE = 10;

export class BucketSeries {
  length = 0;
  rows: Float64Array;
  pool: Float64Array;
  /** Numbers of `pool` in use, holes included; and without them. */
  private poolUsed = 0;
  private poolLive = 0;

  constructor(capacity = 2, poolCapacity = capacity * 8) {
    this.rows = new Float64Array(Math.max(1, capacity) * STRIDE);
    this.pool = new Float64Array(Math.max(8, poolCapacity));
  }

  /** A series of these buckets, in any order (buckets of one start and resolution merge). */
  static of(buckets: Iterable<BucketInput>): BucketSeries {
    // Sorted first, so each add is an append rather than an insert shifting the rows after it.
    const sorted = [...buckets].sort((a, b) => a.startMs - b.startMs || a.resMs - b.resMs);
    const s = new BucketSeries(sorted.length, sorted.reduce((n, b) => n + b.latency.length, 0));
    for (const b of sorted) s.add(b);
    return s;
  }

  startMs(i: number): number {
    return this.rows[i * STRIDE + R_START]!;
  }

  resMs(i: number): number {
    return this.rows[i * STRIDE + R_RES]!;
  }

  /** Bucket `i` as an object (a copy). */
  at(i: number): Bucket {
    const r = this.rows;
    const o = i * STRIDE;
    const at = r[o + R_LAT_AT]!;
    return {
      startMs: r[o + R_START]!, resMs: r[o + R_RES]!, calls: r[o + R_CALLS]!, errors: r[o + R_ERRORS]!, calleeErrors: r[o + R_CALLEE_ERRORS]!,
      propagatedErrors: r[o + R_PROPAGATED]!, traces: r[o + R_TRACES]!, unconsumed: r[o + R_UNCONSUMED]!,
      latency: Array.from(this.pool.subarray(at, at + r[o + R_LAT_LEN]!)),
    };
  }

  *[Symbol.iterator](): IterableIterator<Bucket> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** Adds a bucket: merged into the one of the same start and resolution, or inserted in order. */
  add(b: BucketInput): void {
    const i = this.positionOf(b.startMs, b.resMs);
    const o = i * STRIDE;
    const r = this.rows;
    if (i < this.length && r[o + R_START] === b.startMs && r[o + R_RES] === b.resMs) {
      r[o + R_CALLS]! += b.calls;
      r[o + R_ERRORS]! += b.errors;
      r[o + R_CALLEE_ERRORS]! += b.calleeErrors;
      r[o + R_PROPAGATED]! += b.propagatedErrors;
      r[o + R_TRACES]! += b.traces;
      r[o + R_UNCONSUMED]! += b.unconsumed;
      if (b.latency.length > 0) this.mergeLatency(o, b.latency);
      return;
    }
    this.insertRow(i);
    const w = this.rows;
    w[o + R_START] = b.startMs;
    w[o + R_RES] = b.resMs;
    w[o + R_CALLS] = b.calls;
    w[o + R_ERRORS] = b.errors;
    w[o + R_CALLEE_ERRORS] = b.calleeErrors;
    w[o + R_PROPAGATED] = b.propagatedErrors;
    w[o + R_TRACES] = b.traces;
    w[o + R_UNCONSUMED] = b.unconsumed;
    const at = this.reserve(b.latency.length);
    for (let k = 0; k < b.latency.length; k++) this.pool[at + k] = b.latency[k]!;
    w[o + R_LAT_AT] = at;
    w[o + R_LAT_LEN] = b.latency.length;
  }

  /**
   * The index of the first bucket starting at or after `fromMs`, searched from the newest end
   * outwards (1, 2, 4, ... back), then by halves: windows are mostly recent, so the probes land on
   * buckets the caller reads anyway.
   */
  firstAtOrAfter(fromMs: number): number {
    const r = this.rows;
    let hi = this.length;
    let step = 1;
    while (hi - step >= 0 && r[(hi - step) * STRIDE + R_START]! >= fromMs) {
      hi -= step;
      step *= 2;
    }
    let lo = Math.max(0, hi - step);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid * STRIDE + R_START]! < fromMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether a bucket starts in [fromMs, toMs). */
  hasBucketIn(fromMs: number, toMs: number): boolean {
    const i = this.firstAtOrAfter(fromMs);
    return i < this.length && this.rows[i * STRIDE + R_START]! < toMs;
  }

  /** The series after roll-up and retention (old minutes summed into hours, old hours into days, expired dropped); itself when nothing aged. */
  rolledUp(plan: RollupPlan): BucketSeries {
    if (!this.needsRollUp(plan)) return this;
    const out = new BucketSeries(this.length, this.poolLive);
    for (let i = 0; i < this.length; i++) {
      const target = rolledStart(this.startMs(i), this.resMs(i), plan);
      if (target.startMs + target.resMs <= plan.dropBefore) continue;
      out.add({ ...this.at(i), startMs: target.startMs, resMs: target.resMs });
    }
    return out;
  }

  /** A copy without its buckets of resolution `resMs` starting at or after `sinceMs`, with `fresh` added instead. */
  replacedFrom(sinceMs: number, resMs: number, fresh: readonly BucketInput[]): BucketSeries {
    const out = new BucketSeries(this.length + fresh.length, this.poolLive);
    for (let i = 0; i < this.length; i++) {
      const o = i * STRIDE;
      if (this.rows[o + R_RES] === resMs && this.rows[o + R_START]! >= sinceMs) continue;
      const at = this.rows[o + R_LAT_AT]!;
      const len = this.rows[o + R_LAT_LEN]!;
      const to = out.reserve(len);
      out.pool.set(this.pool.subarray(at, at + len), to);
      out.rows.set(this.rows.subarray(o, o + STRIDE), out.length * STRIDE);
      out.rows[out.length * STRIDE + R_LAT_AT] = to;
      out.length++;
    }
    for (const b of [...fresh].sort((x, y) => x.startMs - y.startMs || x.resMs - y.resMs)) out.add(b);
    return out;
  }

  /** Calls and unconsumed messages of the buckets of resolution `resMs` starting at or after `sinceMs`. */
  totalFrom(sinceMs: number, resMs: number): number {
    let total = 0;
    for (let i = this.firstAtOrAfter(sinceMs); i < this.length; i++) {
      const o = i * STRIDE;
      if (this.rows[o + R_RES] === resMs) total += this.rows[o + R_CALLS]! + this.rows[o + R_UNCONSUMED]!;
    }
    return total;
  }

  /** The newest bucket in which the callee failed (calleeErrors > 0), or -1. */
  newestWithCalleeErrors(): number {
    for (let i = this.length - 1; i >= 0; i--) if (this.rows[i * STRIDE + R_CALLEE_ERRORS]! > 0) return i;
    return -1;
  }

  /** Bytes the series' arrays take (capacity included), for the benchmark's memory figure. */
  bytes(): number {
    return this.rows.byteLength + this.pool.byteLength;
  }

  private needsRollUp(plan: RollupPlan): boolean {
    for (let i = 0; i < this.length; i++) {
      const start = this.startMs(i);
      const res = this.resMs(i);
      if (start + res <= plan.dropBefore) return true;
      if (rolledStart(start, res, plan).resMs !== res) return true;
      // Sorted by start: from here on every bucket is younger than any cutoff.
      if (start >= plan.minutesBefore) return false;
    }
    return false;
  }

  /** Where a bucket of this start and resolution is or would go. Appends (the common case) are checked first. */
  private positionOf(startMs: number, resMs: number): number {
    const r = this.rows;
    const n = this.length;
    const before = (i: number) => r[i * STRIDE + R_START]! < startMs || (r[i * STRIDE + R_START] === startMs && r[i * STRIDE + R_RES]! < resMs);
    if (n === 0 || before(n - 1)) return n;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(mid)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertRow(i: number): void {
    if ((this.length + 1) * STRIDE > this.rows.length) {
      const grown = new Float64Array(Math.max(4, this.length * 2) * STRIDE);
      grown.set(this.rows.subarray(0, this.length * STRIDE));
      this.rows = grown;
    }
    if (i < this.length) this.rows.copyWithin((i + 1) * STRIDE, i * STRIDE, this.length * STRIDE);
    this.length++;
  }

  /** Room for `n` numbers at the end of the pool; returns where. */
  private reserve(n: number): number {
    if (this.poolUsed + n > this.pool.length) {
      if (this.poolUsed - this.poolLive > this.poolLive) this.compact();
      if (this.poolUsed + n > this.pool.length) {
        const grown = new Float64Array(Math.max(this.pool.length * 2, this.poolUsed + n));
        grown.set(this.pool.subarray(0, this.poolUsed));
        this.pool = grown;
      }
    }
    const at = this.poolUsed;
    this.poolUsed += n;
    this.poolLive += n;
    return at;
  }

  /** Merges sparse pairs into the histogram of the bucket whose row starts at `o`. */
  private mergeLatency(o: number, pairs: readonly number[]): void {
    const r = this.rows;
    const at = r[o + R_LAT_AT]!;
    const len = r[o + R_LAT_LEN]!;
    const merged = mergeSparse(this.pool.subarray(at, at + len), pairs);
    const grow = merged.length - len;
    let to = at;
    if (grow > 0 && at + len === this.poolUsed && this.poolUsed + grow <= this.pool.length) {
      // The newest histogram in the pool (the bucket of the current minute): it grows where it is.
      this.poolUsed += grow;
      this.poolLive += grow;
    } else if (grow > 0) {
      // Its old place becomes a hole (a compaction inside reserve skips it).
      r[o + R_LAT_LEN] = 0;
      this.poolLive -= len;
      to = this.reserve(merged.length);
    }
    for (let k = 0; k < merged.length; k++) this.pool[to + k] = merged[k]!;
    this.rows[o + R_LAT_AT] = to;
    this.rows[o + R_LAT_LEN] = merged.length;
  }

  /** Rewrites the pool without holes, in row order. */
  private compact(): void {
    const fresh = new Float64Array(Math.max(8, this.poolLive * 2));
    let used = 0;
    for (let i = 0; i < this.length; i++) {
      const o = i * STRIDE;
      const at = this.rows[o + R_LAT_AT]!;
      const len = this.rows[o + R_LAT_LEN]!;
      fresh.set(this.pool.subarray(at, at + len), used);
      this.rows[o + R_LAT_AT] = used;
      used += len;
    }
    this.pool = fresh;
    this.poolUsed = this.poolLive = used;
  }
}
