import { describe, expect, it } from 'vitest';
import type { Interaction } from '../model/interaction.ts';
import { createGraphAggregator } from './graph-aggregator.ts';

const call = (traceId: string, overrides: Partial<Interaction> = {}): Interaction => ({
  from: { name: 'checkout', kind: 'SERVICE', virtual: false }, to: { name: 'pricing', kind: 'SERVICE', virtual: false }, kind: 'SYNC', protocol: 'http',
  operation: 'GET /price', traceId, timeUnixMs: 1000, durationMs: 12, callerError: false, calleeError: false, ...overrides,
});

describe('graph aggregator', () => {
  it('counts calls per trace from distinct trace ids', () => {
    const aggregator = createGraphAggregator({ maxDependencies: 10, maxComponents: 10 });
    for (let i = 0; i < 12; i++) aggregator.addInteraction(call('t1'));
    for (let i = 0; i < 12; i++) aggregator.addInteraction(call('t2'));
    const [d] = aggregator.drain().dependencies;
    expect({ calls: d!.calls, traces: d!.traces }).toEqual({ calls: 24, traces: 2 });
  });

  it('holds a bounded number of trace ids between drains, counting each further call as a trace', () => {
    const aggregator = createGraphAggregator({ maxDependencies: 100, maxComponents: 100 });
    // 30 edges × 8,000 traces × 2 calls: 240,000 distinct (edge, trace) pairs, past the 200,000 held.
    for (let e = 0; e < 30; e++) {
      for (let t = 0; t < 8000; t++) {
        for (let c = 0; c < 2; c++) aggregator.addInteraction(call(`t${t}`, { to: { name: `svc-${e}`, kind: 'SERVICE', virtual: false } }));
      }
    }
    const deltas = aggregator.drain().dependencies;
    expect(deltas.reduce((n, d) => n + d.calls, 0)).toBe(480_000);
    // The first 25 edges are exact (8,000 traces each) but for the very last call of the 25th,
    // made once the bound was reached; the last 5 count every call (16,000 each).
    expect(deltas.map((d) => d.traces).sort((a, b) => a - b)).toEqual([...Array(24).fill(8000), 8001, ...Array(5).fill(16_000)]);
    // After a drain the bound starts afresh.
    aggregator.addInteraction(call('t0'));
    aggregator.addInteraction(call('t0'));
    expect(aggregator.drain().dependencies[0]!.traces).toBe(1);
  });

  it('puts each call in the minute it happened, late ones included, and keeps the totals their sum', () => {
    const aggregator = createGraphAggregator({ maxDependencies: 10, maxComponents: 10, clock: () => 10 * 60_000 });
    aggregator.addInteraction(call('t1', { timeUnixMs: 5 * 60_000 + 10 }));
    aggregator.addInteraction(call('t1', { timeUnixMs: 5 * 60_000 + 59_999, calleeError: true, callerError: true }));
    aggregator.addInteraction(call('t2', { timeUnixMs: 2 * 60_000 })); // three minutes late
    const [d] = aggregator.drain().dependencies;
    expect(d!.buckets.map((b) => [b.startMs / 60_000, b.calls, b.errors, b.propagatedErrors, b.traces])).toEqual([[5, 2, 1, 1, 1], [2, 1, 0, 0, 1]]);
    expect([d!.calls, d!.errors, d!.traces]).toEqual([3, 1, 2]);
    expect(d!.buckets.reduce((n, b) => n + b.latency.filter((_, k) => k % 2 === 1).reduce((a, c) => a + c, 0), 0)).toBe(3); // sparse [bin, count] pairs
  });

  it('counts a span from beyond the clock-skew tolerance at now, and says so', () => {
    const now = 100 * 60_000;
    const aggregator = createGraphAggregator({ maxDependencies: 10, maxComponents: 10, clock: () => now, maxClockSkewMs: 60_000 });
    aggregator.addInteraction(call('t1', { timeUnixMs: now + 30_000 })); // within tolerance: its own minute
    aggregator.addInteraction(call('t2', { timeUnixMs: now + 3_600_000 })); // an hour ahead: clamped
    const [d] = aggregator.drain().dependencies;
    expect(d!.buckets.map((b) => [b.startMs / 60_000, b.calls])).toEqual([[100, 2]]);
    expect(d!.lastSeenMs).toBe(now + 30_000);
    expect(aggregator.stats().futureTimesClamped).toBe(1);
  });

  it('records the minutes a component sent spans and each version it reported', () => {
    const aggregator = createGraphAggregator({ maxDependencies: 10, maxComponents: 10, clock: () => 1e12 });
    const sighting = (timeUnixMs: number, version: string) => ({ name: 'checkout', kind: 'SERVICE' as const, virtual: false, namespace: undefined, version, environment: undefined, timeUnixMs, entryPoint: false });
    aggregator.addSighting(sighting(60_000, '2.7.0'));
    aggregator.addSighting(sighting(61_000, '2.7.0'));
    aggregator.addSighting(sighting(185_000, '2.7.1'));
    const [c] = aggregator.drain().components;
    expect(c!.buckets).toEqual([{ startMs: 60_000, sightings: 2 }, { startMs: 180_000, sightings: 1 }]);
    expect(c!.versionSightings).toEqual([{ version: '2.7.0', firstSeenMs: 60_000, lastSeenMs: 61_000 }, { version: '2.7.1', firstSeenMs: 185_000, lastSeenMs: 185_000 }]);
  });
});
