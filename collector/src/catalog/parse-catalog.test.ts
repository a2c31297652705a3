import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ComponentNode, DependencyEdge } from '../model/graph-snapshot.ts';
import { applyCatalog } from './apply-catalog.ts';
import { parseCatalog } from './parse-catalog.ts';
import { loadCatalog, readCatalogFiles } from './read-catalog-files.ts';

const demoCatalog = fileURLToPath(new URL('../../../agents/demo/catalog/catalog-info.yaml', import.meta.url));
const brokenCatalog = fileURLToPath(new URL('../../fixtures-detectors/catalog-with-problems', import.meta.url));

const pairs = (declared: Array<{ from: string; to: string }>) => declared.map((d) => `${d.from} -> ${d.to}`).sort();

describe('the demo catalog', async () => {
  const catalog = await loadCatalog(demoCatalog);

  it('loads every Component and Resource under its observed name, and nothing else', () => {
    expect([...catalog.components.keys()].sort()).toEqual([
      'checkout', 'fraud-check', 'fulfilment', 'inventory', 'openai', 'orders.audit', 'orders.placed',
      'payment-gateway', 'payments', 'pricing', 'shopper', 'sqlite:///inventory', 'storefront',
    ]);
    expect(catalog.components.has('order-to-cash')).toBe(false);
  });

  it('reads intent, ownership and the service-name override', () => {
    expect(catalog.components.get('storefront')).toMatchObject({
      kind: 'Component', owner: 'team-storefront', system: 'order-to-cash',
      intent: { tier: 0, degradable: undefined, maxP95Ms: 3000, maxErrorRate: 0.01 },
    });
    expect(catalog.components.get('fraud-check')?.intent).toEqual({ tier: 3, degradable: true, maxP95Ms: 10000, maxErrorRate: undefined });
    expect(catalog.components.get('sqlite:///inventory')).toMatchObject({ entityName: 'inventory-db', kind: 'Resource', type: 'database', intent: { tier: 1 } });
  });

  it('declares dependsOn edges between observed names', () => {
    expect(pairs(catalog.declared)).toEqual([
      'checkout -> approvals', 'checkout -> fraud-check', 'checkout -> inventory', 'checkout -> orders.audit',
      'checkout -> orders.placed', 'checkout -> payments', 'checkout -> pricing',
      'fraud-check -> openai', 'fulfilment -> orders.placed', 'fulfilment -> payments', 'fulfilment -> sqlite:///inventory',
      'inventory -> sqlite:///inventory', 'payments -> payment-gateway', 'shopper -> storefront', 'storefront -> checkout',
    ]);
    expect(catalog.declared.every((d) => d.source === demoCatalog)).toBe(true);
  });

  it('reports the one deliberate gap: approvals has no entity', () => {
    expect(catalog.problems).toEqual([
      { file: demoCatalog, entity: 'component:default/checkout', field: 'spec.dependsOn[4]', message: expect.stringContaining('approvals') },
    ]);
  });
});

describe('a catalog with problems', async () => {
  const catalog = await loadCatalog(brokenCatalog);
  const problemAt = (field: string) => catalog.problems.filter((p) => p.field === field);

  it('still loads every good document, in every nested *.yaml / *.yml file', () => {
    expect([...catalog.components.keys()].sort()).toEqual(['billing', 'invoicing', 'orders', 'postgresql://db.internal:5432/billing']);
  });

  it('reports bad YAML with its file and line, skipping only that document', () => {
    const yamlProblems = catalog.problems.filter((p) => p.message.startsWith('invalid YAML'));
    expect(yamlProblems.length).toBeGreaterThan(0);
    expect(yamlProblems[0]).toMatchObject({ file: expect.stringMatching(/good-and-bad-documents\.yaml$/), message: expect.stringMatching(/document 2 \(line \d+\)/) });
  });

  it('reports each invalid annotation by field and leaves that intent undefined', () => {
    for (const key of ['tier', 'degradable', 'max-p95-ms', 'max-error-rate']) {
      expect(problemAt(`metadata.annotations.orrery.dev/${key}`)).toHaveLength(1);
    }
    expect(catalog.components.get('orders')?.intent).toEqual({ tier: undefined, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined });
    // Unquoted YAML numbers and booleans are accepted.
    expect(catalog.components.get('billing')?.intent).toMatchObject({ tier: 1, degradable: false });
    expect(catalog.components.get('orders')?.owner).toBe('team-orders');
  });

  it('reports a dependsOn to a missing entity, and still resolves the others (bare names too)', () => {
    expect(problemAt('spec.dependsOn[1]')).toEqual([expect.objectContaining({ entity: 'component:default/orders', message: expect.stringContaining('ghost-db') })]);
    expect(pairs(catalog.declared)).toEqual(['invoicing -> billing', 'orders -> billing', 'orders -> ghost-db', 'orders -> postgresql://db.internal:5432/billing']);
  });

  it('turns consumesApis x providesApis into declared dependencies, and reports an unknown API', () => {
    expect(problemAt('spec.consumesApis[1]').map((p) => p.message)).toEqual([
      expect.stringContaining('names no API entity'), expect.stringContaining('no Component or Resource provides'),
    ]);
  });

  it('skips non-descriptor files in the folder', async () => {
    const { files } = await readCatalogFiles(brokenCatalog);
    expect(files.map((f) => f.path.slice(brokenCatalog.length))).toEqual(['/good-and-bad-documents.yaml', '/nested/apis.yml']);
  });
});

describe('parseCatalog edge cases', () => {
  it('reports duplicates, clashing observed names, missing names and non-mapping documents', () => {
    const catalog = parseCatalog([{ path: 'a.yaml', text: [
      'kind: Component\nmetadata: { name: a }',
      'kind: Component\nmetadata: { name: A }',
      'kind: Resource\nmetadata: { name: b, annotations: { orrery.dev/service-name: a } }',
      'kind: Component\nmetadata: {}',
      '- just a list',
      '',
    ].join('\n---\n') }]);
    expect([...catalog.components.keys()]).toEqual(['a']);
    expect(catalog.problems.map((p) => p.message)).toEqual(expect.arrayContaining([
      expect.stringContaining('duplicate entity'), expect.stringContaining('no metadata.name'), expect.stringContaining('not a mapping'),
      expect.stringContaining('already claimed'),
    ]));
    expect(catalog.problems).toHaveLength(4);
  });

  it('rejects dependsOn on an API or a System, and a non-list dependsOn', () => {
    const catalog = parseCatalog([{ path: 'a.yaml', text: 'kind: Component\nmetadata: { name: a }\nspec: { dependsOn: [ "api:x", "system:y" ] }\n---\nkind: Component\nmetadata: { name: b }\nspec: { dependsOn: c }' }]);
    expect(catalog.declared).toEqual([]);
    expect(catalog.problems.map((p) => p.field)).toEqual(['spec.dependsOn[0]', 'spec.dependsOn[1]', 'spec.dependsOn']);
  });

  it('reads orrery.dev/observed-as as a trimmed list, and reports one that names nothing', () => {
    const catalog = parseCatalog([{ path: 'a.yaml', text: [
      'kind: Resource\nmetadata: { name: orders-db, annotations: { orrery.dev/observed-as: " postgresql://orders-db.internal/orders ,redis://cache-1:6380,, " } }',
      'kind: Resource\nmetadata: { name: b, annotations: { orrery.dev/observed-as: " , " } }',
      'kind: Component\nmetadata: { name: c }',
    ].join('\n---\n') }]);
    expect(catalog.components.get('orders-db')?.observedAs).toEqual(['postgresql://orders-db.internal/orders', 'redis://cache-1:6380']);
    expect(catalog.components.get('b')?.observedAs).toBeUndefined();
    expect(catalog.components.get('c')?.observedAs).toBeUndefined();
    expect(catalog.problems).toEqual([expect.objectContaining({ entity: 'resource:default/b', field: 'metadata.annotations.orrery.dev/observed-as' })]);
  });

  it('resolves namespaced references', () => {
    const catalog = parseCatalog([{ path: 'a.yaml', text: 'kind: Component\nmetadata: { name: a }\nspec: { dependsOn: [ "component:default/B", "resource:shop/db" ] }\n---\nkind: Component\nmetadata: { name: b }\n---\nkind: Resource\nmetadata: { name: db, namespace: shop }' }]);
    expect(catalog.problems).toEqual([]);
    expect(pairs(catalog.declared)).toEqual(['a -> b', 'a -> db']);
  });
});

describe('applyCatalog', () => {
  const node = (name: string): ComponentNode => ({
    name, kind: 'SERVICE', virtual: false, documented: false, owner: undefined, system: undefined,
    intent: { tier: undefined, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined }, firstSeenMs: 0, lastSeenMs: 0,
  });
  const edge = (from: string, to: string, kind: DependencyEdge['kind']): DependencyEdge => ({
    from, to, kind, protocol: 'http', calls: 1, errors: 0, calleeErrors: 0, propagatedErrors: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1,
    errorPropagation: undefined, callsPerTrace: 1, unconsumed: 0, documented: false, firstSeenMs: 0, lastSeenMs: 0, exemplarTraceIds: [],
  });

  it('marks catalogued components and declared edges (queues and async handoffs included) documented', async () => {
    const catalog = await loadCatalog(demoCatalog);
    const applied = applyCatalog(
      ['storefront', 'checkout', 'fulfilment', 'approvals', 'inventory'].map(node),
      [edge('storefront', 'checkout', 'SYNC'), edge('storefront', 'inventory', 'SYNC'), edge('orders.placed', 'fulfilment', 'CONSUME'), edge('checkout', 'fulfilment', 'ASYNC'), edge('checkout', 'approvals', 'SYNC')],
      catalog,
    );
    expect(applied.catalogLoaded).toBe(true);
    expect(applied.components.filter((c) => c.documented).map((c) => c.name)).toEqual(['storefront', 'checkout', 'fulfilment', 'inventory']);
    expect(applied.components[0]?.intent.tier).toBe(0);
    expect(applied.dependencies.map((d) => d.documented)).toEqual([true, false, true, true, true]);
  });
});
