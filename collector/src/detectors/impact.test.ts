import { describe, expect, it } from 'vitest';
import type { RaisedFinding } from '../model/graph-snapshot.ts';
import { impactOver } from './impact.ts';
import { component, edge, snapshot, workflow } from './testing.ts';

const about = (components: string[], evidence: RaisedFinding['evidence'] = { traceIds: [] }): RaisedFinding =>
  ({ id: 'x', kind: 'CASCADING_RISK_PATH', severity: 'HIGH', title: '', detail: '', components, path: components, evidence });

describe('impactOver', () => {
  const estate = snapshot({
    components: [component('storefront', { tier: 0 }), component('checkout', { tier: 0 }), component('payments', { tier: 1 }), component('reports', { tier: 3 }), component('batch')],
    dependencies: [edge('shopper', 'storefront', { calls: 1000 }), edge('storefront', 'checkout', { calls: 400 }), edge('checkout', 'payments', { calls: 300 }), edge('batch', 'reports', { calls: 50 })],
    workflows: [workflow('batch', { runs: 20 })],
  });
  const impact = impactOver(estate);

  it('counts the traffic entering the finding\'s components once, weighted by tier', () => {
    // storefront's 1,000 incoming calls; checkout's and payments' come from inside the finding.
    expect(impact(about(['storefront', 'checkout', 'payments']))).toBe(1000);
    expect(impact(about(['checkout', 'payments']))).toBe(400);
    expect(impact(about(['payments']))).toBe(150);
    expect(impact(about(['reports']))).toBe(1);
  });

  it('counts an entry point nobody calls by its workflows\' runs', () => {
    expect(impact(about(['batch']))).toBe(2);
  });

  it('scales by the measured probability, and halves what rests on assumptions', () => {
    expect(impact(about(['checkout'], { traceIds: [], probability: 0.5 }))).toBe(200);
    expect(impact(about(['checkout'], { traceIds: [], probability: 0.5, exposure: 'assumed' }))).toBe(100);
  });
});
