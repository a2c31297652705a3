import { describe, expect, it } from 'vitest';
import { GraphWireError } from './graph-wire.ts';
import { edgeId } from './render-model.ts';
import { createWhatIfQueries, whatIfEmphasis, parseWhatIf, scenarioOf, scenarioVariables, toggle, verdicts, type Impact, type ResilienceTest, type WhatIfAnswer } from './what-if.ts';

const impact = (name: string, path: string[], extra: Partial<Impact> = {}): Impact => ({
  name, kind: 'SERVICE', path, reason: `${name} fails`, tier: 0, probability: 1, assumed: false, addedLatencyMs: null, ...extra,
});
const answer: WhatIfAnswer = {
  broken: [impact('storefront POST /orders', ['payments', 'checkout', 'storefront'], { kind: 'WORKFLOW' }), impact('checkout', ['payments', 'checkout']), impact('storefront', ['payments', 'checkout', 'storefront'])],
  degraded: [impact('shopper', ['payments', 'checkout', 'storefront', 'shopper'], { tier: 3 })],
  unaffected: ['pricing', 'fulfilment', 'fulfilment orders.placed process'],
};

describe('what-if scenario', () => {
  it('toggles a picked component in and out, as down', () => {
    const once = toggle([], 'payments');
    expect(once).toEqual([{ name: 'payments' }]);
    expect(toggle(once, 'payments')).toEqual([]);
    expect(toggle([{ name: 'pricing', latencyMs: 200 }], 'payments')).toEqual([{ name: 'pricing', latencyMs: 200 }, { name: 'payments' }]);
  });

  it('sends down components in fail and slow ones in slow', () => {
    expect(scenarioVariables([{ name: 'payments' }, { name: 'pricing', latencyMs: 200 }])).toEqual({ fail: ['payments'], slow: [{ name: 'pricing', latencyMs: 200 }] });
  });

  it('turns a test of the plan into a scenario', () => {
    const test: ResilienceTest = { component: 'pricing', failure: 'LATENCY', intensity: '+122 ms on every call', reason: '', errorRate: null, latencyMs: 122, priority: 1, atStake: ['checkout'], atStakeCount: 1 };
    expect(scenarioOf(test)).toEqual([{ name: 'pricing', latencyMs: 122 }]);
    expect(scenarioOf({ ...test, failure: 'UNAVAILABLE', latencyMs: null })).toEqual([{ name: 'pricing', latencyMs: undefined }]);
  });
});

describe('what the map draws for an answer', () => {
  it('marks each component by its verdict, the scenario\'s own first', () => {
    const marks = verdicts([{ name: 'payments' }], answer);
    expect(Object.fromEntries(marks)).toEqual({ payments: 'failed', checkout: 'broken', storefront: 'broken', shopper: 'degraded', pricing: 'unaffected', fulfilment: 'unaffected', 'fulfilment orders.placed process': 'unaffected' });
    expect(verdicts([{ name: 'pricing', latencyMs: 100 }], null).get('pricing')).toBe('slowed');
  });

  it('lights the paths the failure travels', () => {
    const { nodes, edges } = whatIfEmphasis([{ name: 'payments' }], answer);
    expect([...nodes].sort()).toEqual(['checkout', 'payments', 'shopper', 'storefront']);
    // checkout calls payments: the failure travels payments -> checkout on checkout's edge.
    expect(edges.has(edgeId('checkout', 'payments'))).toBe(true);
    expect(edges.has(edgeId('shopper', 'storefront'))).toBe(true);
  });
});

describe('createWhatIfQueries', () => {
  it('asks whatIf with the scenario and the window, and validates the answer', async () => {
    const requests: Array<{ variables: Record<string, unknown> }> = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      requests.push(JSON.parse(String(init.body)) as { variables: Record<string, unknown> });
      return new Response(JSON.stringify({ data: { whatIf: answer } }), { status: 200 });
    }) as typeof globalThis.fetch;
    const got = await createWhatIfQueries({ fetch }).whatIf([{ name: 'payments' }], { last: '1h' });
    expect(got.broken.map((i) => i.name)).toEqual(['storefront POST /orders', 'checkout', 'storefront']);
    expect(requests[0]?.variables).toEqual({ fail: ['payments'], slow: [], window: { last: '1h' } });
  });

  it('says what the API refused, and names a malformed field', async () => {
    const refusing = (async () => new Response(JSON.stringify({ errors: [{ message: 'no component named "nope" in this window' }] }), { status: 400 })) as unknown as typeof globalThis.fetch;
    await expect(createWhatIfQueries({ fetch: refusing }).whatIf([{ name: 'nope' }], {})).rejects.toThrow('no component named "nope"');
    expect(() => parseWhatIf({ broken: [{ ...answer.broken[0], path: 'payments' }], degraded: [], unaffected: [] })).toThrow(new GraphWireError('data.whatIf.broken[0].path must be a list of strings'));
  });
});
