import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../catalog/parse-catalog.ts';
import { sparse } from '../timeline/buckets.ts';
import { createReadModel } from '../timeline/read-model.ts';
import { tiersFor } from '../timeline/tiers.ts';
import { docInputFromReadModel } from './from-read-model.ts';

const NOW = Date.UTC(2026, 4, 1, 12, 0);
const NO_INTENT = { tier: undefined, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined };

function model(firstSeenMs: number, bucketAtMs: number | undefined) {
  const m = createReadModel({ tiers: tiersFor(30 * 86_400_000) });
  for (const name of ['web', 'api']) {
    m.loadComponent({ name, kind: 'SERVICE', virtual: false, namespace: 'shop', environment: undefined, versions: ['1.0'], entryPoint: name === 'web', firstSeenMs, lastSeenMs: NOW - 60_000, documented: false, owner: undefined, system: undefined, intent: NO_INTENT });
  }
  m.loadEdge({ from: 'web', to: 'api', kind: 'SYNC', protocol: 'http', operation: 'GET /x', calls: 600, errors: 6, calleeErrors: 6, propagatedErrors: 3, traces: 600, unconsumed: 0, latency: [], firstSeenMs, lastSeenMs: NOW - 60_000, exemplarTraceIds: ['t1'], documented: false });
  if (bucketAtMs !== undefined) {
    m.loadEdgeBucket('web', 'api', 'SYNC', 'http', { startMs: bucketAtMs, resMs: 60_000, calls: 600, errors: 6, calleeErrors: 6, propagatedErrors: 3, traces: 600, unconsumed: 0, latency: sparse([]) });
  }
  m.loaded();
  return m;
}

const sources = { nowMs: NOW, catalog: undefined, catalogText: [], findings: [], shapes: [], mapUrl: '/' };

describe('docs input from the read model', () => {
  it('covers the last day, or the part of it since traffic was first seen, with rates over the time each edge was seen', () => {
    const input = docInputFromReadModel(model(NOW - 10 * 60_000, NOW - 5 * 60_000), sources);
    expect(input.window).toMatchObject({ label: 'the 10 minutes since traffic was first seen', fromMs: NOW - 10 * 60_000, minutes: 10 });
    expect(input.dependencies).toHaveLength(1);
    expect(input.dependencies[0]!.callsPerMinute).toBeCloseTo(600 / 9);
    expect(input.components.map((c) => [c.name, c.namespace, c.entryPoint])).toEqual([['api', 'shop', false], ['web', 'shop', true]]);
    const old = docInputFromReadModel(model(NOW - 3 * 86_400_000, NOW - 5 * 60_000), sources);
    expect(old.window).toMatchObject({ label: 'the last 24 hours', minutes: 1440 });
  });

  it('falls back to lifetime totals when nothing was seen in the last day', () => {
    const input = docInputFromReadModel(model(NOW - 5 * 86_400_000, undefined), sources);
    expect(input.window.label).toBe('all retained traffic (nothing in the last day)');
    expect(input.dependencies[0]!.calls).toBe(600);
    expect(input.dependencies[0]!.callsPerMinute).toBeUndefined();
  });

  it('joins the catalog as the detection loop does', () => {
    const catalog = parseCatalog([{ path: 'c.yaml', text: 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: web }\nspec: { owner: team-web, system: shop, dependsOn: [component:api] }\n' }]);
    const input = docInputFromReadModel(model(NOW - 10 * 60_000, NOW - 5 * 60_000), { ...sources, catalog });
    expect(input.components.find((c) => c.name === 'web')).toMatchObject({ documented: true, owner: 'team-web', system: 'shop', namespace: 'shop' });
    expect(input.dependencies[0]!.documented).toBe(true);
    expect(input.declared).toEqual([{ from: 'web', to: 'api', source: 'c.yaml' }]);
  });
});
