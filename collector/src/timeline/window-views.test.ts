// The window views against the plain sum: whatever order publishes, late minutes, roll-ups and
// asked windows come in, a window kept, slid or summed answers what summing its buckets answers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGraphAggregator } from '../aggregate/graph-aggregator.ts';
import { newWindowSum, resetWindowSum, sumWindow, windowQuantilesMs } from './buckets.ts';
import { addAt, applyStripAt, newEdgeSums, readAt, sparseQuantilesMs, type EdgeSum } from './edge-sum.ts';
import { BucketSeries } from './bucket-series.ts';
import { createReadModel, type ReadModel } from './read-model.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, tiersFor } from './tiers.ts';
import type { ResolvedWindow } from './time-window.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');

type Op =
  | { op: 'publish'; calls: Array<{ from: number; to: number; minutesAgo: number; ms: number; error: boolean }> }
  | { op: 'ask'; minutesAgo: number; lengthMinutes: number }
  | { op: 'rollUp'; hoursLater: number }
  | { op: 'replace'; edge: number; keepBeforeMinutesAgo: number; extraMinutesAgo: number };

function publish(model: ReadModel, calls: Extract<Op, { op: 'publish' }>['calls']): void {
  const aggregator = createGraphAggregator({ maxDependencies: 1000, maxComponents: 1000, clock: () => NOW });
  for (const c of calls) {
    const at = NOW - c.minutesAgo * MINUTE_MS + 1000;
    aggregator.addSighting({ name: `svc-${c.from}`, kind: 'SERVICE', virtual: false, namespace: undefined, version: '1', environment: undefined, timeUnixMs: at, entryPoint: false });
    aggregator.addInteraction({
      from: { name: `svc-${c.from}`, kind: 'SERVICE', virtual: false }, to: { name: `svc-${c.to}`, kind: 'SERVICE', virtual: false }, kind: 'SYNC', protocol: 'http',
      operation: 'GET /', traceId: `${c.from}-${c.to}-${at}`, timeUnixMs: at, durationMs: c.ms, callerError: c.error, calleeError: c.error,
    });
  }
  model.applyDelta(aggregator.drain());
}

/** What the window answers when every dependency's buckets are summed afresh. */
function expected(model: ReadModel, window: ResolvedWindow): string[] {
  const sum = newWindowSum();
  const out: string[] = [];
  for (const e of model.allEdges()) {
    resetWindowSum(sum);
    sumWindow(e.buckets, window.fromMs, window.toMs, sum);
    if (sum.calls === 0) continue;
    // The answer's rate is over the minutes the window is summed from; its lifetime facts are those of now.
    const fromMs = Math.floor(window.fromMs / MINUTE_MS) * MINUTE_MS;
    const toMs = Math.ceil(window.toMs / MINUTE_MS) * MINUTE_MS;
    const perMinute = sum.calls / Math.max(1, (toMs - fromMs) / MINUTE_MS);
    out.push(`${e.key} ${sum.calls}/${sum.errors}/${sum.traces} p95=${windowQuantilesMs(sum, [0.95])[0]} ${perMinute}/min last seen ${e.lastSeenMs}`);
  }
  return out.sort();
}

/** Ends of the window's dependencies and components that sent spans in it, by name. */
function expectedActive(model: ReadModel, window: ResolvedWindow): string[] {
  const names = new Set<string>();
  for (const d of model.dependencies(window)) names.add(d.from).add(d.to);
  for (const c of model.allComponents()) if ([...c.buckets].some((b) => b.startMs >= window.fromMs && b.startMs < window.toMs)) names.add(c.name);
  return [...names].sort();
}

const describeEdge = (d: ReturnType<ReadModel['dependencies']>[number]) =>
  `${d.key} ${d.calls}/${d.errors}/${d.traces} p95=${d.p95Ms} ${d.callsPerMinute}/min last seen ${d.lastSeenMs}`;

/** The window's answers; its index (Component.dependsOn) must hold the same answers, by each end. */
function answered(model: ReadModel, window: ResolvedWindow): string[] {
  const list = model.dependencies(window).map(describeEdge).sort();
  const index = model.dependencyIndex(window);
  const byFrom = [...index.values()].flatMap((entry) => entry.out.map(describeEdge)).sort();
  const byTo = [...index.values()].flatMap((entry) => entry.in.map(describeEdge)).sort();
  expect(byFrom).toEqual(list);
  expect(byTo).toEqual(list);
  return list;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({
    op: fc.constant('publish' as const),
    calls: fc.array(fc.record({
      from: fc.integer({ min: 0, max: 4 }), to: fc.integer({ min: 0, max: 4 }), minutesAgo: fc.integer({ min: 0, max: 180 }),
      ms: fc.integer({ min: 1, max: 2000 }), error: fc.boolean(),
    }), { minLength: 1, maxLength: 8 }),
  }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('ask' as const), minutesAgo: fc.integer({ min: 0, max: 200 }), lengthMinutes: fc.integer({ min: 1, max: 120 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rollUp' as const), hoursLater: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({
    op: fc.constant('replace' as const), edge: fc.nat(), keepBeforeMinutesAgo: fc.integer({ min: 0, max: 180 }), extraMinutesAgo: fc.integer({ min: 0, max: 180 }),
  }) },
);

/** A follower's refresh: the edge's buckets from some minute on replaced by what "Neo4j" holds (here: dropped, plus one new minute). */
function replace(model: ReadModel, o: Extract<Op, { op: 'replace' }>): void {
  const all = [...model.allEdges()];
  const e = all[o.edge % Math.max(1, all.length)];
  if (!e) return;
  const cut = NOW - o.keepBeforeMinutesAgo * MINUTE_MS;
  const startMs = Math.floor((NOW - o.extraMinutesAgo * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  const kept = [...e.buckets].filter((b) => b.startMs < cut && b.startMs !== startMs);
  kept.push({ startMs, resMs: MINUTE_MS, calls: 3, errors: 1, calleeErrors: 1, propagatedErrors: 0, traces: 2, unconsumed: 0, latency: [40, 3] });
  model.replaceEdgeBuckets(e, BucketSeries.of(kept));
  model.refreshed();
}

describe('window views', () => {
  it('answer every window as the plain sum of its buckets, through publishes, slides, roll-ups and replaced series', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
      const model = createReadModel({ tiers: tiersFor(30 * DAY_MS) });
      const asked: ResolvedWindow[] = [];
      for (const o of ops) {
        if (o.op === 'publish') publish(model, o.calls);
        else if (o.op === 'rollUp') model.rollUp(NOW + o.hoursLater * HOUR_MS);
        else if (o.op === 'replace') replace(model, o);
        else {
          const toMs = NOW - o.minutesAgo * MINUTE_MS;
          const window = { fromMs: toMs - o.lengthMinutes * MINUTE_MS, toMs, all: false };
          asked.push(window);
          expect(answered(model, window)).toEqual(expected(model, window));
          expect(model.activeComponents(window).map((c) => c.name)).toEqual(expectedActive(model, window));
        }
        // Windows asked before stay right after what came since.
        for (const window of asked.slice(-3)) {
          expect(answered(model, window)).toEqual(expected(model, window));
          expect(model.activeComponents(window).map((c) => c.name)).toEqual(expectedActive(model, window));
        }
      }
    }), { numRuns: 150 });
  });

  it('slides the live hour minute by minute instead of summing it again, and lists components active in it', () => {
    const model = createReadModel({ tiers: tiersFor(30 * DAY_MS) });
    for (let m = 90; m >= 0; m--) publish(model, [{ from: 0, to: (m % 3) + 1, minutesAgo: m, ms: 5, error: false }]);
    const hour = (minutesLater: number) => ({ fromMs: NOW - HOUR_MS + minutesLater * MINUTE_MS, toMs: NOW + MINUTE_MS + minutesLater * MINUTE_MS, all: false });
    model.dependencies(hour(0));
    for (let m = 1; m <= 5; m++) {
      publish(model, [{ from: 4, to: 0, minutesAgo: -m, ms: 5, error: false }]);
      expect(answered(model, hour(m))).toEqual(expected(model, hour(m)));
    }
    expect(model.windowStats()).toMatchObject({ summed: 1, slid: 5 });
    expect(model.activeComponents(hour(5)).map((c) => c.name)).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4']);
  });

  it('remembers what each version changed, and says when a version is too old to tell', () => {
    const model = createReadModel({ tiers: tiersFor(30 * DAY_MS) });
    publish(model, [{ from: 0, to: 1, minutesAgo: 1, ms: 5, error: false }]);
    const v1 = model.version();
    publish(model, [{ from: 2, to: 3, minutesAgo: 1, ms: 5, error: false }]);
    expect(model.changesSince(v1)).toEqual({
      version: model.version(), components: ['svc-2', 'svc-3'],
      edges: [{ from: 'svc-2', to: 'svc-3', kind: 'SYNC', protocol: 'http' }],
    });
    expect(model.changesSince(model.version())).toEqual({ version: model.version(), components: [], edges: [] });
    model.loaded();
    expect(model.changesSince(v1)).toBeUndefined();
  });
});

describe('sparse histograms', () => {
  it('subtract bin by bin, dropping emptied bins, and give quantiles like the dense sum', () => {
    const minute = (startMs: number, latency: number[]) =>
      ({ startMs, resMs: MINUTE_MS, calls: 1, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: 1, unconsumed: 0, latency });
    const series = BucketSeries.of([minute(0, [3, 2, 9, 1]), minute(MINUTE_MS, [1, 1])]);
    const sums = newEdgeSums(1);
    addAt(sums, 0, { calls: 2, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: 2, unconsumed: 0, latency: [1, 5, 3, 2, 9, 1] });
    const sum = () => readAt(sums, 0, {} as EdgeSum);
    expect(applyStripAt(sums, 0, series, 0, MINUTE_MS, -1)).toBe(true);
    expect([sum().calls, sum().latency]).toEqual([1, [1, 5]]);
    expect(applyStripAt(sums, 0, series, MINUTE_MS, 2 * MINUTE_MS, -1)).toBe(true);
    expect([sum().calls, sum().latency]).toEqual([0, [1, 4]]);
    expect(applyStripAt(sums, 0, series, 2 * MINUTE_MS, 3 * MINUTE_MS, 1)).toBe(false);
    expect(sparseQuantilesMs([10, 50, 20, 50], [0.5, 0.95])).toEqual(sparseQuantilesMs([10, 50], [1]).concat(sparseQuantilesMs([20, 1], [1])));
    expect(sparseQuantilesMs([], [0.5])).toEqual([undefined]);
  });
});
