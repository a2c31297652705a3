import { describe, expect, it } from 'vitest';
import { createChattyCouplingDetector } from './chatty-coupling.ts';
import { component, edge, snapshot } from './testing.ts';

const detect = createChattyCouplingDetector().detect;

describe('CHATTY_COUPLING', () => {
  it('raises a caller making 10 or more calls per trace to one callee', () => {
    const findings = detect(snapshot({
      components: [component('checkout', { tier: 0 }), component('pricing', { tier: 1 })],
      dependencies: [edge('checkout', 'pricing', { callsPerTrace: 12.4, calls: 6200, p50Ms: 8 })],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'MEDIUM', path: ['checkout', 'pricing'], evidence: { callsPerTrace: 12.4, calls: 6200 } });
    expect(findings[0]?.detail).toContain('checkout (tier 0: must never go down) calls pricing (tier 1: critical) 12.4 times per trace on average (6,200 calls in all; the threshold is 10). At a median of 8 ms each, that is about 99 ms');
  });

  it('raises N+1 database queries, and honours a custom threshold', () => {
    const spec = { dependencies: [edge('reports', 'postgresql://db/reports', { kind: 'DATABASE', callsPerTrace: 6 })] };
    expect(detect(snapshot(spec))).toEqual([]);
    expect(createChattyCouplingDetector({ chattyCallsPerTrace: 5 }).detect(snapshot(spec))).toHaveLength(1);
  });

  describe('near misses raise nothing', () => {
    it('9.9 calls per trace, unknown calls per trace, or many messages published', () => {
      expect(detect(snapshot({
        dependencies: [
          edge('a', 'b', { callsPerTrace: 9.9 }),
          edge('a', 'c', { callsPerTrace: undefined }),
          edge('a', 'q', { kind: 'PUBLISH', callsPerTrace: 50 }),
        ],
      }))).toEqual([]);
    });
  });
});
