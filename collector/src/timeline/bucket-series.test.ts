// The column-wise series against the plainest reference there is: an array of bucket objects,
// merged by start and resolution and kept sorted. Random adds (appends, late inserts, merges that
// grow a histogram in the middle of the pool, so holes and compactions happen) and roll-ups must
// leave both holding the same buckets, and every window must sum alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounts } from '../aggregate/counts.ts';
import { mergeSparse } from '../aggregate/latency-histogram.ts';
import { BucketSeries, type Bucket } from './bucket-series.ts';
import { newWindowSum, sumWindow } from './buckets.ts';
import { applyStripAt, newEdgeSums, readAt, type EdgeSum } from './edge-sum.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, rollupPlan, rolledStart, tiersFor, type RollupPlan } from './tiers.ts';

function referenceAdd(series: Bucket[], b: Bucket): void {
  const at = series.find((x) => x.startMs === b.startMs && x.resMs === b.resMs);
  if (at) {
    addCounts(at, b);
    at.latency = mergeSparse(at.latency, b.latency);
  } else series.push({ ...b, latency: [...b.latency] });
  series.sort((x, y) => x.startMs - y.startMs || x.resMs - y.resMs);
}

function referenceRollUp(series: Bucket[], plan: RollupPlan): Bucket[] {
  const out: Bucket[] = [];
  for (const b of series) {
    const target = rolledStart(b.startMs, b.resMs, plan);
    if (target.startMs + target.resMs > plan.dropBefore) referenceAdd(out, { ...b, ...target });
  }
  return out;
}

const NOW = 40 * DAY_MS;
const sparseArb = fc.uniqueArray(fc.integer({ min: 0, max: 190 }), { maxLength: 6 }).chain((bins) =>
  fc.array(fc.integer({ min: 1, max: 9 }), { minLength: bins.length, maxLength: bins.length })
    .map((counts) => [...bins].sort((a, b) => a - b).flatMap((bin, i) => [bin, counts[i]!])));
const bucketArb = fc.record({
  minutesAgo: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  res: fc.constantFrom(MINUTE_MS, MINUTE_MS, MINUTE_MS, HOUR_MS),
  calls: fc.integer({ min: 0, max: 50 }),
  errors: fc.integer({ min: 0, max: 5 }),
  calleeErrors: fc.integer({ min: 0, max: 3 }),
  latency: sparseArb,
}).map(({ minutesAgo, res, calls, errors, calleeErrors, latency }): Bucket => ({
  startMs: Math.floor((NOW - minutesAgo * MINUTE_MS) / res) * res, resMs: res, calls, errors, calleeErrors,
  propagatedErrors: Math.min(calleeErrors, errors), traces: calls, unconsumed: calls % 3, latency,
}));
const opArb = fc.oneof(
  { weight: 8, arbitrary: bucketArb.map((b) => ({ op: 'add' as const, b })) },
  // Several adds into recent minutes: the merges that grow the newest histograms in place.
  { weight: 2, arbitrary: fc.array(bucketArb.map((b) => ({ ...b, startMs: NOW - (b.startMs % 3) * MINUTE_MS, resMs: MINUTE_MS })), { maxLength: 5 }).map((bs) => ({ op: 'adds' as const, bs })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 * DAY_MS }).map((back) => ({ op: 'rollUp' as const, nowMs: NOW - back })) },
  // A follower's refresh: the minutes from some point on replaced by what Neo4j holds.
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 3 * 24 * 60 }), fc.array(bucketArb.map((b) => ({ ...b, resMs: MINUTE_MS })), { maxLength: 4 }))
    .map(([minutesAgo, fresh]) => ({ op: 'replace' as const, sinceMs: NOW - minutesAgo * MINUTE_MS, fresh })) },
);

describe('a column-wise bucket series', () => {
  it('holds what an array of bucket objects holds, and sums every window alike, through adds, merges, roll-ups and replaced minutes', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.array(fc.tuple(fc.integer({ min: -10, max: 4400 }), fc.integer({ min: 1, max: 2000 })), { maxLength: 6 }), (ops, windows) => {
      let series = new BucketSeries();
      let reference: Bucket[] = [];
      for (const o of ops) {
        if (o.op === 'add') {
          series.add(o.b);
          referenceAdd(reference, o.b);
        } else if (o.op === 'adds') {
          for (const b of o.bs) {
            series.add(b);
            referenceAdd(reference, b);
          }
        } else if (o.op === 'replace') {
          const recent = (b: Bucket) => b.resMs === MINUTE_MS && b.startMs >= o.sinceMs;
          expect(series.totalFrom(o.sinceMs, MINUTE_MS)).toBe(reference.filter(recent).reduce((n, b) => n + b.calls + b.unconsumed, 0));
          const fresh = o.fresh.filter((b) => b.startMs >= o.sinceMs);
          series = series.replacedFrom(o.sinceMs, MINUTE_MS, fresh);
          const kept = reference.filter((b) => !recent(b));
          reference = [];
          for (const b of [...kept, ...fresh]) referenceAdd(reference, b);
        } else {
          const plan = rollupPlan(o.nowMs, tiersFor(2 * DAY_MS));
          series = series.rolledUp(plan);
          reference = referenceRollUp(reference, plan);
        }
      }
      expect([...series]).toEqual(reference);
      expect(series.length).toBe(reference.length);
      for (const [minutesAgo, width] of windows) {
        const fromMs = NOW - minutesAgo * MINUTE_MS;
        const toMs = fromMs + width * MINUTE_MS;
        const inWindow = reference.filter((b) => b.startMs >= fromMs && b.startMs < toMs);
        const sum = newWindowSum();
        sumWindow(series, fromMs, toMs, sum);
        expect(sum.calls).toBe(inWindow.reduce((n, b) => n + b.calls, 0));
        expect(series.hasBucketIn(fromMs, toMs)).toBe(inWindow.length > 0);
        const sums = newEdgeSums(3);
        const read = () => readAt(sums, 2, {} as EdgeSum);
        expect(applyStripAt(sums, 2, series, fromMs, toMs, 1)).toBe(inWindow.length > 0);
        expect([read().calls, read().latency]).toEqual([sum.calls, inWindow.reduce<number[]>((h, b) => mergeSparse(h, b.latency), [])]);
        applyStripAt(sums, 2, series, fromMs, toMs, -1);
        expect([read().calls, read().errors, read().latency]).toEqual([0, 0, []]);
        expect(read().calls + readAt(sums, 1, {} as EdgeSum).calls).toBe(0);
      }
      const failed = reference.findLastIndex((b) => b.calleeErrors > 0);
      expect(series.newestWithCalleeErrors()).toBe(failed);
    }), { numRuns: 300 });
  });

  it('is built from buckets in any order, and gives each back as a copy', () => {
    const b = (minute: number, calls: number, latency: number[]): Bucket =>
      ({ startMs: minute * MINUTE_MS, resMs: MINUTE_MS, calls, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: calls, unconsumed: 0, latency });
    const series = BucketSeries.of([b(3, 1, [5, 1]), b(1, 2, [4, 2]), b(3, 4, [5, 3, 7, 1])]);
    expect([...series].map((x) => [x.startMs / MINUTE_MS, x.calls, x.latency])).toEqual([[1, 2, [4, 2]], [3, 5, [5, 4, 7, 1]]]);
    series.at(0).latency.push(9, 9);
    expect(series.at(0).latency).toEqual([4, 2]);
    expect(series.bytes()).toBeGreaterThan(0);
  });
});
