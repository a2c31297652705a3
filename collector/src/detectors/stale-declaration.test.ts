import { describe, expect, it } from 'vitest';
import { createStaleDeclarationDetector } from './stale-declaration.ts';
import { DAY_MS, NOW_MS, component, declared, edge, snapshot } from './testing.ts';

const detect = createStaleDeclarationDetector().detect;
const fulfilment = component('fulfilment', { tier: 2, firstSeenMs: NOW_MS - 30 * DAY_MS });

describe('STALE_DECLARATION', () => {
  it('raises a declaration never observed while its declarer has been watched for the window', () => {
    const findings = detect(snapshot({ components: [fulfilment, component('payments', { tier: 1 })], declared: [declared('fulfilment', 'payments')] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'STALE_DECLARATION', severity: 'INFO', path: ['fulfilment', 'payments'], evidence: { lastSeen: 'never' } });
    expect(findings[0]?.detail).toContain('fulfilment (tier 2: important) declares a dependency on payments (tier 1: critical) in catalog-info.yaml, but the dependency has never been observed');
    expect(findings[0]?.detail).toContain('nothing in 7 days of traffic');
  });

  it('raises a dependency last observed before the window, and honours a shorter window', () => {
    const spec = {
      components: [fulfilment],
      dependencies: [edge('fulfilment', 'payments', { lastSeenMs: NOW_MS - 2 * DAY_MS })],
      declared: [declared('fulfilment', 'payments')],
    };
    expect(detect(snapshot(spec))).toEqual([]);
    const findings = createStaleDeclarationDetector({ staleAfterMs: DAY_MS }).detect(snapshot(spec));
    expect(findings[0]?.detail).toContain('was last observed 2 days ago');
  });

  describe('near misses raise nothing', () => {
    it('a declaration observed within the window, directly or as a consumed queue', () => {
      expect(detect(snapshot({
        components: [fulfilment, component('orders.placed', { kind: 'QUEUE' })],
        dependencies: [edge('fulfilment', 'payments'), edge('orders.placed', 'fulfilment', { kind: 'CONSUME' })],
        declared: [declared('fulfilment', 'payments'), declared('fulfilment', 'orders.placed')],
      }))).toEqual([]);
    });

    it('a declarer watched for less than the window, virtual, or never seen', () => {
      expect(detect(snapshot({
        components: [component('new-service', { firstSeenMs: NOW_MS - DAY_MS }), component('gateway', { virtual: true })],
        declared: [declared('new-service', 'payments'), declared('gateway', 'bank'), declared('ghost', 'payments')],
      }))).toEqual([]);
    });

    it('without a catalog', () => {
      expect(detect(snapshot({ components: [fulfilment], declared: [declared('fulfilment', 'payments')], catalogLoaded: false }))).toEqual([]);
    });
  });
});
