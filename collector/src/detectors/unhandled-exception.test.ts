import { describe, expect, it } from 'vitest';
import { createUnhandledExceptionDetector } from './unhandled-exception.ts';
import { component, snapshot, workflow } from './testing.ts';

const detect = createUnhandledExceptionDetector().detect;
const components = [component('storefront', { tier: 0 }), component('checkout', { tier: 0 }), component('payments', { tier: 1 })];

describe('UNHANDLED_EXCEPTION', () => {
  it('raises an error born in a dependency that reaches the entry point with nobody handling it', () => {
    const findings = detect(snapshot({
      components,
      workflows: [workflow('storefront', { runs: 200, unhandledErrors: [{ path: ['storefront', 'checkout', 'payments'], count: 12, exemplarTraceIds: ['t1', 't2'] }] })],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'HIGH', path: ['storefront', 'checkout', 'payments'], evidence: { traceIds: ['t1', 't2'], count: 12 } });
    expect(findings[0]?.detail).toContain('An error born in payments (tier 1: critical) travelled up payments -> checkout -> storefront to the entry point storefront (tier 0: must never go down) (POST /orders)');
    expect(findings[0]?.detail).toContain('12 times, in 6% of the workflow\'s 200 runs');
  });

  it('rates it CRITICAL when these errors alone exceed the error rate the tier-0 entry promises', () => {
    const severityAt = (maxErrorRate: number) => detect(snapshot({
      components: [component('storefront', { tier: 0, maxErrorRate }), ...components.slice(1)],
      workflows: [workflow('storefront', { runs: 200, unhandledErrors: [{ path: ['storefront', 'checkout', 'payments'], count: 12, exemplarTraceIds: [] }] })],
    }))[0]?.severity;
    expect(severityAt(0.01)).toBe('CRITICAL');
    expect(severityAt(0.1)).toBe('HIGH');
  });

  it('raises each path separately, with stable ids', () => {
    const w = workflow('storefront', { unhandledErrors: [{ path: ['storefront', 'checkout'], count: 3, exemplarTraceIds: [] }, { path: ['storefront', 'payments'], count: 4, exemplarTraceIds: [] }] });
    const findings = detect(snapshot({ components, workflows: [w] }));
    expect(new Set(findings.map((f) => f.id)).size).toBe(2);
    expect(detect(snapshot({ components, workflows: [w] })).map((f) => f.id)).toEqual(findings.map((f) => f.id));
  });

  describe('near misses raise nothing', () => {
    it('a blip below the minimum count, or an error born at the entry itself', () => {
      expect(detect(snapshot({
        components,
        workflows: [workflow('storefront', { unhandledErrors: [{ path: ['storefront', 'checkout'], count: 2, exemplarTraceIds: [] }, { path: ['storefront'], count: 50, exemplarTraceIds: [] }] })],
      }))).toEqual([]);
    });
  });
});
