import { describe, expect, it } from 'vitest';
import { component, edge, failingEdge, snapshot } from '../detectors/testing.ts';
import { orderFlow } from './order-flow.fixture.ts';
import { resiliencePlan } from './resilience-plan.ts';

describe('resiliencePlan', () => {
  const plan = resiliencePlan(orderFlow);
  const line = (t: (typeof plan)[number]) => `${t.component} ${t.failure} ${t.intensity}`;

  it('puts first what a tier-0 outcome rests on without evidence, then a degradable declaration traffic contradicts', () => {
    expect(plan.slice(0, 4).map(line)).toEqual([
      'gateway ERRORS 5% of calls fail, then more',
      'orders.placed ERRORS 5% of calls fail, then more',
      'fraud-check UNAVAILABLE every call fails',
      'gateway LATENCY +800 ms on every call',
    ]);
    expect(plan[0]).toMatchObject({ errorRate: 0.05, atStake: ['checkout', 'storefront', 'payments'] });
    expect(plan[0]!.reason).toContain('nothing shows they cope when it fails');
    expect(plan[2]!.reason).toContain('fraud-check is declared degradable (orrery.dev/degradable): losing it should be safe, so test exactly that');
    expect(plan[2]!.reason).toContain('But traffic already shows checkout failing with it in 80% of cases');
  });

  it('sizes a latency test by the tightest headroom over the calls per request on the way', () => {
    // checkout promises 2,500 ms and sees 800 ms; it calls pricing 14 times per order: 1,700 / 14.
    expect(plan.find((t) => t.component === 'pricing' && t.failure === 'LATENCY')).toMatchObject({ latencyMs: 122, intensity: '+122 ms on every call' });
    expect(plan.find((t) => t.component === 'pricing' && t.failure === 'LATENCY')!.reason).toContain('which it waits on about 14.0 times per request');
  });

  it('ranks what traffic has already answered last, and tests nothing a handled failure protects', () => {
    expect(plan.map(line).slice(-2)).toEqual(['payments ERRORS 5% of calls fail, after the fix', 'checkout ERRORS 5% of calls fail, after the fix']);
    expect(plan.some((t) => t.component === 'pricing' && t.failure !== 'LATENCY')).toBe(false);
    expect(plan.some((t) => t.component === 'openai' && t.failure !== 'LATENCY')).toBe(false);
  });

  it('plans nothing where no tier-0/1 outcome is at stake, and honours the limit', () => {
    expect(resiliencePlan(snapshot({ components: [component('batch', { tier: 3 })], dependencies: [failingEdge('batch', 'db', 5, 5, { kind: 'DATABASE' }), edge('batch', 'api')] }))).toEqual([]);
    expect(resiliencePlan(orderFlow, { limit: 3 })).toHaveLength(3);
  });
});
