import { describe, expect, it } from 'vitest';
import { createUncataloguedServiceDetector } from './uncatalogued-service.ts';
import { component, declared, edge, snapshot } from './testing.ts';

const detect = createUncataloguedServiceDetector().detect;

describe('UNCATALOGUED_SERVICE', () => {
  it('raises a service without a catalog entry, graded by its most critical caller', () => {
    const findings = detect(snapshot({
      components: [component('checkout', { tier: 0 }), component('approvals', { documented: false })],
      dependencies: [edge('checkout', 'approvals', { calls: 340, exemplarTraceIds: ['t-approve'] })],
      declared: [declared('checkout', 'approvals')],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'UNCATALOGUED_SERVICE', severity: 'MEDIUM', components: ['approvals'], evidence: { traceIds: ['t-approve'], callers: ['checkout'] } });
    expect(findings[0]?.detail).toContain('It is depended on by checkout (tier 0: must never go down) (340 calls).');
    expect(findings[0]?.detail).toContain('checkout names it in dependsOn, but no entity describes it.');
  });

  it('says when the service is only known from its callers', () => {
    const [finding] = detect(snapshot({ components: [component('legacy-crm', { documented: false, virtual: true })], dependencies: [edge('sales', 'legacy-crm')] }));
    expect(finding?.detail).toContain("it sends no spans of its own");
    expect(finding?.severity).toBe('INFO');
  });

  describe('near misses raise nothing', () => {
    it('catalogued services, and uncatalogued databases, queues, external APIs and AI providers', () => {
      expect(detect(snapshot({
        components: [
          component('checkout', { tier: 0 }),
          ...(['DATABASE', 'QUEUE', 'EXTERNAL', 'AI', 'HUMAN'] as const).map((kind) => component(kind.toLowerCase(), { kind, documented: false })),
        ],
      }))).toEqual([]);
    });

    it('without a catalog', () => {
      expect(detect(snapshot({ components: [component('approvals', { documented: false })], catalogLoaded: false }))).toEqual([]);
    });
  });
});
