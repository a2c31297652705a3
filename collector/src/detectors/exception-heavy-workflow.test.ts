import { describe, expect, it } from 'vitest';
import { createExceptionHeavyWorkflowDetector } from './exception-heavy-workflow.ts';
import { component, edge, snapshot, workflow } from './testing.ts';

const detect = createExceptionHeavyWorkflowDetector().detect;

describe('EXCEPTION_HEAVY_WORKFLOW', () => {
  it('raises a workflow where more than 10% of runs go to a human or fail', () => {
    const findings = detect(snapshot({
      components: [component('checkout', { tier: 0 }), component('ap-review', { kind: 'HUMAN', virtual: true })],
      dependencies: [edge('checkout', 'ap-review', { protocol: 'human' })],
      workflows: [workflow('checkout', { runs: 200, manualRuns: 18, failedRuns: 6, exemplarTraceIds: ['t-manual'] })],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'MEDIUM', components: ['checkout', 'ap-review'], evidence: { traceIds: ['t-manual'], runs: 200 } });
    expect(findings[0]?.detail).toContain('Of 200 runs of checkout (tier 0: must never go down) POST /orders, 18 (9%) fell to manual handling (ap-review) and 6 (3%) ended in error: 12% exceptions');
  });

  describe('near misses raise nothing', () => {
    it('exactly 10% exceptions, or too few runs to judge', () => {
      expect(detect(snapshot({
        workflows: [workflow('a', { runs: 100, manualRuns: 5, failedRuns: 5 }), workflow('b', { runs: 19, failedRuns: 19 })],
      }))).toEqual([]);
    });
  });
});
