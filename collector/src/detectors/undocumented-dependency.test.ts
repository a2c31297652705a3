import { describe, expect, it } from 'vitest';
import { createUndocumentedDependencyDetector } from './undocumented-dependency.ts';
import { component, declared, edge, snapshot } from './testing.ts';

const detect = createUndocumentedDependencyDetector().detect;
const components = [component('storefront', { tier: 0 }), component('checkout', { tier: 0 }), component('inventory', { tier: 1 })];

describe('UNDOCUMENTED_DEPENDENCY', () => {
  it('raises an observed call the caller does not declare, naming both and the evidence', () => {
    const findings = detect(snapshot({
      components,
      dependencies: [edge('storefront', 'checkout'), edge('storefront', 'inventory', { documented: false, calls: 1234, exemplarTraceIds: ['t1'] })],
      declared: [declared('storefront', 'checkout')],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'MEDIUM', components: ['storefront', 'inventory'], evidence: { traceIds: ['t1'], calls: 1234 } });
    expect(findings[0]?.detail).toContain('storefront (tier 0: must never go down) calls inventory (tier 1: critical): 1,234 interactions observed');
    expect(findings[0]?.detail).toContain("Add inventory to storefront's spec.dependsOn");
  });

  it('checks the consumer for a CONSUME edge and groups edges of one pair', () => {
    const findings = detect(snapshot({
      components: [...components, component('orders.placed', { kind: 'QUEUE' })],
      dependencies: [edge('orders.placed', 'inventory', { kind: 'CONSUME', documented: false }), edge('checkout', 'inventory', { documented: false }), edge('checkout', 'inventory', { kind: 'ASYNC', documented: false })],
    }));
    expect(findings.map((f) => f.components)).toEqual([['inventory', 'orders.placed'], ['checkout', 'inventory']]);
    expect(findings[1]?.detail).toContain('calls and hands work to');
  });

  describe('near misses raise nothing', () => {
    it('declared edges, including a queue declared by both producer and consumer', () => {
      expect(detect(snapshot({
        components: [...components, component('orders.placed', { kind: 'QUEUE' })],
        dependencies: [
          edge('checkout', 'orders.placed', { kind: 'PUBLISH', documented: false }),
          edge('orders.placed', 'inventory', { kind: 'CONSUME', documented: false }),
          edge('checkout', 'inventory', { kind: 'ASYNC', documented: false }),
        ],
        declared: [declared('checkout', 'orders.placed'), declared('inventory', 'orders.placed')],
      }))).toEqual([]);
    });

    it('an async handoff through a destination (raised on its halves only)', () => {
      const findings = detect(snapshot({
        components: [...components, component('orders.placed', { kind: 'QUEUE' })],
        dependencies: [
          edge('checkout', 'orders.placed', { kind: 'PUBLISH', documented: false }),
          edge('orders.placed', 'inventory', { kind: 'CONSUME', documented: false }),
          edge('checkout', 'inventory', { kind: 'ASYNC', documented: false }),
        ],
      }));
      expect(findings.map((f) => f.components)).toEqual([['checkout', 'orders.placed'], ['inventory', 'orders.placed']]);
    });

    it('calls from an uncatalogued caller (UNCATALOGUED_SERVICE covers them)', () => {
      expect(detect(snapshot({ dependencies: [edge('approvals', 'checkout', { documented: false })] }))).toEqual([]);
    });

    it('without a catalog', () => {
      expect(detect(snapshot({ components, catalogLoaded: false, dependencies: [edge('storefront', 'inventory', { documented: false })] }))).toEqual([]);
    });
  });
});
