import { describe, expect, it } from 'vitest';
import { createCycleDetector } from './cycle.ts';
import { component, edge, snapshot } from './testing.ts';

const detect = createCycleDetector().detect;

describe('CYCLE', () => {
  it('raises one finding per group of services calling each other synchronously, with a concrete loop', () => {
    const findings = detect(snapshot({
      components: [component('orders', { tier: 1 }), component('billing', { tier: 2 }), component('customers', { tier: 2 })],
      dependencies: [edge('orders', 'billing', { calls: 30 }), edge('billing', 'customers'), edge('customers', 'orders', { exemplarTraceIds: ['t-loop'] }), edge('orders', 'catalog')],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'MEDIUM', components: ['billing', 'customers', 'orders'], path: ['billing', 'customers', 'orders', 'billing'] });
    expect(findings[0]?.detail).toContain('orders -> billing (30 calls)');
    expect(findings[0]?.evidence.traceIds).toContain('t-loop');
  });

  it('keeps its id whichever member is listed first', () => {
    const a = detect(snapshot({ dependencies: [edge('x', 'y'), edge('y', 'x')] }));
    const b = detect(snapshot({ dependencies: [edge('y', 'x'), edge('x', 'y')] }));
    expect(a[0]?.id).toBe(b[0]?.id);
  });

  describe('near misses raise nothing', () => {
    it('a loop closed by an async handoff', () => {
      expect(detect(snapshot({ dependencies: [edge('orders', 'billing'), edge('billing', 'orders', { kind: 'ASYNC' })] }))).toEqual([]);
    });

    it('a loop through a non-service component', () => {
      expect(detect(snapshot({
        components: [component('legacy', { kind: 'EXTERNAL' })],
        dependencies: [edge('orders', 'legacy'), edge('legacy', 'orders')],
      }))).toEqual([]);
    });

    it('a diamond', () => {
      expect(detect(snapshot({ dependencies: [edge('a', 'b'), edge('a', 'c'), edge('b', 'd'), edge('c', 'd')] }))).toEqual([]);
    });
  });
});
