import { describe, expect, it } from 'vitest';
import { createStaleDeclarationDetector } from './stale-declaration.ts';
import { DAY_MS, NOW_MS, component, declared, edge, snapshot } from './testing.ts';

const detect = createStaleDeclarationDetector().detect;
const fulfilment = component('fulfilment', { tier: 2, firstSeenMs: NOW_MS - 30 * DAY_MS });

describe('STALE_DECLARATION', () => {
  it('raises a declaration never observed while its declarer has been watched for the window', () => {
    const findings = detect(snapshot({ components: [fulfilment, component('payments', { tier: 1 })], declared: [declared('fulfilment', 'payments')] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'STALE_DECLARATION', severity: 'INFO', path: ['fulfilment', 'payments'], evidence: { lastSeen: 'never' } });
    expect(findings[0]?.detail).toContain('fulfilment (tier 2: important) declares a dependency on payments (tier 1: critical) in catalog-info.yaml, but the dependency has never been observed');
    expect(findings[0]?.detail).toContain('nothing in 7 days of traffic');
  });

  it('raises a dependency last observed before the window, and honours a shorter window', () => {
    const spec = {
      components: [fulfilment],
      dependencies: [edge('fulfilment', 'payments', { lastSeenMs: NOW_MS - 2 * DAY_MS })],
      declared: [declared('fulfilment', 'payments')],
    };
    expect(detect(snapshot(spec))).toEqual([]);
    const findings = createStaleDeclarationDetector({ staleAfterMs: DAY_MS }).detect(snapshot(spec));
    expect(findings[0]?.detail).toContain('was last observed 2 days ago');
  });

  it('is not raised while the declarer\'s own traffic is still in a backlog being written', () => {
    const behind = NOW_MS - 3 * DAY_MS; // fulfilment's spans written so far end three days ago
    const spec = {
      components: [component('fulfilment', { tier: 2, firstSeenMs: NOW_MS - 30 * DAY_MS, lastSeenMs: behind })],
      dependencies: [edge('fulfilment', 'payments', { lastSeenMs: behind - DAY_MS / 2 })],
      declared: [declared('fulfilment', 'payments')],
    };
    expect(createStaleDeclarationDetector({ staleAfterMs: DAY_MS }).detect(snapshot(spec))).toEqual([]);
    // Caught up, and still not calling payments: stale.
    const caughtUp = { ...spec, components: [component('fulfilment', { tier: 2, firstSeenMs: NOW_MS - 30 * DAY_MS })] };
    expect(createStaleDeclarationDetector({ staleAfterMs: DAY_MS }).detect(snapshot(caughtUp))).toHaveLength(1);
  });

  describe('near misses raise nothing', () => {
    it('a declaration observed within the window, directly or as a consumed queue', () => {
      expect(detect(snapshot({
        components: [fulfilment, component('orders.placed', { kind: 'QUEUE' })],
        dependencies: [edge('fulfilment', 'payments'), edge('orders.placed', 'fulfilment', { kind: 'CONSUME' })],
        declared: [declared('fulfilment', 'payments'), declared('fulfilment', 'orders.placed')],
      }))).toEqual([]);
    });

    it('a declarer watched for less than the window, virtual, or never seen', () => {
      expect(detect(snapshot({
        components: [component('new-service', { firstSeenMs: NOW_MS - DAY_MS }), component('gateway', { virtual: true })],
        declared: [declared('new-service', 'payments'), declared('gateway', 'bank'), declared('ghost', 'payments')],
      }))).toEqual([]);
    });

    it('without a catalog', () => {
      expect(detect(snapshot({ components: [fulfilment], declared: [declared('fulfilment', 'payments')], catalogLoaded: false }))).toEqual([]);
    });
  });
});

describe('STALE_DECLARATION with the catalog matched to observed names', () => {
  const db = 'postgresql://orders-db.internal/orders';
  const replica = 'postgresql://orders-db.eu.internal/orders';
  const viaEntity = (to: string) => ({ ...declared('checkout', to), declaredAs: { from: 'checkout', to: 'orders-db' } });
  const checkout = component('checkout', { tier: 1 });

  it('names a declared-only target among the components, with its catalog intent, and says it was never seen', () => {
    const findings = detect(snapshot({
      components: [checkout],
      declared: [declared('checkout', 'old-billing')],
      declaredOnly: [{ name: 'old-billing', kind: 'SERVICE', entityRef: 'component:default/old-billing', owner: 'team-billing', system: undefined, intent: { tier: 0, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined }, source: 'catalog-info.yaml' }],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ components: ['checkout', 'old-billing'], path: ['checkout', 'old-billing'], severity: 'LOW', evidence: { lastSeen: 'never', targetLastSeen: 'never' } });
    expect(findings[0]?.detail).toContain('declares a dependency on old-billing (tier 0: must never go down) in catalog-info.yaml');
    expect(findings[0]?.detail).toContain('old-billing itself has never been seen in traces: only the catalog knows it.');
  });

  it('says when an observed target was last seen, and whether others still use it', () => {
    const findings = detect(snapshot({
      components: [checkout, component('payments', { lastSeenMs: NOW_MS - 3_600_000 })],
      dependencies: [edge('checkout', 'payments', { lastSeenMs: NOW_MS - 9 * DAY_MS })],
      declared: [declared('checkout', 'payments')],
    }));
    expect(findings[0]?.evidence).toMatchObject({ lastSeen: expect.stringMatching(/UTC$/), targetLastSeen: '2023-11-14 21:13 UTC' });
    expect(findings[0]?.detail).toContain('payments itself was last seen 1 hour ago (2023-11-14 21:13 UTC), so it is still in use, only not by checkout.');
  });

  it('judges a declaration once for an entity seen as several components: using either replica keeps it fresh', () => {
    const spec = {
      components: [checkout, component(db, { kind: 'DATABASE', virtual: true }), component(replica, { kind: 'DATABASE', virtual: true })],
      declared: [viaEntity(db), viaEntity(replica)],
    };
    expect(detect(snapshot({ ...spec, dependencies: [edge('checkout', replica, { kind: 'DATABASE' })] }))).toEqual([]);
    const findings = detect(snapshot({ ...spec, dependencies: [edge('checkout', db, { kind: 'DATABASE', lastSeenMs: NOW_MS - 8 * DAY_MS })] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ title: 'checkout declares orders-db, unobserved for 7 days', components: ['checkout', db, replica], path: undefined, evidence: { observedAs: [db, replica] } });
    expect(findings[0]?.detail).toContain(`(observed as ${db}, ${replica})`);
  });
});

describe('STALE_DECLARATION behind one removed component', () => {
  const watched = (name: string, tier?: 0 | 1 | 2 | 3) => component(name, { tier, firstSeenMs: NOW_MS - 30 * DAY_MS });
  // ledger stopped sending spans 20 days ago; three services still declare it.
  const ledger = component('ledger', { tier: 1, lastSeenMs: NOW_MS - 20 * DAY_MS, firstSeenMs: NOW_MS - 60 * DAY_MS });
  const estate = (declarers: string[]) => snapshot({
    components: [...declarers.map((n, i) => watched(n, i === 0 ? 0 : 2)), ledger],
    dependencies: declarers.map((n) => edge(n, 'ledger', { lastSeenMs: NOW_MS - 20 * DAY_MS })),
    declared: declarers.map((n) => declared(n, 'ledger')),
  });

  it('is one finding for the removed target, naming every declarer', () => {
    const findings = detect(estate(['billing', 'invoicing', 'reports']));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      title: 'ledger is gone but 3 components still declare it',
      components: ['billing', 'ledger', 'invoicing', 'reports'],
      evidence: { declarers: ['billing', 'invoicing', 'reports'], targetLastSeen: '2023-10-25 22:13 UTC' },
    });
    expect(findings[0]?.detail).toContain('ledger (tier 1: critical) was last seen 2023-10-25 22:13 UTC, nothing in 7 days since, yet 3 components still declare a dependency on it: billing (catalog-info.yaml), invoicing (catalog-info.yaml), reports (catalog-info.yaml).');
  });

  it('keeps its id as declarers come and go, down to one', () => {
    const ids = [['billing', 'invoicing', 'reports'], ['billing', 'reports'], ['reports']].map((d) => detect(estate(d)).map((f) => f.id));
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
  });

  it('keeps a stale declaration of a target still in use by others on its own', () => {
    const findings = detect(snapshot({
      components: [watched('billing'), watched('invoicing'), component('ledger', { tier: 1 })],
      dependencies: [edge('invoicing', 'ledger')],
      declared: [declared('billing', 'ledger'), declared('invoicing', 'ledger')],
    }));
    expect(findings.map((f) => f.title)).toEqual(['billing declares ledger, unobserved for 7 days']);
  });
});
