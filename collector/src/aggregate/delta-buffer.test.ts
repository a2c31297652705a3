import { describe, expect, it } from 'vitest';
import type { Interaction } from '../model/interaction.ts';
import { createDeltaBuffer } from './delta-buffer.ts';
import { mergeSparse } from './latency-histogram.ts';
import { createGraphAggregator, type GraphDelta } from './graph-aggregator.ts';

const MINUTE = 60_000;
const ref = (name: string) => ({ name, kind: 'SERVICE' as const, virtual: false });
const call = (i: number): Interaction => ({
  from: ref(i % 3 === 0 ? 'checkout' : 'cart'), to: ref(i % 2 === 0 ? 'pricing' : 'stock'), kind: 'SYNC', protocol: 'http',
  operation: `GET /${i % 4}`, traceId: `t${i}`, timeUnixMs: 10 * MINUTE + i * 7_000, durationMs: 1 + (i % 17) * 3, callerError: i % 11 === 0, calleeError: i % 5 === 0,
});

/** Feeds the same calls, sightings and runs into an aggregator, draining after each index in `drainAfter`. */
function deltas(drainAfter: Set<number>): GraphDelta[] {
  const aggregator = createGraphAggregator({ maxDependencies: 100, maxComponents: 100, clock: () => 60 * MINUTE });
  const out: GraphDelta[] = [];
  for (let i = 0; i < 60; i++) {
    aggregator.addInteraction(call(i));
    aggregator.addSighting({ ...ref(call(i).from.name), namespace: i < 30 ? 'shop' : 'shop-2', version: `1.${i % 3}`, environment: 'prod', timeUnixMs: call(i).timeUnixMs, entryPoint: i === 7 });
    aggregator.addWorkflowRun({ entry: 'checkout', operation: 'POST /orders', traceId: `t${i}`, timeUnixMs: call(i).timeUnixMs, failed: i % 5 === 0, manual: i % 9 === 0, unhandledErrorPath: i % 10 === 0 ? ['checkout', 'pricing'] : undefined });
    if (drainAfter.has(i)) out.push(aggregator.drain());
  }
  out.push(aggregator.drain());
  return out;
}

/** What must not depend on how the calls were split between drains (traces are distinct per delta, by design). */
function comparable(delta: GraphDelta) {
  const byName = <T extends { name?: string; key?: string; from?: string; to?: string }>(a: T, b: T) =>
    `${a.name ?? a.key ?? `${a.from}>${a.to}`}`.localeCompare(`${b.name ?? b.key ?? `${b.from}>${b.to}`}`);
  return {
    components: delta.components.map((c) => ({
      ...c, versions: [...c.versions].sort(), buckets: [...c.buckets].sort((a, b) => a.startMs - b.startMs),
      versionSightings: [...c.versionSightings].sort((a, b) => a.version.localeCompare(b.version)),
    })).sort(byName),
    dependencies: delta.dependencies.map(({ traces: _t, exemplarTraceIds: _e, ...d }) => ({
      ...d, buckets: d.buckets.map(({ traces: _bt, ...b }) => b).sort((a, b) => a.startMs - b.startMs),
    })).sort(byName),
    workflows: delta.workflows.map(({ exemplarTraceIds: _e, ...w }) => ({
      ...w, unhandled: w.unhandled.map(({ exemplarTraceIds: _u, ...u }) => u),
      buckets: [...w.buckets].sort((a, b) => a.startMs - b.startMs),
    })).sort(byName),
  };
}

describe('delta buffer', () => {
  it('merges drained deltas into what one drain of the same traffic gives', () => {
    const [whole] = deltas(new Set());
    for (const split of [new Set([0]), new Set([5, 6, 29, 40]), new Set(Array.from({ length: 60 }, (_, i) => i))]) {
      const buffer = createDeltaBuffer();
      for (const d of deltas(split)) buffer.add(d);
      expect(comparable(buffer.drain())).toEqual(comparable(whole!));
    }
  });

  it('keeps the newest exemplars first and at most five', () => {
    const buffer = createDeltaBuffer();
    for (const d of deltas(new Set([10, 20, 30, 40, 50]))) buffer.add(d);
    const { dependencies } = buffer.drain();
    for (const d of dependencies) {
      expect(d.exemplarTraceIds.length).toBeLessThanOrEqual(5);
      expect(new Set(d.exemplarTraceIds).size).toBe(d.exemplarTraceIds.length);
    }
  });

  it('never shares state with the deltas it was given, and empties on drain', () => {
    const [delta] = deltas(new Set());
    const before = JSON.stringify(delta);
    const buffer = createDeltaBuffer();
    buffer.add(delta!);
    buffer.add(delta!);
    expect(JSON.stringify(delta)).toBe(before);
    expect(buffer.stats()).toMatchObject({ dependencies: 4, components: 4, workflows: 1 });
    const drained = buffer.drain();
    expect(drained.dependencies.reduce((n, d) => n + d.calls, 0)).toBe(120);
    expect(buffer.isEmpty()).toBe(true);
    expect(buffer.stats().buckets).toBe(0);
  });

  it('merges sparse histograms bin by bin', () => {
    expect(mergeSparse([1, 2, 5, 1], [0, 1, 5, 3, 9, 1])).toEqual([0, 1, 1, 2, 5, 4, 9, 1]);
    expect(mergeSparse([], [3, 1])).toEqual([3, 1]);
  });
});
