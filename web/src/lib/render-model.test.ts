import { describe, expect, it } from 'vitest';
import { REVERSE_PAIR_CURVATURE, buildRenderModel, componentDetails, emphasisAround, neighbourhood } from './render-model.ts';
import { component, dependency, snapshot } from './test-builders.ts';

const indexOf = (...names: string[]) => new Map(names.map((n, i) => [n, i]));

describe('buildRenderModel', () => {
  const snap = snapshot(
    [component('checkout', { tier: 0 }), component('payments'), component('orders', { kind: 'QUEUE' }), component('stripe', { kind: 'EXTERNAL', virtual: true })],
    [
      dependency('checkout', 'payments', { calls: 100, operation: 'POST /charge' }),
      dependency('checkout', 'payments', { calls: 50, errors: 10, operation: 'POST /refund' }),
      dependency('payments', 'checkout', { calls: 5 }),
      dependency('checkout', 'orders', { kind: 'PUBLISH', calls: 80 }),
      dependency('payments', 'stripe', { calls: 140 }),
    ],
  );

  it('draws one edge per direction, summing the traffic of its operations', () => {
    const model = buildRenderModel(snap, indexOf('checkout', 'payments', 'orders', 'stripe'));
    const edge = model.edges.find((e) => e.from === 'checkout' && e.to === 'payments')!;
    const stripe = model.edges.find((e) => e.to === 'stripe')!;
    expect(model.edges).toHaveLength(4);
    // 150 calls over two operations draw as wide as the busiest edge (140 calls) and wider.
    expect(edge.width).toBeGreaterThanOrEqual(stripe.width);
    // 10 errors in 150 calls is above the 5% alarm line.
    expect(edge.level).toBe('bad');
  });

  it('bends both edges of a two-way pair and leaves one-way edges straight', () => {
    const model = buildRenderModel(snap, indexOf('checkout', 'payments', 'orders', 'stripe'));
    expect(model.edges.find((e) => e.from === 'payments' && e.to === 'checkout')?.curvature).toBe(REVERSE_PAIR_CURVATURE);
    expect(model.edges.find((e) => e.from === 'checkout' && e.to === 'payments')?.curvature).toBe(REVERSE_PAIR_CURVATURE);
    expect(model.edges.find((e) => e.to === 'stripe')?.curvature).toBe(0);
  });

  it('dashes message passing and marks uninstrumented and critical components', () => {
    const model = buildRenderModel(snap, indexOf('checkout', 'payments', 'orders', 'stripe'));
    expect(model.edges.find((e) => e.to === 'orders')?.async).toBe(true);
    expect(model.edges.find((e) => e.to === 'stripe')?.async).toBe(false);
    expect(model.nodes.find((n) => n.name === 'stripe')?.virtual).toBe(true);
    expect(model.nodes.find((n) => n.name === 'checkout')?.critical).toBe(true);
    expect(model.nodes.find((n) => n.name === 'payments')?.critical).toBe(false);
  });

  it('leaves out components the layout has not placed yet, and their edges', () => {
    const model = buildRenderModel(snap, indexOf('checkout', 'payments'));
    expect(model.nodes.map((n) => n.name).sort()).toEqual(['checkout', 'payments']);
    expect(model.edges.every((e) => e.from !== 'orders' && e.to !== 'orders')).toBe(true);
  });

  it('hands back the same objects when only call counts moved, so nothing redraws', () => {
    const index = indexOf('checkout', 'payments', 'orders', 'stripe');
    const steady = snapshot(snap.components, snap.dependencies.map((d) => ({ ...d, calls: d.calls * 1000 })));
    const first = buildRenderModel(steady, index);
    const busier = snapshot(steady.components, steady.dependencies.map((d) => ({ ...d, calls: d.calls + 3 })));
    const second = buildRenderModel(busier, index, first);
    expect(second.nodes.every((n, i) => n === first.nodes[i])).toBe(true);
    expect(second.edges.every((e, i) => e === first.edges[i])).toBe(true);
  });
});

describe('neighbourhood and componentDetails', () => {
  const snap = snapshot(
    [component('storefront'), component('checkout'), component('payments'), component('pricing')],
    [dependency('storefront', 'checkout', { calls: 10 }), dependency('checkout', 'payments', { calls: 5 }), dependency('checkout', 'pricing', { calls: 50 })],
  );

  it('relates a component to its callers and callees only', () => {
    const model = buildRenderModel(snap, indexOf('storefront', 'checkout', 'payments', 'pricing'));
    expect([...neighbourhood('payments', model.edges)].sort()).toEqual(['checkout', 'payments']);
    expect(neighbourhood(null, model.edges).size).toBe(0);
  });

  it('emphasises a component, its neighbours and only the edges that touch it', () => {
    const model = buildRenderModel(snap, indexOf('storefront', 'checkout', 'payments', 'pricing'));
    const emphasis = emphasisAround('payments', model.edges);
    expect([...emphasis.nodes].sort()).toEqual(['checkout', 'payments']);
    expect([...emphasis.edges]).toEqual([JSON.stringify(['checkout', 'payments'])]);
  });

  it('lists what a component depends on and what depends on it, busiest first', () => {
    const details = componentDetails(snap, 'checkout')!;
    expect(details.dependsOn.map((d) => d.to)).toEqual(['pricing', 'payments']);
    expect(details.dependents.map((d) => d.from)).toEqual(['storefront']);
    expect(componentDetails(snap, 'nobody')).toBeNull();
  });
});
