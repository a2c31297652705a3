// The six sums every dependency keeps, lifetime and per bucket: in the aggregator's deltas, the
// delta buffer, the read model's buckets and Neo4j's. Summing is how they all merge (commutative:
// collectors, retries and roll-ups add up in any order).
import { mergeCounts } from './latency-histogram.ts';

export interface Counts {
  calls: number;
  errors: number;
  calleeErrors: number;
  propagatedErrors: number;
  traces: number;
  unconsumed: number;
}

export const zeroCounts = (): Counts => ({ calls: 0, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: 0, unconsumed: 0 });

export function addCounts(into: Counts, from: Counts): void {
  into.calls += from.calls;
  into.errors += from.errors;
  into.calleeErrors += from.calleeErrors;
  into.propagatedErrors += from.propagatedErrors;
  into.traces += from.traces;
  into.unconsumed += from.unconsumed;
}

/** Trace ids kept per dependency or workflow as examples to open: the newest few. */
export const MAX_EXEMPLARS = 5;

/** Newer exemplars first, each once, at most MAX_EXEMPLARS. */
export function mergeExemplars(newer: readonly string[], older: readonly string[]): string[] {
  return [...newer, ...older.filter((t) => !newer.includes(t))].slice(0, MAX_EXEMPLARS);
}

/** What a dependency keeps over its whole life, wherever it is merged (delta buffer, read model). */
export interface LifetimeTotals extends Counts {
  /** Dense latency histogram. */
  latency: number[];
  firstSeenMs: number;
  lastSeenMs: number;
  operation: string | undefined;
  exemplarTraceIds: string[];
}

/** Adds a newer delta's lifetime totals: sums, the widest first/last seen, its operation and exemplars first. */
export function mergeLifetime(into: LifetimeTotals, d: LifetimeTotals): void {
  addCounts(into, d);
  mergeCounts(into.latency, d.latency);
  into.firstSeenMs = Math.min(into.firstSeenMs, d.firstSeenMs);
  into.lastSeenMs = Math.max(into.lastSeenMs, d.lastSeenMs);
  into.operation = d.operation ?? into.operation;
  into.exemplarTraceIds = mergeExemplars(d.exemplarTraceIds, into.exemplarTraceIds);
}
