import { describe, expect, it } from 'vitest';
import { orderFlow as estate } from './order-flow.fixture.ts';
import { whatIf } from './what-if.ts';

const names = (impacts: Array<{ name: string }>) => impacts.map((i) => i.name);

describe('whatIf: components assumed down', () => {
  it('breaks the tier-0 callers that fail with a payment outage, with the path and the observed propagation', () => {
    const result = whatIf(estate, { fail: ['payments'] });
    // The tier-0 components, then the workflow that starts at storefront.
    expect(names(result.broken)).toEqual(['checkout', 'storefront', 'storefront POST /orders']);
    const checkout = result.broken.find((i) => i.name === 'checkout')!;
    expect(checkout).toMatchObject({ kind: 'SERVICE', path: ['payments', 'checkout'], tier: 0, probability: 1, assumed: false });
    expect(checkout.reason).toBe('checkout (tier 0: must never go down) fails with payments in 100% of cases via payments <- checkout: checkout failed with payments in 100% of its failures (10 of 10).');
    expect(result.broken[2]).toMatchObject({ kind: 'WORKFLOW', path: ['payments', 'checkout', 'storefront'] });
    expect(result.broken[2]!.reason).toBe('Its entry point storefront breaks (300 runs in the window): storefront (tier 0: must never go down) fails with payments in 100% of cases via payments <- checkout <- storefront.');
    // shopper is declared degradable: it degrades, as intended.
    expect(names(result.degraded)).toContain('shopper');
    expect(result.degraded.find((i) => i.name === 'shopper')!.reason).toContain('declared degradable (orrery.dev/degradable)');
    // The order handoff waits for nobody: fulfilment, pricing, fraud-check and the rest are untouched.
    expect(result.unaffected).toEqual(expect.arrayContaining(['fulfilment', 'pricing', 'fraud-check', 'gateway', 'reports', 'fulfilment orders.placed process', 'reports nightly']));
    expect(result.unaffected).not.toContain('payments');
  });

  it('degrades, not breaks, a caller observed to handle the failure', () => {
    const result = whatIf(estate, { fail: ['pricing'] });
    expect(result.broken).toEqual([]);
    expect(result.degraded).toEqual([
      expect.objectContaining({ name: 'checkout', path: ['pricing', 'checkout'], reason: 'checkout (tier 0: must never go down) loses pricing, but it handled every failure of pricing observed (0 of 12 propagated): it keeps working without it, as traffic has shown.' }),
    ]);
  });

  it('shows a degradable dependency that is not degraded gracefully: checkout fails with fraud-check', () => {
    const result = whatIf(estate, { fail: ['fraud-check'] });
    expect(result.broken.find((i) => i.name === 'checkout')).toMatchObject({ probability: 0.8, path: ['fraud-check', 'checkout'] });
    expect(whatIf(estate, { fail: ['openai'] }).broken).toEqual([]);
    expect(names(whatIf(estate, { fail: ['openai'] }).degraded)).toEqual(['fraud-check']);
  });

  it('assumes failure travels a hop never seen to fail, and says so', () => {
    const result = whatIf(estate, { fail: ['gateway'] });
    const payments = result.broken.find((i) => i.name === 'payments')!;
    expect(payments).toMatchObject({ assumed: true, probability: 1 });
    expect(payments.reason).toContain('payments has not seen gateway fail in 100 calls, so nothing shows it would cope: assumed to fail with it');
    expect(names(result.broken)).toEqual(['checkout', 'storefront', 'storefront POST /orders', 'payments']);
  });

  it('degrades a workflow whose handoff waits for a consumer that is down', () => {
    const result = whatIf(estate, { fail: ['fulfilment'] });
    expect(result.broken).toEqual([expect.objectContaining({ name: 'fulfilment orders.placed process', kind: 'WORKFLOW', tier: 2 })]);
    const nightly = result.degraded.find((i) => i.name === 'reports nightly')!;
    expect(nightly.reason).toContain('The work reports hands to fulfilment asynchronously (ASYNC) waits until fulfilment is back');
    expect(result.unaffected).toEqual(expect.arrayContaining(['checkout', 'storefront', 'orders.placed']));
  });

  it('reports names it does not know, and fails nothing for them', () => {
    expect(whatIf(estate, { fail: ['nope'] })).toMatchObject({ broken: [], degraded: [], unknown: ['nope'] });
  });
});

describe('whatIf: components assumed slow', () => {
  it('breaks the callers whose latency promise the added wait passes, times the calls per request', () => {
    // +200 ms on pricing: checkout waits 14 x 200 = 2,800 ms more, past its 2,500 ms (and storefront's 3,000).
    const result = whatIf(estate, { fail: [], slow: [{ name: 'pricing', latencyMs: 200 }] });
    const checkout = result.broken.find((i) => i.name === 'checkout')!;
    expect(checkout).toMatchObject({ addedLatencyMs: 2800, path: ['pricing', 'checkout'] });
    expect(checkout.reason).toBe('checkout (tier 0: must never go down) waits about 2,800 ms longer via pricing <- checkout (checkout calls pricing 14.0 times per request, assumed one after another), assuming no timeout cuts the wait short: its p95 would go from about 800 ms to about 3,600 ms, past the 2,500 ms it promises its callers (orrery.dev/max-p95-ms).');
    expect(names(result.broken)).toEqual(['checkout', 'storefront', 'storefront POST /orders']);
    expect(names(result.degraded)).toEqual(['shopper']);
  });

  it('degrades callers slowed within their promise', () => {
    const result = whatIf(estate, { fail: [], slow: [{ name: 'gateway', latencyMs: 100 }] });
    expect(result.broken).toEqual([]);
    expect(result.degraded.find((i) => i.name === 'payments')!.reason).toContain('its p95 would go from about 200 ms to about 300 ms, still within the 1,000 ms it promises');
  });
});
