import { describe, expect, it } from 'vitest';
import { createSharedDatastoreDetector } from './shared-datastore.ts';
import { component, edge, snapshot } from './testing.ts';

const detect = createSharedDatastoreDetector().detect;
const db = component('sqlite:///inventory', { kind: 'DATABASE', virtual: true, tier: 1 });

describe('SHARED_DATASTORE', () => {
  it('raises a database used directly by two services', () => {
    const findings = detect(snapshot({
      components: [db, component('inventory', { tier: 1 }), component('fulfilment', { tier: 2 })],
      dependencies: [edge('inventory', db.name, { kind: 'DATABASE', calls: 900 }), edge('fulfilment', db.name, { kind: 'DATABASE', calls: 100 }), edge('fulfilment', db.name, { kind: 'DATABASE', calls: 5 })],
    }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'LOW', components: [db.name, 'fulfilment', 'inventory'], evidence: { services: ['fulfilment', 'inventory'] } });
    expect(findings[0]?.detail).toContain('fulfilment: 105 queries, inventory: 900 queries');
  });

  describe('near misses raise nothing', () => {
    it('one service with several connections, or a database reached through its owner', () => {
      expect(detect(snapshot({
        components: [db],
        dependencies: [edge('inventory', db.name, { kind: 'DATABASE' }), edge('inventory', db.name, { kind: 'DATABASE', protocol: 'sqlite2' }), edge('fulfilment', 'inventory')],
      }))).toEqual([]);
    });

    it('two services on the same queue or external API', () => {
      expect(detect(snapshot({
        components: [component('q', { kind: 'QUEUE' }), component('api.example.com', { kind: 'EXTERNAL' })],
        dependencies: [edge('a', 'q', { kind: 'PUBLISH' }), edge('b', 'q', { kind: 'PUBLISH' }), edge('a', 'api.example.com'), edge('b', 'api.example.com')],
      }))).toEqual([]);
    });
  });
});
