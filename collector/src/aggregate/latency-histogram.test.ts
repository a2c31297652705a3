import { describe, expect, it } from 'vitest';
import { addSample, addSparseSample, bucketOf, bucketValueMs, denseCounts, mergeCounts, quantileMs, type LatencyCounts } from './latency-histogram.ts';

describe('latency histogram', () => {
  it('reports quantiles within 5% of the true value', () => {
    const counts: LatencyCounts = [];
    const samples = Array.from({ length: 1000 }, (_, i) => (i + 1) * 3.7); // 3.7 ms .. 3700 ms
    for (const s of samples) addSample(counts, s);
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = samples[Math.ceil(q * samples.length) - 1]!;
      expect(Math.abs(quantileMs(counts, q)! - truth) / truth).toBeLessThan(0.05);
    }
  });

  it('merges in any order to the same histogram', () => {
    const a: LatencyCounts = [];
    const b: LatencyCounts = [];
    [1, 5, 900].forEach((s) => addSample(a, s));
    [2, 2000].forEach((s) => addSample(b, s));
    const ab = mergeCounts([...a], b);
    const ba = mergeCounts([...b], a);
    expect(ab).toEqual(ba);
    expect(ab.reduce((x, y) => x + y, 0)).toBe(5);
  });

  it('keeps sub-bucket and hour-long calls in the end buckets', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.01)).toBe(0);
    expect(bucketOf(1e12)).toBe(190);
    expect(bucketValueMs(bucketOf(8000)) / 8000).toBeGreaterThan(0.95);
    expect(quantileMs([], 0.5)).toBeUndefined();
  });

  it('keeps sparse histograms that read back as the dense ones', () => {
    const dense: number[] = [];
    const pairs: number[] = [];
    for (const ms of [3, 3, 120, 0.01, 45, 3]) {
      addSample(dense, ms);
      addSparseSample(pairs, ms);
    }
    expect(denseCounts(pairs)).toEqual(dense);
    expect(pairs.length).toBe(8); // four bins touched
  });
});
