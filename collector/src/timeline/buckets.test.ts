import { describe, expect, it } from 'vitest';
import { quantileMs } from '../aggregate/latency-histogram.ts';
import { BucketSeries, dense, newWindowSum, resetWindowSum, sparse, sumWindow, windowQuantileMs, windowQuantilesMs, type Bucket } from './buckets.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, rollupPlan, tiersFor } from './tiers.ts';

const bucket = (startMs: number, calls: number, latency: number[] = [], resMs = MINUTE_MS): Bucket => ({
  startMs, resMs, calls, errors: calls > 1 ? 1 : 0, calleeErrors: 0, propagatedErrors: 0, traces: calls, unconsumed: 0, latency: sparse(latency),
});

describe('time buckets', () => {
  it('keeps histograms sparse and merges buckets of one minute, in start order', () => {
    expect(sparse([0, 0, 3, 0, 1])).toEqual([2, 3, 4, 1]);
    expect(dense([2, 3, 4, 1])).toEqual([0, 0, 3, 0, 1]);
    const series = new BucketSeries();
    series.add(bucket(2 * MINUTE_MS, 1, [0, 1]));
    series.add(bucket(0, 2, [1]));
    series.add(bucket(2 * MINUTE_MS, 2, [0, 2, 1]));
    expect([...series].map((b) => [b.startMs / MINUTE_MS, b.calls, dense(b.latency)])).toEqual([[0, 2, [1]], [2, 3, [0, 3, 1]]]);
  });

  it('sums the buckets starting inside a window, with quantiles from the merged histogram', () => {
    const series = new BucketSeries();
    for (let m = 0; m < 10; m++) series.add(bucket(m * MINUTE_MS, 1, m < 9 ? [0, 0, 0, 1] : [...Array(40).fill(0), 1]));
    const sum = newWindowSum();
    sumWindow(series, 5 * MINUTE_MS, 10 * MINUTE_MS, sum);
    expect([sum.calls, sum.resMs]).toEqual([5, MINUTE_MS]);
    expect(windowQuantileMs(sum, 0.5)).toBeLessThan(windowQuantileMs(sum, 0.99)!);
    resetWindowSum(sum);
    sumWindow(series, 0, 2 * MINUTE_MS, sum);
    expect(sum.calls).toBe(2);
    expect(Array.from(sum.latency).reduce((a, b) => a + b, 0)).toBe(2); // the scratch was cleared
  });

  it('sums exactly the buckets starting in any window, whatever the length of the series (the search from the newest end)', () => {
    for (let length = 0; length < 40; length++) {
      const series = new BucketSeries();
      for (let m = 0; m < length; m++) series.add(bucket(m * 3 * MINUTE_MS, m + 1));
      for (let from = -1; from <= length * 3 + 1; from++) {
        for (const width of [1, 4, 30, 1000]) {
          const sum = newWindowSum();
          sumWindow(series, from * MINUTE_MS, (from + width) * MINUTE_MS, sum);
          const expected = [...series].filter((b) => b.startMs >= from * MINUTE_MS && b.startMs < (from + width) * MINUTE_MS).reduce((n, b) => n + b.calls, 0);
          expect(sum.calls, `length ${length}, window [${from}, ${from + width}) min`).toBe(expected);
        }
      }
    }
  });

  it('rolls minutes older than a day into hours and hours older than 30 days into days, and drops past the retention', () => {
    const now = 100 * DAY_MS + 30 * MINUTE_MS;
    const plan = rollupPlan(now, tiersFor(90 * DAY_MS));
    const series = new BucketSeries();
    series.add(bucket(now - 2 * DAY_MS, 1)); // -> its hour
    series.add(bucket(now - 2 * DAY_MS + MINUTE_MS, 2)); // same hour
    series.add(bucket(now - 10 * MINUTE_MS, 4)); // stays a minute
    series.add(bucket(now - 40 * DAY_MS, 8, [], HOUR_MS)); // -> its day
    series.add(bucket(now - 91 * DAY_MS, 16, [], DAY_MS)); // dropped
    const rolled = series.rolledUp(plan);
    expect([...rolled].map((b) => [b.resMs, b.calls])).toEqual([[DAY_MS, 8], [HOUR_MS, 3], [MINUTE_MS, 4]]);
    expect(rolled.rolledUp(plan)).toBe(rolled); // nothing left to do: the same series
  });

  it('reads the same quantiles in one pass as from the dense histogram', () => {
    const series = new BucketSeries();
    const all: number[] = [];
    for (let m = 0; m < 30; m++) {
      const counts = Array.from({ length: 60 }, (_, i) => ((m * 7 + i * 13) % 11 === 0 ? (m % 5) + 1 : 0));
      counts.forEach((c, i) => { all[i] = (all[i] ?? 0) + c; });
      series.add(bucket(m * MINUTE_MS, 1, counts));
    }
    const sum = newWindowSum();
    sumWindow(series, 0, 30 * MINUTE_MS, sum);
    expect(windowQuantilesMs(sum, [0.5, 0.95, 0.99])).toEqual([0.5, 0.95, 0.99].map((q) => quantileMs(all.map((c) => c ?? 0), q)));
  });
});
