import { describe, expect, it } from 'vitest';
import type { ComponentKind } from '../model/interaction.ts';
import { declaredKindOf, firstDnsLabel, matchObserved, parseDatabaseName, type ObservedComponentRef } from './match-observed.ts';
import { parseCatalog } from './parse-catalog.ts';

const catalogOf = (...documents: string[]) => parseCatalog([{ path: 'catalog-info.yaml', text: documents.join('\n---\n') }]);
const resource = (name: string, type?: string, annotations: Record<string, string> = {}) =>
  JSON.stringify({ kind: 'Resource', metadata: { name, annotations }, spec: { type, owner: `team-${name}`, system: 'shop' } });
const component = (name: string, annotations: Record<string, string> = {}) =>
  JSON.stringify({ kind: 'Component', metadata: { name, annotations }, spec: { type: 'service' } });
const seen = (name: string, kind: ComponentKind): ObservedComponentRef => ({ name, kind });

/** Observed name -> the metadata.name of the entity it matched. */
function matches(catalog: ReturnType<typeof catalogOf>, observed: ObservedComponentRef[]): Record<string, string> {
  const { entityOf } = matchObserved(catalog, observed);
  return Object.fromEntries([...entityOf].map(([name, entity]) => [name, entity.entityName]));
}

describe('observed names', () => {
  it('reads system, host, port and namespace from a database name', () => {
    expect(parseDatabaseName('postgresql://orders-db.internal/orders')).toEqual({ system: 'postgresql', host: 'orders-db.internal', port: undefined, namespace: 'orders' });
    expect(parseDatabaseName('redis://cache-1:6380')).toEqual({ system: 'redis', host: 'cache-1', port: 6380, namespace: undefined });
    expect(parseDatabaseName('postgresql://(checkout)/orders')).toEqual({ system: 'postgresql', host: undefined, port: undefined, namespace: 'orders' });
    expect(parseDatabaseName('mysql://[::1]:3307/shop')).toEqual({ system: 'mysql', host: '::1', port: 3307, namespace: 'shop' });
    expect(parseDatabaseName('sqlite:///inventory')).toMatchObject({ host: undefined, namespace: 'inventory' });
    expect(parseDatabaseName('orders.created')).toBeUndefined();
  });

  it('takes the first DNS label of a host name, and none of an IP address', () => {
    expect(firstDnsLabel('orders-db.internal')).toBe('orders-db');
    expect(firstDnsLabel('orders-db')).toBe('orders-db');
    expect(firstDnsLabel('10.0.0.5')).toBeUndefined();
    expect(firstDnsLabel('::1')).toBeUndefined();
  });
});

describe('default matching of a Resource without orrery.dev/observed-as', () => {
  it('matches a database by its host\'s first label, case-insensitively, whatever the port and namespace', () => {
    const catalog = catalogOf(resource('orders-db', 'database'));
    expect(matches(catalog, [
      seen('postgresql://orders-db.internal/orders', 'DATABASE'),
      seen('postgresql://ORDERS-DB.prod.example.com:5433/orders_archive', 'DATABASE'),
      seen('redis://orders-db', 'DATABASE'),
    ])).toEqual({
      'postgresql://orders-db.internal/orders': 'orders-db',
      'postgresql://ORDERS-DB.prod.example.com:5433/orders_archive': 'orders-db',
      'redis://orders-db': 'orders-db',
    });
    // One entity, several observed components (replicas, namespaces).
    expect(matchObserved(catalog, [seen('postgresql://orders-db.internal/a', 'DATABASE'), seen('postgresql://orders-db.internal/b', 'DATABASE')]).observedOf.get('orders-db'))
      .toEqual(['postgresql://orders-db.internal/a', 'postgresql://orders-db.internal/b']);
  });

  it('matches a database by its namespace, also when the host is unknown', () => {
    const catalog = catalogOf(resource('orders', 'database'));
    expect(matches(catalog, [seen('postgresql://db.internal/orders', 'DATABASE'), seen('postgresql://(checkout)/orders', 'DATABASE')])).toEqual({
      'postgresql://db.internal/orders': 'orders',
      'postgresql://(checkout)/orders': 'orders',
    });
  });

  it('matches a queue or topic and an AI provider by their whole name', () => {
    const catalog = catalogOf(resource('orders.created', 'topic'), resource('openai'));
    expect(matches(catalog, [seen('orders.created', 'QUEUE'), seen('openai', 'AI')])).toEqual({ 'orders.created': 'orders.created', openai: 'openai' });
  });

  describe('near misses that must not match', () => {
    it('a name that is only a prefix of the first label, a later label, or the whole host', () => {
      const catalog = catalogOf(resource('orders', 'database'), resource('internal', 'database'), resource('orders-db.internal', 'database'));
      expect(matches(catalog, [
        seen('postgresql://orders-db.internal/sales', 'DATABASE'),
        seen('postgresql://orders-db-replica.internal', 'DATABASE'),
      ])).toEqual({});
    });

    it('an IP address, an unknown host without the namespace, a namespace that only contains the name', () => {
      const catalog = catalogOf(resource('10', 'database'), resource('checkout', 'database'), resource('orders', 'database'));
      expect(matches(catalog, [
        seen('postgresql://10.0.0.5/sales', 'DATABASE'),
        seen('postgresql://(checkout)/sales', 'DATABASE'),
        seen('postgresql://db/orders_archive', 'DATABASE'),
      ])).toEqual({});
    });

    it('a Resource whose spec.type names another kind (a topic is not a database namespace)', () => {
      // (OpenAI differs from the provider's name in case only, so it is no exact-name claim.)
      const catalog = catalogOf(resource('orders', 'topic'), resource('OpenAI', 'database'));
      expect(matches(catalog, [seen('postgresql://db/orders', 'DATABASE'), seen('openai', 'AI'), seen('orders', 'QUEUE')])).toEqual({ orders: 'orders' });
    });

    it('a Component, a Resource with orrery.dev/observed-as, and an external API (only observed-as names one)', () => {
      const catalog = catalogOf(
        component('orders-db'),
        resource('billing-db', 'database', { 'orrery.dev/observed-as': 'postgresql://pg-main/billing' }),
        resource('api', 'external-api'),
      );
      expect(matches(catalog, [
        seen('postgresql://orders-db.internal/orders', 'DATABASE'),
        seen('postgresql://billing-db.internal/billing', 'DATABASE'),
        seen('api.stripe.com', 'EXTERNAL'),
      ])).toEqual({});
    });
  });
});

describe('orrery.dev/observed-as', () => {
  it('claims each listed observed component, for a Resource and for a Component, besides its own name', () => {
    const catalog = catalogOf(
      resource('payments-api', 'external-api', { 'orrery.dev/observed-as': 'api.stripe.com, api.stripe.com:8443' }),
      component('checkout', { 'orrery.dev/observed-as': 'checkout-worker' }),
    );
    expect(matches(catalog, [
      seen('api.stripe.com', 'EXTERNAL'), seen('api.stripe.com:8443', 'EXTERNAL'), seen('checkout', 'SERVICE'), seen('checkout-worker', 'SERVICE'), seen('payments-api', 'SERVICE'),
    ])).toEqual({
      'api.stripe.com': 'payments-api', 'api.stripe.com:8443': 'payments-api', checkout: 'checkout', 'checkout-worker': 'checkout', 'payments-api': 'payments-api',
    });
  });

  it('wins over a default match without a problem', () => {
    const catalog = catalogOf(resource('orders-db', 'database'), resource('main-db', 'database', { 'orrery.dev/observed-as': 'postgresql://orders-db.internal/orders' }));
    const result = matchObserved(catalog, [seen('postgresql://orders-db.internal/orders', 'DATABASE')]);
    expect(result.entityOf.get('postgresql://orders-db.internal/orders')?.entityName).toBe('main-db');
    expect(result.problems).toEqual([]);
  });
});

describe('an observed component two entities match', () => {
  it('is a catalog problem naming both; the first in catalog order keeps it', () => {
    const catalog = catalogOf(resource('orders-db', 'database'), resource('orders', 'database'));
    const result = matchObserved(catalog, [seen('postgresql://orders-db.internal/orders', 'DATABASE')]);
    expect(result.entityOf.get('postgresql://orders-db.internal/orders')?.entityName).toBe('orders-db');
    expect(result.problems).toEqual([{
      file: 'catalog-info.yaml', entity: 'resource:default/orders', field: 'metadata.name',
      message: expect.stringMatching(/"postgresql:\/\/orders-db\.internal\/orders" is matched by both resource:default\/orders-db .* and this entity.*orrery\.dev\/observed-as/),
    }]);
  });

  it('when claimed explicitly twice, points at the annotation', () => {
    const catalog = catalogOf(component('checkout'), resource('legacy', undefined, { 'orrery.dev/observed-as': 'checkout' }));
    const result = matchObserved(catalog, [seen('checkout', 'SERVICE')]);
    expect(result.entityOf.get('checkout')?.entityName).toBe('checkout');
    expect(result.problems).toEqual([expect.objectContaining({ entity: 'resource:default/legacy', field: 'metadata.annotations.orrery.dev/observed-as' })]);
  });
});

describe('declaredKindOf', () => {
  it('draws a Component as a service and a Resource by its type', () => {
    const kind = (document: string) => declaredKindOf([...catalogOf(document).components.values()][0]!);
    expect(kind(component('old-billing'))).toBe('SERVICE');
    expect(kind(resource('orders-db', 'database'))).toBe('DATABASE');
    expect(kind(resource('orders.created', 'topic'))).toBe('QUEUE');
    expect(kind(resource('openai', 'llm'))).toBe('AI');
    expect(kind(resource('bucket', 's3-bucket'))).toBe('EXTERNAL');
  });
});
