import { describe, expect, it } from 'vitest';
import { fold, groupId } from './fold.ts';
import { component, dependency, finding, snapshot } from './test-builders.ts';

const snap = snapshot(
  [component('web', { system: 'shop', tier: 1 }), component('orders', { system: 'shop', tier: 0 }), component('payments', { system: 'pay' }), component('ledger', { system: 'pay' }), component('cache')],
  [
    dependency('web', 'orders', { calls: 40 }),
    dependency('orders', 'payments', { calls: 30, errors: 3, p95Ms: 80 }),
    dependency('web', 'payments', { calls: 10, errors: 1, p95Ms: 120 }),
    dependency('payments', 'ledger', { calls: 30 }),
    dependency('web', 'cache', { calls: 7 }),
  ],
  [finding('f', { components: ['orders', 'payments'], path: ['web', 'orders', 'payments'], severity: 'HIGH' })],
);

describe('fold', () => {
  it('draws each system as one node, aggregating the traffic between them and leaving traffic inside out', () => {
    const { snapshot: folded, drawnAs } = fold(snap, 'system', []);
    const shop = groupId('system', 'shop');
    const pay = groupId('system', 'pay');
    const none = groupId('system', null);
    expect(folded.components.map((c) => c.name).sort()).toEqual([none, pay, shop].sort());
    expect(folded.components.find((c) => c.name === shop)).toMatchObject({ displayName: 'shop (2)', tier: 0, group: { by: 'system', key: 'shop', members: ['web', 'orders'] } });
    const between = folded.dependencies.find((d) => d.from === shop && d.to === pay)!;
    expect(between).toMatchObject({ calls: 40, errors: 4, p95Ms: 120, errorRate: 0.1 });
    expect(folded.dependencies.some((d) => d.from === d.to)).toBe(false);
    expect(drawnAs.get('ledger')).toBe(pay);
    // The finding concerns the groups now, its path folded too.
    expect(folded.findings[0]).toMatchObject({ components: [shop, pay], path: [shop, pay] });
  });

  it('unfolds a group in place, leaving the others folded', () => {
    const pay = groupId('system', 'pay');
    const { snapshot: folded } = fold(snap, 'system', [pay]);
    const names = folded.components.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['payments', 'ledger', groupId('system', 'shop')]));
    expect(folded.dependencies.find((d) => d.from === groupId('system', 'shop') && d.to === 'payments')?.calls).toBe(40);
    expect(folded.dependencies.find((d) => d.from === 'payments' && d.to === 'ledger')?.calls).toBe(30);
  });

  it('leaves the snapshot as it is when folding nothing', () => {
    expect(fold(snap, 'none', []).snapshot).toBe(snap);
  });
});
