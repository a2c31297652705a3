import { describe, expect, it } from 'vitest';
import { createSyncAiOnCriticalPathDetector } from './sync-ai-on-critical-path.ts';
import { component, edge, snapshot } from './testing.ts';

const detect = createSyncAiOnCriticalPathDetector().detect;
const openai = component('openai', { kind: 'AI', virtual: true, tier: 3, degradable: true });

describe('SYNC_AI_ON_CRITICAL_PATH', () => {
  it('raises a tier-0 component waiting, through a degradable service, on a slow AI call', () => {
    const findings = detect(snapshot({
      components: [component('storefront', { tier: 0 }), component('checkout', { tier: 0 }), component('fraud-check', { tier: 3, degradable: true }), openai],
      dependencies: [edge('storefront', 'checkout'), edge('checkout', 'fraud-check'), edge('fraud-check', 'openai', { protocol: 'gen_ai', p95Ms: 6400, p99Ms: 7900, calls: 480, exemplarTraceIds: ['t-llm'] })],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'HIGH', path: ['checkout', 'fraud-check', 'openai'], components: ['checkout', 'storefront', 'fraud-check', 'openai'],
      evidence: { traceIds: ['t-llm'], p95Ms: 6400, waiting: ['checkout', 'storefront'] },
    });
    expect(findings[0]?.detail).toContain("whose p95 is 6,400 ms (p99 7,900 ms) over 480 calls; the limit is 2,000 ms");
  });

  it('rates it CRITICAL when a waiting tier-0 promises a p95 the AI call alone exceeds (exposed now)', () => {
    const build = (maxP95Ms: number) => detect(snapshot({
      components: [component('checkout', { tier: 0, maxP95Ms }), openai],
      dependencies: [edge('checkout', 'openai', { p95Ms: 6400 })],
    }))[0]?.severity;
    expect(build(2500)).toBe('CRITICAL');
    expect(build(8000)).toBe('HIGH');
  });

  it('rates a tier-1 caller MEDIUM', () => {
    const [finding] = detect(snapshot({ components: [component('support', { tier: 1 }), openai], dependencies: [edge('support', 'openai', { p95Ms: 2000 })] }));
    expect(finding?.severity).toBe('MEDIUM');
  });

  describe('near misses raise nothing', () => {
    it('a fast AI call, an AI call only tier-2/3 components wait on, or one made asynchronously', () => {
      expect(detect(snapshot({
        components: [component('checkout', { tier: 0 }), component('batch', { tier: 2 }), component('worker', { tier: 3 }), openai],
        dependencies: [
          edge('checkout', 'openai', { p95Ms: 1999 }),
          edge('batch', 'openai', { p95Ms: 9000 }),
          edge('checkout', 'worker', { kind: 'ASYNC' }),
          edge('worker', 'openai', { p95Ms: 9000 }),
        ],
      }))).toEqual([]);
    });

    it('a slow call to something that is not an AI component', () => {
      expect(detect(snapshot({ components: [component('checkout', { tier: 0 }), component('bank', { kind: 'EXTERNAL' })], dependencies: [edge('checkout', 'bank', { p95Ms: 9000 })] }))).toEqual([]);
    });
  });
});
