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

  it('merges a delta whose write failed back in, losing and doubling nothing', () => {
    const aggregator = createGraphAggregator({ maxDependencies: 10, maxComponents: 10 });
    aggregator.addInteraction(call('t1', { calleeError: true, callerError: true }));
    const failed = aggregator.drain();
    aggregator.addInteraction(call('t2', { calleeError: true }));
    aggregator.restore(failed);
    const [d] = aggregator.drain().dependencies;
    expect({ calls: d!.calls, errors: d!.errors, calleeErrors: d!.calleeErrors, propagatedErrors: d!.propagatedErrors, samples: d!.latency.reduce((a, b) => a + b, 0) })
      .toEqual({ calls: 2, errors: 2, calleeErrors: 2, propagatedErrors: 1, samples: 2 });
  });
});
