// A hand-built order flow with known answers, shared by the what-if and resilience-plan tests.
import { component, edge, failingEdge, snapshot, workflow } from '../detectors/testing.ts';

// An order flow with known answers:
//   shopper -> storefront (tier 0, p95 promise 3 s) -> checkout (tier 0, 2.5 s)
//   checkout -> pricing (tier 1; checkout handles its failures: propagation 0, 14 calls per order)
//   checkout -> payments (tier 1; observed: checkout fails with it 10 of 10) -> gateway (no error data)
//   checkout -> fraud-check (tier 3, degradable; observed 8 of 10) -> openai (degradable; fraud-check falls back: 0 of 30)
//   checkout -ASYNC-> fulfilment (tier 2), via orders.placed
export const orderFlow = snapshot({
  components: [
    component('shopper', { tier: 3, degradable: true }),
    component('storefront', { tier: 0, maxP95Ms: 3000 }),
    component('checkout', { tier: 0, maxP95Ms: 2500 }),
    component('pricing', { tier: 1, maxP95Ms: 50 }),
    component('payments', { tier: 1, maxP95Ms: 1000 }),
    component('gateway', { tier: 1, kind: 'EXTERNAL', virtual: true }),
    component('fraud-check', { tier: 3, degradable: true }),
    component('openai', { tier: 3, degradable: true, kind: 'AI', virtual: true }),
    component('fulfilment', { tier: 2 }),
    component('orders.placed', { kind: 'QUEUE', virtual: true }),
    component('reports', { tier: 3 }),
  ],
  dependencies: [
    edge('shopper', 'storefront', { p95Ms: 900 }),
    failingEdge('storefront', 'checkout', 10, 10, { p95Ms: 800 }),
    failingEdge('checkout', 'pricing', 12, 0, { p95Ms: 8, callsPerTrace: 14 }),
    failingEdge('checkout', 'payments', 10, 10, { p95Ms: 200 }),
    edge('payments', 'gateway', { p95Ms: 150 }),
    failingEdge('checkout', 'fraud-check', 10, 8, { p95Ms: 400 }),
    failingEdge('fraud-check', 'openai', 30, 0, { p95Ms: 380 }),
    edge('checkout', 'orders.placed', { kind: 'PUBLISH' }),
    edge('orders.placed', 'fulfilment', { kind: 'CONSUME' }),
    edge('checkout', 'fulfilment', { kind: 'ASYNC' }),
    edge('reports', 'fulfilment', { kind: 'ASYNC' }),
  ],
  workflows: [workflow('storefront', { operation: 'POST /orders', runs: 300 }), workflow('fulfilment', { operation: 'orders.placed process', runs: 290 }), workflow('reports', { operation: 'nightly', runs: 1 })],
});

