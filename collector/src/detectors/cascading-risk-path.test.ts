import { describe, expect, it } from 'vitest';
import { createCascadingRiskPathDetector } from './cascading-risk-path.ts';
import { component, edge, failingEdge, snapshot } from './testing.ts';

const detect = createCascadingRiskPathDetector().detect;

const estate = (overrides: { fraudHop?: ReturnType<typeof edge>; fraud?: Parameters<typeof component>[1] } = {}) => snapshot({
  components: [
    component('storefront', { tier: 0, maxP95Ms: 3000, maxErrorRate: 0.01 }),
    component('checkout', { tier: 0, maxP95Ms: 2500, maxErrorRate: 0.01 }),
    component('fraud-check', { tier: 3, degradable: true, ...overrides.fraud }),
    component('pricing', { tier: 1, maxP95Ms: 50 }),
  ],
  dependencies: [
    failingEdge('storefront', 'checkout', 5, 5, { calls: 1000, exemplarTraceIds: ['t-store'] }),
    overrides.fraudHop ?? failingEdge('checkout', 'fraud-check', 48, 40, { exemplarTraceIds: ['t-fraud-1', 't-fraud-2'] }),
    edge('checkout', 'pricing', { p95Ms: 40 }),
  ],
});

describe('CASCADING_RISK_PATH', () => {
  it('raises a tier-0 path into a degradable tier-3 component that fails it as CRITICAL, with the evidence', () => {
    const findings = detect(estate());
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      kind: 'CASCADING_RISK_PATH',
      severity: 'CRITICAL',
      path: ['storefront', 'checkout', 'fraud-check'],
      components: ['storefront', 'checkout', 'fraud-check'],
      evidence: { traceIds: ['t-fraud-1', 't-fraud-2', 't-store'], assumedHops: 0 },
    });
    expect(finding?.evidence.probability).toBeCloseTo(40 / 48);
    expect(finding?.detail).toContain('storefront (tier 0: must never go down) waits synchronously on fraud-check (tier 3, degradable) via checkout.');
    expect(finding?.detail).toContain('When fraud-check failed, checkout failed too in 83% of cases (40 of 48), and storefront in 100% of cases (5 of 5).');
    expect(finding?.detail).toContain("Degradable work should not sit on a tier-0 synchronous path. checkout's calls to fraud-check fail 48% of the time (48 of 100), above the 1% error rate storefront promises (orrery.dev/max-error-rate): make the call asynchronous, add a fallback, or raise fraud-check's tier.");
    expect(finding?.detail).toContain('Example traces: t-fraud-1, t-fraud-2, t-store.');
    expect(finding?.evidence.hops).toEqual([
      'storefront -> checkout [SYNC]: propagation 100% (5/5), 1,000 calls, error rate 0.5%, p95 50 ms',
      'checkout -> fraud-check [SYNC]: propagation 83% (40/48), 100 calls, error rate 48%, p95 50 ms',
    ]);
  });

  it('keeps the same id across runs, whatever the measurements', () => {
    const again = detect(estate({ fraudHop: failingEdge('checkout', 'fraud-check', 10, 9) }));
    expect(again[0]?.id).toBe(detect(estate())[0]?.id);
    expect(again[0]?.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('rates a tier-1 start HIGH', () => {
    const findings = detect(snapshot({
      components: [component('payments', { tier: 1 }), component('receipts', { tier: 3 })],
      dependencies: [failingEdge('payments', 'receipts', 10, 5)],
    }));
    expect(findings.map((f) => [f.severity, f.path])).toEqual([['HIGH', ['payments', 'receipts']]]);
  });

  it('assumes failure propagates when there is no error data, one step less severe, and says so', () => {
    const [finding, ...rest] = detect(estate({ fraudHop: edge('checkout', 'fraud-check') }));
    expect(rest).toEqual([]);
    expect(finding?.severity).toBe('HIGH');
    expect(finding?.evidence.assumedHops).toBe(1);
    expect(finding?.detail).toContain('checkout has not yet seen fraud-check fail in 100 calls, so nothing shows it would cope: failure is assumed to propagate; when checkout failed, storefront failed too in 100% of cases (5 of 5).');
  });

  it('does not assume a hop whose caller handled every failure the last time the callee failed (a fix, then a quiet window)', () => {
    expect(detect(estate({ fraudHop: edge('checkout', 'fraud-check', { lastErrorPropagation: 0 }) }))).toEqual([]);
    // Seen passing failure on the last time: still assumed, as with no data at all.
    expect(detect(estate({ fraudHop: edge('checkout', 'fraud-check', { lastErrorPropagation: 0.8 }) }))[0]?.evidence.assumedHops).toBe(1);
  });

  it('is CRITICAL on assumed hops when the start already waits longer than a promise allows (exposed now)', () => {
    const [finding] = detect(estate({ fraudHop: edge('checkout', 'fraud-check', { p95Ms: 7800 }) }));
    expect(finding).toMatchObject({ severity: 'CRITICAL', evidence: { assumedHops: 1, exposure: 'now' } });
    expect(finding?.detail).toContain("fraud-check's p95 on this call is 7,800 ms, above the 2,500 ms checkout promises its callers");
  });

  it('sees no broken latency promise behind a caller that answers before its slow callee does', () => {
    // approvals hands the case to a person and answers at once: checkout never waits 20 s.
    const findings = detect(snapshot({
      components: [component('checkout', { tier: 0, maxP95Ms: 2500 }), component('approvals', { tier: 2 }), component('ap-review', { kind: 'HUMAN', tier: 3 })],
      dependencies: [edge('checkout', 'approvals', { p95Ms: 130 }), edge('approvals', 'ap-review', { p95Ms: 20_000 })],
    }));
    expect(findings.map((f) => [f.severity, f.detail.includes('p95')])).toEqual([['HIGH', false]]);
  });

  it('raises a dependency less reliable than its callers promise, even at the same tier', () => {
    const findings = detect(snapshot({
      components: [component('payments', { tier: 1, maxErrorRate: 0.01, maxP95Ms: 1000 }), component('payment-gateway', { tier: 1, kind: 'EXTERNAL', virtual: true })],
      dependencies: [edge('payments', 'payment-gateway', { calls: 200, errors: 10, p95Ms: 1800 })],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('HIGH');
    expect(findings[0]?.detail).toContain("payment-gateway's p95 on this call is 1,800 ms, above the 1,000 ms payments promises its callers");
    expect(findings[0]?.detail).toContain("payments's calls to payment-gateway fail 5% of the time (10 of 200), above the 1% error rate payments promises");
  });

  describe('near misses raise nothing', () => {
    it('the same shape between two tier-3 components', () => {
      expect(detect(snapshot({
        components: [component('batch', { tier: 3 }), component('report', { tier: 3, degradable: true })],
        dependencies: [failingEdge('batch', 'report', 10, 10)],
      }))).toEqual([]);
    });

    it('a tier-0 on a tier-1 that keeps its promises', () => {
      expect(detect(snapshot({
        components: [component('storefront', { tier: 0, maxP95Ms: 3000, maxErrorRate: 0.01 }), component('pricing', { tier: 1 })],
        dependencies: [failingEdge('storefront', 'pricing', 1, 1, { calls: 1000, p95Ms: 40 })],
      }))).toEqual([]);
    });

    it('a caller that handled every failure of the degradable dependency (fallback)', () => {
      expect(detect(estate({ fraudHop: failingEdge('checkout', 'fraud-check', 48, 0) }))).toEqual([]);
    });

    it('a degradable dependency reached asynchronously', () => {
      expect(detect(estate({ fraudHop: edge('checkout', 'fraud-check', { kind: 'ASYNC' }) }))).toEqual([]);
    });

    it('failure that rarely reaches the start', () => {
      expect(detect(estate({ fraudHop: failingEdge('checkout', 'fraud-check', 100, 5) }))).toEqual([]);
    });

    it('a breach judged on too few calls', () => {
      expect(detect(snapshot({
        components: [component('payments', { tier: 1, maxErrorRate: 0.01 }), component('gateway', { tier: 1 })],
        dependencies: [edge('payments', 'gateway', { calls: 5, errors: 2 })],
      }))).toEqual([]);
    });

    it('a chain of more assumed hops than cascadeMaxAssumedHops (2)', () => {
      const build = (hops: number) => {
        const chain = Array.from({ length: hops + 1 }, (_, i) => `n${i}`);
        return snapshot({
          components: chain.map((n, i) => component(n, i === 0 ? { tier: 0 } : i === hops ? { tier: 3, degradable: true } : {})),
          dependencies: chain.slice(1).map((n, i) => edge(chain[i]!, n)),
        });
      };
      expect(detect(build(2))).toHaveLength(1);
      expect(detect(build(3))).toEqual([]);
    });

    it('a degradable component further than the hop bound', () => {
      const chain = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      expect(detect(snapshot({
        components: chain.map((n, i) => component(n, i === 0 ? { tier: 0 } : i === chain.length - 1 ? { tier: 3, degradable: true } : {})),
        dependencies: chain.slice(1).map((n, i) => failingEdge(chain[i]!, n, 10, 10)),
      }))).toEqual([]);
    });
  });
});
