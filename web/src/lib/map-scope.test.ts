import { describe, expect, it } from 'vitest';
import { applyFilters, applyFocus, neighbourhoodWithin, simplePaths } from './map-scope.ts';
import { NO_FILTERS } from './map-view.ts';
import { component, dependency, finding, snapshot } from './test-builders.ts';

// web -> orders -> payments -> ledger, orders -> notify, payments -> fraud, web -> payments
const snap = snapshot(
  [component('web', { tier: 0, system: 'shop' }), component('orders', { system: 'shop' }), component('payments', { system: 'pay', owner: 'team-pay' }), component('ledger', { kind: 'DATABASE' }), component('notify'), component('fraud')],
  [
    dependency('web', 'orders', { calls: 40 }),
    dependency('orders', 'payments', { calls: 30, errors: 6, errorRate: 0.2 }),
    dependency('payments', 'ledger', { kind: 'DATABASE', protocol: 'postgresql' }),
    dependency('orders', 'notify', { calls: 3 }),
    dependency('payments', 'fraud', { protocol: 'grpc' }),
    dependency('web', 'payments', { calls: 5 }),
  ],
  [finding('f', { components: ['notify'] })],
);
const names = (s: { components: Array<{ name: string }> }) => s.components.map((c) => c.name).sort();

describe('applyFilters', () => {
  it('keeps components of the kinds, tiers, systems and owners asked for, and the dependencies between them', () => {
    expect(names(applyFilters(snap, { ...NO_FILTERS, kinds: ['DATABASE'] }))).toEqual(['ledger']);
    expect(names(applyFilters(snap, { ...NO_FILTERS, systems: ['shop'] }))).toEqual(['orders', 'web']);
    expect(names(applyFilters(snap, { ...NO_FILTERS, tiers: [0] }))).toEqual(['web']);
    expect(names(applyFilters(snap, { ...NO_FILTERS, owners: ['team-pay'] }))).toEqual(['payments']);
    expect(names(applyFilters(snap, { ...NO_FILTERS, withFindings: true }))).toEqual(['notify']);
  });

  it('shows the part of the estate a protocol or an error rate makes up, and thins low-volume edges only', () => {
    expect(names(applyFilters(snap, { ...NO_FILTERS, protocols: ['grpc'] }))).toEqual(['fraud', 'payments']);
    expect(applyFilters(snap, { ...NO_FILTERS, minErrorRate: 0.1 }).dependencies.map((d) => d.to)).toEqual(['payments']);
    const quiet = applyFilters(snap, { ...NO_FILTERS, minCalls: 10 });
    expect(names(quiet)).toHaveLength(6);
    expect(quiet.dependencies.some((d) => d.to === 'notify')).toBe(false);
  });
});

describe('focus', () => {
  it('reaches N hops downstream, upstream, or both', () => {
    expect([...neighbourhoodWithin(snap, 'orders', 1, 'down')].sort()).toEqual(['notify', 'orders', 'payments']);
    expect([...neighbourhoodWithin(snap, 'payments', 1, 'up')].sort()).toEqual(['orders', 'payments', 'web']);
    expect(names(applyFocus(snap, 'orders', 2, 'down'))).toEqual(['fraud', 'ledger', 'notify', 'orders', 'payments']);
    expect(names(applyFocus(snap, 'orders', 1, 'both'))).toEqual(['notify', 'orders', 'payments', 'web']);
    expect(applyFocus(snap, 'nobody', 2, 'both')).toBe(snap);
  });
});

describe('simplePaths', () => {
  it('finds every simple path within the hops, and none longer', () => {
    const two = simplePaths(snap, 'web', 'ledger', 2);
    expect(two.paths).toBe(1);
    expect([...two.nodes].sort()).toEqual(['ledger', 'payments', 'web']);
    const three = simplePaths(snap, 'web', 'ledger', 3);
    expect(three.paths).toBe(2);
    expect([...three.nodes].sort()).toEqual(['ledger', 'orders', 'payments', 'web']);
    expect(simplePaths(snap, 'ledger', 'web', 5).paths).toBe(0);
  });

  it('stops at its bound and says so', () => {
    // A complete graph of 12 nodes has millions of simple paths of 8 hops.
    const n = Array.from({ length: 12 }, (_, i) => `n${i}`);
    const dense = snapshot(n.map((x) => component(x)), n.flatMap((a) => n.filter((b) => b !== a).map((b) => dependency(a, b))));
    const found = simplePaths(dense, 'n0', 'n11', 8, 100);
    expect(found.truncated).toBe(true);
    expect(found.paths).toBe(100);
  });
});
