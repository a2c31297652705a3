import { describe, expect, it } from 'vitest';
import type { ComponentDelta, DependencyDelta, GraphDelta, WorkflowDelta } from '../aggregate/graph-aggregator.ts';
import { isTransactionTooLarge, rowsOf, splitDelta } from './split-delta.ts';

const component = (name: string, minutes: number): ComponentDelta => ({
  name, kind: 'SERVICE', virtual: false, namespace: undefined, environment: undefined, versions: [], firstSeenMs: 0, lastSeenMs: 0, entryPoint: false,
  buckets: Array.from({ length: minutes }, (_, i) => ({ startMs: i * 60_000, spans: 1, errors: 0 }) as unknown as ComponentDelta['buckets'][number]),
  versionSightings: [],
});
const dependency = (from: string, to: string, minutes: number): DependencyDelta => ({
  from, to, kind: 'SYNC', protocol: 'http', operation: undefined, calls: minutes, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: minutes,
  latency: [] as unknown as DependencyDelta['latency'], firstSeenMs: 0, lastSeenMs: 0, exemplarTraceIds: [], unconsumed: 0,
  buckets: Array.from({ length: minutes }, (_, i) => ({ startMs: i * 60_000, calls: 1 }) as unknown as DependencyDelta['buckets'][number]),
});
const workflow = (key: string, minutes: number): WorkflowDelta => ({
  key, entry: key, operation: 'GET', runs: minutes, failedRuns: 0, manualRuns: 0, unhandled: [], exemplarTraceIds: [], lastSeenMs: 0,
  buckets: Array.from({ length: minutes }, (_, i) => ({ startMs: i * 60_000, runs: 1, failedRuns: 0, manualRuns: 0, unhandled: [{ key: 'p', count: 1 }] })),
});

const backlog: GraphDelta = {
  components: [component('a', 120), component('b', 120)],
  dependencies: Array.from({ length: 50 }, (_, i) => dependency('a', `peer-${i}`, 120)),
  workflows: [workflow('a GET', 120)],
};

describe('cutting a backlog into transactions', () => {
  it('leaves a delta that fits whole', () => {
    expect(splitDelta(backlog, rowsOf(backlog))).toEqual([backlog]);
  });

  it('keeps every entity once and whole, components first, each piece within the bound', () => {
    const pieces = splitDelta(backlog, 1000);
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces) expect(rowsOf(piece)).toBeLessThanOrEqual(1000);
    expect(pieces.flatMap((p) => p.components)).toEqual(backlog.components);
    expect(pieces.flatMap((p) => p.dependencies)).toEqual(backlog.dependencies);
    expect(pieces.flatMap((p) => p.workflows)).toEqual(backlog.workflows);
    // Dependencies MATCH their components: no dependency is written before the last component.
    const lastComponentPiece = pieces.findLastIndex((p) => p.components.length > 0);
    const firstDependencyPiece = pieces.findIndex((p) => p.dependencies.length > 0);
    expect(firstDependencyPiece).toBeGreaterThanOrEqual(lastComponentPiece);
  });

  it('gives an entity larger than the bound a piece of its own rather than cutting it', () => {
    const pieces = splitDelta({ components: [], dependencies: [dependency('a', 'b', 500), dependency('a', 'c', 1)], workflows: [] }, 100);
    expect(pieces.map((p) => p.dependencies.map((d) => d.to))).toEqual([['b'], ['c']]);
  });

  it("recognises Neo4j's transaction memory refusal", () => {
    expect(isTransactionTooLarge({ code: 'Neo.TransientError.General.MemoryPoolOutOfMemoryError', message: '' })).toBe(true);
    expect(isTransactionTooLarge({ message: 'The allocation of an extra 20.9 MiB would use more than the limit 716.8 MiB. dbms.memory.transaction.total.max threshold reached' })).toBe(true);
    expect(isTransactionTooLarge({ code: 'Neo.TransientError.Transaction.DeadlockDetected', message: 'deadlock' })).toBe(false);
    expect(isTransactionTooLarge(new Error('connect ECONNREFUSED'))).toBe(false);
  });
});
