import { describe, expect, it } from 'vitest';
import { createSinglePointOfFailureDetector } from './single-point-of-failure.ts';
import { component, edge, failingEdge, snapshot } from './testing.ts';

const detect = createSinglePointOfFailureDetector().detect;

describe('SINGLE_POINT_OF_FAILURE', () => {
  it('raises a component two critical components fail with, directly and transitively', () => {
    const findings = detect(snapshot({
      components: [component('storefront', { tier: 0 }), component('payments', { tier: 1 }), component('auth', { tier: 2 }), component('reports', { tier: 3 })],
      dependencies: [failingEdge('storefront', 'session', 10, 9), failingEdge('session', 'auth', 10, 10), failingEdge('payments', 'auth', 20, 18), edge('reports', 'auth')],
    }));
    const auth = findings.find((f) => f.components[0] === 'auth');
    expect(auth).toMatchObject({ severity: 'HIGH', components: ['auth', 'storefront', 'payments'] });
    expect(auth?.detail).toContain('storefront (tier 0: must never go down) in 90% of cases via storefront -> session -> auth');
    expect(auth?.detail).toContain('payments (tier 1: critical) in 90% of cases via payments -> auth');
    expect(findings.map((f) => f.components[0])).toEqual(['auth']);
  });

  it('flags assumed propagation', () => {
    const [finding] = detect(snapshot({
      components: [component('a', { tier: 0 }), component('b', { tier: 1 })],
      dependencies: [edge('a', 'db', { kind: 'DATABASE' }), edge('b', 'db', { kind: 'DATABASE' })],
    }));
    expect(finding?.detail).toContain('(assumed: no failure observed on part of the way)');
  });

  describe('near misses raise nothing', () => {
    it('only one critical dependent', () => {
      expect(detect(snapshot({ components: [component('a', { tier: 0 }), component('b', { tier: 3 })], dependencies: [edge('a', 'x'), edge('b', 'x')] }))).toEqual([]);
    });

    it('critical callers that fall back (failure does not reach them)', () => {
      expect(detect(snapshot({
        components: [component('a', { tier: 0 }), component('b', { tier: 1 })],
        dependencies: [failingEdge('a', 'x', 10, 0), failingEdge('b', 'x', 10, 2)],
      }))).toEqual([]);
    });

    it('a shared component reached asynchronously', () => {
      expect(detect(snapshot({
        components: [component('a', { tier: 0 }), component('b', { tier: 1 })],
        dependencies: [edge('a', 'x', { kind: 'ASYNC' }), edge('b', 'x', { kind: 'ASYNC' })],
      }))).toEqual([]);
    });
  });
});

describe('SINGLE_POINT_OF_FAILURE along one chain', () => {
  // storefront -> checkout -> payments -> payment-gateway: payments and the gateway take down the
  // same critical components, the gateway through payments. One finding, on the gateway.
  const chain = snapshot({
    components: [component('storefront', { tier: 0 }), component('checkout', { tier: 0 }), component('payments', { tier: 1 }), component('payment-gateway', { tier: 1, kind: 'EXTERNAL', virtual: true })],
    dependencies: [failingEdge('storefront', 'checkout', 10, 10), failingEdge('checkout', 'payments', 10, 10), failingEdge('payments', 'payment-gateway', 8, 8)],
  });

  it('is one finding on the deepest component, naming the rest of the chain', () => {
    const findings = detect(chain);
    expect(findings.map((f) => f.components[0])).toEqual(['payment-gateway']);
    expect(findings[0]?.components).toEqual(['payment-gateway', 'payments', 'checkout', 'storefront']);
    expect(findings[0]?.evidence.chain).toEqual(['payments']);
    expect(findings[0]?.detail).toContain('The way to it has no alternative either: payments (tier 1: critical) (alone a single point of failure for checkout, storefront)');
  });

  it('folds a component into a deeper one only when every critical dependent fails with the deeper one through it', () => {
    const shared = [failingEdge('a', 'x', 10, 10), failingEdge('b', 'x', 10, 10), failingEdge('x', 'y', 10, 10)];
    const tiers = [component('a', { tier: 0 }), component('b', { tier: 0 }), component('c', { tier: 1 })];
    // y also takes down c, which does not go through x: x still folds into y.
    const folded = detect(snapshot({ components: tiers, dependencies: [...shared, failingEdge('c', 'y', 10, 10)] }));
    expect(folded.map((f) => [f.components[0], f.evidence.chain])).toEqual([['y', ['x']]]);
    // a reaches y directly: y's failure does not travel through x for a, so both stand.
    const apart = detect(snapshot({ components: tiers, dependencies: [...shared, failingEdge('a', 'y', 10, 10)] }));
    expect(apart.map((f) => f.components[0]).sort()).toEqual(['x', 'y']);
  });

  it('is HIGH when failure is observed to reach a tier-0 dependent, MEDIUM when every path is assumed', () => {
    expect(detect(chain)[0]?.severity).toBe('HIGH');
    const assumed = detect(snapshot({
      components: [component('a', { tier: 0 }), component('b', { tier: 0 })],
      dependencies: [edge('a', 'db', { kind: 'DATABASE' }), edge('b', 'db', { kind: 'DATABASE' })],
    }));
    expect(assumed[0]).toMatchObject({ severity: 'MEDIUM', evidence: { exposure: 'assumed' } });
  });
});
