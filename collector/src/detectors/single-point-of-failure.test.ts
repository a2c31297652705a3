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
