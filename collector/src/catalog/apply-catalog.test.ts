import { describe, expect, it } from 'vitest';
import type { ComponentNode, DependencyEdge } from '../model/graph-snapshot.ts';
import { applyCatalog } from './apply-catalog.ts';
import { parseCatalog } from './parse-catalog.ts';

const CATALOG = `
kind: Component
metadata: { name: checkout, annotations: { orrery.dev/tier: "1" } }
spec: { type: service, owner: team-checkout, dependsOn: [ "resource:orders-db", "component:old-billing", "ghost" ] }
---
kind: Resource
metadata: { name: orders-db, annotations: { orrery.dev/tier: "0" } }
spec: { type: database, owner: team-orders, system: shop }
---
kind: Component
metadata: { name: old-billing, annotations: { orrery.dev/tier: "2" } }
spec: { type: service, owner: team-billing }
`;
const catalog = parseCatalog([{ path: 'catalog-info.yaml', text: CATALOG }]);
const NO_INTENT = { tier: undefined, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined };

const observed = (name: string, kind: ComponentNode['kind'] = 'SERVICE'): ComponentNode => ({
  name, kind, virtual: kind !== 'SERVICE', documented: false, owner: undefined, system: undefined, intent: NO_INTENT, firstSeenMs: 0, lastSeenMs: 0,
});
const query = (to: string): DependencyEdge => ({
  from: 'checkout', to, kind: 'DATABASE', protocol: 'postgresql', calls: 1, errors: 0, calleeErrors: 0, propagatedErrors: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1,
  errorPropagation: undefined, callsPerTrace: 1, unconsumed: 0, documented: false, firstSeenMs: 0, lastSeenMs: 0, exemplarTraceIds: [],
});
const db = 'postgresql://orders-db.internal/orders';

describe('applyCatalog with Resources matched to observed components', () => {
  it('documents the database a Resource is, with its owner and intent, and covers the declared DATABASE edge', () => {
    const joined = applyCatalog([observed('checkout'), observed(db, 'DATABASE')], [query(db)], catalog);
    expect(joined.components.find((c) => c.name === db)).toMatchObject({ documented: true, owner: 'team-orders', system: 'shop', intent: { tier: 0 } });
    expect(joined.dependencies.map((d) => d.documented)).toEqual([true]);
    expect(joined.problems).toEqual([]);
  });

  it('rewrites declarations into observed names, keeping the declaration as the catalog writes it', () => {
    const replica = 'postgresql://orders-db.eu.internal/orders';
    const joined = applyCatalog([observed('checkout'), observed(db, 'DATABASE'), observed(replica, 'DATABASE')], [query(db), query(replica)], catalog);
    expect(joined.declared).toEqual([
      { from: 'checkout', to: db, source: 'catalog-info.yaml', declaredAs: { from: 'checkout', to: 'orders-db' } },
      { from: 'checkout', to: replica, source: 'catalog-info.yaml', declaredAs: { from: 'checkout', to: 'orders-db' } },
      { from: 'checkout', to: 'old-billing', source: 'catalog-info.yaml' },
      { from: 'checkout', to: 'ghost', source: 'catalog-info.yaml' },
    ]);
    expect(joined.dependencies.map((d) => d.documented)).toEqual([true, true]);
  });

  it('lists the declared targets nothing observed as declared-only, with catalog kind, ownership and intent (not a dependsOn naming no entity)', () => {
    const joined = applyCatalog([observed('checkout'), observed(db, 'DATABASE')], [query(db)], catalog);
    expect(joined.declaredOnly).toEqual([{
      name: 'old-billing', kind: 'SERVICE', entityRef: 'component:default/old-billing', owner: 'team-billing', system: undefined,
      intent: { ...NO_INTENT, tier: 2 }, source: 'catalog-info.yaml',
    }]);
  });

  it('near miss: a database whose host only starts with the Resource\'s name stays undocumented, and the Resource is declared-only', () => {
    const other = 'postgresql://orders-db-replica.internal/sales';
    const joined = applyCatalog([observed('checkout'), observed(other, 'DATABASE')], [query(other)], catalog);
    expect(joined.components.find((c) => c.name === other)?.documented).toBe(false);
    expect(joined.dependencies.map((d) => d.documented)).toEqual([false]);
    expect(joined.declaredOnly.map((c) => [c.name, c.kind])).toEqual([['orders-db', 'DATABASE'], ['old-billing', 'SERVICE']]);
  });

  it('lists no declared-only component for a declarer that was never observed', () => {
    expect(applyCatalog([observed(db, 'DATABASE')], [], catalog).declaredOnly).toEqual([]);
  });

  it('returns the problems only traffic reveals: one database matched by two Resources', () => {
    const two = parseCatalog([{ path: 'c.yaml', text: `${CATALOG}\n---\nkind: Resource\nmetadata: { name: orders }\nspec: { type: database }` }]);
    const joined = applyCatalog([observed('checkout'), observed(db, 'DATABASE')], [query(db)], two);
    expect(joined.components.find((c) => c.name === db)?.owner).toBe('team-orders');
    expect(joined.problems).toEqual([expect.objectContaining({ entity: 'resource:default/orders', message: expect.stringContaining('resource:default/orders-db') })]);
  });
});
