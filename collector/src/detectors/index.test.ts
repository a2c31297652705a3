import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyCatalog } from '../catalog/apply-catalog.ts';
import { loadCatalog } from '../catalog/read-catalog-files.ts';
import type { FindingKind } from '../model/graph-snapshot.ts';
import { DEFAULT_THRESHOLDS, createDetectors, runDetectors } from './index.ts';
import { HOUR_MS, NOW_MS, component, edge, failingEdge, snapshot, workflow } from './testing.ts';

describe('createDetectors / runDetectors', () => {
  it('creates one detector per finding kind', () => {
    expect(createDetectors().map((d) => d.kind).sort()).toEqual([
      'CASCADING_RISK_PATH', 'CHATTY_COUPLING', 'CYCLE', 'EXCEPTION_HEAVY_WORKFLOW', 'HIGH_COUPLING', 'ORPHANED_HANDOFF', 'SHARED_DATASTORE',
      'SINGLE_POINT_OF_FAILURE', 'STALE_DECLARATION', 'SYNC_AI_ON_CRITICAL_PATH', 'UNCATALOGUED_SERVICE', 'UNDOCUMENTED_DEPENDENCY', 'UNHANDLED_EXCEPTION',
    ]);
    expect(DEFAULT_THRESHOLDS.staleAfterMs).toBe(7 * 86_400_000);
    expect(DEFAULT_THRESHOLDS.handoffTimeoutMs).toBe(300_000);
  });

  it('keeps running the others when one detector throws, reporting it', () => {
    const broken = { kind: 'CYCLE' as const, detect: () => { throw new Error('boom'); } };
    const errors: string[] = [];
    const findings = runDetectors(snapshot({ dependencies: [edge('a', 'b', { callsPerTrace: 20 })] }), [broken, ...createDetectors()], (d) => errors.push(d.kind));
    expect(errors).toEqual(['CYCLE']);
    expect(findings.map((f) => f.kind)).toContain('CHATTY_COUPLING');
  });

  it('finds the deliberate gaps of the demo estate from its real catalog', async () => {
    const catalog = await loadCatalog(fileURLToPath(new URL('../../../agents/demo/catalog/catalog-info.yaml', import.meta.url)));
    const observed = snapshot({
      components: [
        ...['shopper', 'storefront', 'checkout', 'pricing', 'inventory', 'fulfilment', 'payments', 'fraud-check', 'approvals'].map((n) => component(n)),
        component('payment-gateway', { virtual: true }), component('openai', { kind: 'AI', virtual: true }),
        component('sqlite:///inventory', { kind: 'DATABASE', virtual: true }),
        component('orders.placed', { kind: 'QUEUE', virtual: true }), component('orders.audit', { kind: 'QUEUE', virtual: true }),
        component('ap-review', { kind: 'HUMAN', virtual: true }),
      ],
      dependencies: [
        edge('shopper', 'storefront'), failingEdge('storefront', 'checkout', 5, 5, { calls: 1000 }), edge('storefront', 'inventory'),
        edge('checkout', 'pricing', { callsPerTrace: 14 }), edge('checkout', 'inventory'), failingEdge('checkout', 'fraud-check', 30, 24),
        failingEdge('fraud-check', 'openai', 30, 0, { p95Ms: 6500 }), edge('checkout', 'payments'), edge('payments', 'payment-gateway'),
        edge('checkout', 'approvals'), edge('approvals', 'ap-review', { protocol: 'human' }),
        edge('inventory', 'sqlite:///inventory', { kind: 'DATABASE' }), edge('fulfilment', 'sqlite:///inventory', { kind: 'DATABASE' }),
        edge('checkout', 'orders.placed', { kind: 'PUBLISH' }), edge('orders.placed', 'fulfilment', { kind: 'CONSUME' }), edge('checkout', 'fulfilment', { kind: 'ASYNC' }),
        edge('checkout', 'orders.audit', { kind: 'PUBLISH', firstSeenMs: NOW_MS - HOUR_MS }),
      ],
      workflows: [workflow('storefront', { runs: 300, manualRuns: 45 })],
    });
    const applied = applyCatalog(observed.components, observed.dependencies, catalog);
    const findings = runDetectors({ ...observed, ...applied });
    const byKind = (kind: FindingKind) => findings.filter((f) => f.kind === kind).map((f) => f.components.join(' '));

    expect(byKind('UNCATALOGUED_SERVICE')).toEqual(['approvals']);
    expect(byKind('UNDOCUMENTED_DEPENDENCY')).toEqual(['storefront inventory']);
    expect(byKind('STALE_DECLARATION')).toEqual(['fulfilment payments']);
    expect(byKind('ORPHANED_HANDOFF')).toEqual(['orders.audit checkout']);
    // The slow AI call behind fraud-check, and fraud-check's and openai's single points of failure,
    // are the same root cause as the risk path: evidence on it, not findings of their own.
    expect(byKind('CASCADING_RISK_PATH')).toEqual(['storefront checkout fraud-check openai']);
    const risk = findings.find((f) => f.kind === 'CASCADING_RISK_PATH')!;
    expect(risk.path).toEqual(['storefront', 'checkout', 'fraud-check']);
    expect((risk.evidence.explains as string[]).map((e) => e.split(' ')[0])).toEqual(['SYNC_AI_ON_CRITICAL_PATH', 'SINGLE_POINT_OF_FAILURE']);
    expect(byKind('SHARED_DATASTORE')).toEqual(['sqlite:///inventory fulfilment inventory']);
    expect(byKind('CHATTY_COUPLING')).toEqual(['checkout pricing']);
    expect(byKind('SYNC_AI_ON_CRITICAL_PATH')).toEqual([]);
    // Single points of failure with no risk path through them stay, one per chain.
    expect(byKind('SINGLE_POINT_OF_FAILURE').sort()).toEqual([
      'ap-review approvals checkout storefront', 'payment-gateway payments checkout storefront', 'pricing checkout storefront', 'sqlite:///inventory inventory checkout storefront',
    ]);
    expect(byKind('EXCEPTION_HEAVY_WORKFLOW')).toEqual(['storefront']);
    expect(byKind('CYCLE')).toEqual([]);
    expect(findings.find((f) => f.kind === 'CASCADING_RISK_PATH')?.severity).toBe('CRITICAL');
  });
});
