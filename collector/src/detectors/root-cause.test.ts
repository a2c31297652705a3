import { describe, expect, it } from 'vitest';
import type { RaisedFinding } from '../model/graph-snapshot.ts';
import { createCascadingRiskPathDetector } from './cascading-risk-path.ts';
import { createDetectors, rawFindings, runDetectors } from './index.ts';
import { groupByRootCause } from './root-cause.ts';
import { component, edge, failingEdge, snapshot, workflow } from './testing.ts';

// storefront -> checkout -> payments -> payment-gateway, failures observed all the way up: the
// gateway's errors are what breaks storefront's promise, at every link of the chain.
const paymentsChain = snapshot({
  components: [
    component('storefront', { tier: 0, maxErrorRate: 0.01 }), component('checkout', { tier: 0, maxErrorRate: 0.01 }),
    component('payments', { tier: 1, maxErrorRate: 0.01 }), component('payment-gateway', { tier: 1, kind: 'EXTERNAL', virtual: true }),
    component('shopper', { tier: 3, degradable: true }),
  ],
  dependencies: [
    edge('shopper', 'storefront', { calls: 500 }),
    failingEdge('storefront', 'checkout', 20, 20, { calls: 480 }), failingEdge('checkout', 'payments', 20, 20, { calls: 470 }),
    edge('payments', 'payment-gateway', { calls: 460, errors: 20 }),
  ],
  workflows: [workflow('storefront', { runs: 500, unhandledErrors: [{ path: ['storefront', 'checkout', 'payments'], count: 20, exemplarTraceIds: ['t-u'] }] })],
});

const kinds = (findings: readonly RaisedFinding[]) => findings.map((f) => f.kind).sort();

describe('groupByRootCause', () => {
  it('keeps one finding per root cause on a chain of failures, with the rest as its evidence', () => {
    const raw = rawFindings(paymentsChain);
    expect(kinds(raw.filter((f) => ['CASCADING_RISK_PATH', 'SINGLE_POINT_OF_FAILURE', 'UNHANDLED_EXCEPTION'].includes(f.kind)))).toEqual([
      'CASCADING_RISK_PATH', 'CASCADING_RISK_PATH', 'CASCADING_RISK_PATH', 'SINGLE_POINT_OF_FAILURE', 'UNHANDLED_EXCEPTION',
    ]);
    const grouped = runDetectors(paymentsChain).filter((f) => ['CASCADING_RISK_PATH', 'SINGLE_POINT_OF_FAILURE', 'UNHANDLED_EXCEPTION'].includes(f.kind));
    expect(grouped).toHaveLength(1);
    const [head] = grouped;
    // The head keeps the id the deepest path has on its own.
    const deepest = createCascadingRiskPathDetector().detect(paymentsChain).find((f) => f.path?.at(-1) === 'payment-gateway')!;
    expect(head).toMatchObject({ id: deepest.id, severity: 'CRITICAL', path: ['storefront', 'checkout', 'payments', 'payment-gateway'] });
    expect((head!.evidence.explains as string[]).map((e) => e.split(' ')[0]).sort()).toEqual(['CASCADING_RISK_PATH', 'CASCADING_RISK_PATH', 'SINGLE_POINT_OF_FAILURE', 'UNHANDLED_EXCEPTION']);
    const rawIds = new Set(raw.map((f) => f.id));
    expect((head!.evidence.explainedIds as string[]).filter((id) => rawIds.has(id) && id !== deepest.id)).toHaveLength(4);
    expect(head!.detail).toMatch(/The same root cause explains 4 other findings, folded in here: /);
  });

  it('keeps paths that part ways apart: two causes under one caller are two findings', () => {
    const findings = runDetectors(snapshot({
      components: [component('storefront', { tier: 0 }), component('checkout', { tier: 0 }), component('fraud-check', { tier: 3, degradable: true }), component('reviews', { tier: 3 })],
      dependencies: [failingEdge('storefront', 'checkout', 10, 10), failingEdge('checkout', 'fraud-check', 10, 8), failingEdge('checkout', 'reviews', 10, 9)],
    })).filter((f) => f.kind === 'CASCADING_RISK_PATH');
    expect(findings.map((f) => f.path?.at(-1)).sort()).toEqual(['fraud-check', 'reviews']);
    // Each may explain a single point of failure on its own branch, never the other path.
    expect(findings.flatMap((f) => (f.evidence.explains as string[] | undefined) ?? []).filter((e) => e.startsWith('CASCADING_RISK_PATH'))).toEqual([]);
  });

  it('never folds a finding into a less severe one', () => {
    const finding = (id: string, kind: RaisedFinding['kind'], severity: RaisedFinding['severity'], path: string[], evidence: Record<string, string[]> = {}): RaisedFinding =>
      ({ id, kind, severity, title: id, detail: id, components: path, path, evidence: { traceIds: [], ...evidence } });
    const short = finding('short', 'CASCADING_RISK_PATH', 'CRITICAL', ['a', 'b']);
    const long = finding('long', 'CASCADING_RISK_PATH', 'HIGH', ['a', 'b', 'c']);
    expect(groupByRootCause([short, long]).heads.map((f) => f.id).sort()).toEqual(['long', 'short']);
    const spof = finding('spof', 'SINGLE_POINT_OF_FAILURE', 'HIGH', ['b', 'a'], { criticalDependents: ['a'], chain: [] });
    const grouped = groupByRootCause([spof, { ...long, severity: 'CRITICAL' }]);
    expect(grouped.heads.map((f) => f.id)).toEqual(['long']);
    expect(grouped.foldedInto.get('spof')).toBe('long');
  });

  it('folds a slow AI call into the risk path its waiting callers are on', () => {
    const findings = runDetectors(snapshot({
      components: [component('checkout', { tier: 0, maxP95Ms: 2500 }), component('fraud-check', { tier: 3, degradable: true }), component('openai', { kind: 'AI', virtual: true, tier: 3, degradable: true })],
      dependencies: [edge('checkout', 'fraud-check', { p95Ms: 7000 }), failingEdge('fraud-check', 'openai', 30, 0, { p95Ms: 6900 })],
    }), createDetectors().filter((d) => d.kind === 'CASCADING_RISK_PATH' || d.kind === 'SYNC_AI_ON_CRITICAL_PATH'));
    expect(findings.map((f) => [f.kind, f.severity])).toEqual([['CASCADING_RISK_PATH', 'CRITICAL']]);
    expect(findings[0]?.components).toEqual(['checkout', 'fraud-check', 'openai']);
  });
});
