// A mergeable latency histogram with fixed, exponentially growing buckets (like an OTel
// exponential histogram at a fixed scale). Fixed boundaries make merges element-wise sums,
// so they are commutative and associative: several collectors can add into the same edge in
// Neo4j in any order. Each bucket is 10% wider than the last, so a quantile read from it is
// within ±5% of the true value.

/** Upper bound of bucket 0, in milliseconds; faster calls all land there. */
export const HISTOGRAM_MIN_MS = 0.05;
export const HISTOGRAM_GROWTH = 1.1;
/** 0.05 ms · 1.1^190 ≈ 3.6 × 10^6 ms ≈ 1 hour; slower calls land in the last bucket. */
export const HISTOGRAM_BUCKETS = 191;

const LOG_GROWTH = Math.log(HISTOGRAM_GROWTH);

export function bucketOf(durationMs: number): number {
  if (!(durationMs > HISTOGRAM_MIN_MS)) return 0;
  const index = Math.ceil(Math.log(durationMs / HISTOGRAM_MIN_MS) / LOG_GROWTH - 1e-9);
  return Math.min(HISTOGRAM_BUCKETS - 1, index);
}

/** The value a quantile in bucket i reports: the bucket's geometric midpoint. */
export function bucketValueMs(index: number): number {
  if (index === 0) return HISTOGRAM_MIN_MS;
  return HISTOGRAM_MIN_MS * Math.pow(HISTOGRAM_GROWTH, index - 0.5);
}

/** Counts per bucket, trimmed after the last non-empty bucket. */
export type LatencyCounts = number[];

export function addSample(counts: LatencyCounts, durationMs: number): void {
  const index = bucketOf(durationMs);
  while (counts.length <= index) counts.push(0);
  counts[index]!++;
}

/** Adds a sample to a sparse histogram ([bin, count, ...], bins ascending): a minute touches a few bins of 191. */
export function addSparseSample(pairs: number[], durationMs: number): void {
  const bin = bucketOf(durationMs);
  let i = 0;
  while (i < pairs.length && pairs[i]! < bin) i += 2;
  if (i < pairs.length && pairs[i] === bin) pairs[i + 1]!++;
  else pairs.splice(i, 0, bin, 1);
}

/** Sparse pairs as the dense counts Neo4j merges element-wise. */
export function denseCounts(pairs: readonly number[]): LatencyCounts {
  const out: LatencyCounts = [];
  for (let i = 0; i < pairs.length; i += 2) {
    while (out.length < pairs[i]!) out.push(0);
    out[pairs[i]!] = pairs[i + 1]!;
  }
  return out;
}

export function mergeCounts(into: LatencyCounts, from: readonly number[]): LatencyCounts {
  while (into.length < from.length) into.push(0);
  for (let i = 0; i < from.length; i++) into[i]! += from[i]!;
  return into;
}

/** The q-quantile (0 < q ≤ 1) in ms, or undefined for an empty histogram. */
export function quantileMs(counts: readonly number[], q: number): number | undefined {
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return undefined;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return bucketValueMs(i);
  }
  return bucketValueMs(counts.length - 1);
}

/** Two sparse histograms ([bin, count, ...], bins ascending) as one. */
export function mergeSparse(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) {
      out.push(a[i]!, a[i + 1]!);
      i += 2;
    } else if (i >= a.length || b[j]! < a[i]!) {
      out.push(b[j]!, b[j + 1]!);
      j += 2;
    } else {
      out.push(a[i]!, a[i + 1]! + b[j + 1]!);
      i += 2;
      j += 2;
    }
  }
  return out;
}
