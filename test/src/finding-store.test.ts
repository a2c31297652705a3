// The finding lifecycle in the real Neo4j (collector/src/store/finding-store.ts): raised -> OPEN,
// no longer raised -> RESOLVED, raised again -> OPEN; and a finding held back beyond the cap
// (detectors/flood-control.ts) stays as it is instead of resolving and reopening as traffic
// moves it across the cap, which would send a resolved and a firing alert each time.
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RaisedFinding } from '../../collector/src/model/graph-snapshot.ts';
import { capFindings } from '../../collector/src/detectors/flood-control.ts';
import { createFindingStore } from '../../collector/src/store/finding-store.ts';
import { clearGraph } from './support/platform.ts';

const uri = inject('neo4jUri');
const driver = neo4j.driver(uri);
afterAll(() => driver.close());
beforeAll(() => clearGraph(uri));

const finding = (id: string, severity: RaisedFinding['severity'] = 'MEDIUM'): RaisedFinding => ({
  id, kind: 'CHATTY_COUPLING', severity, title: id, detail: id, components: [], path: undefined, evidence: { traceIds: [] },
});

async function statusOf(id: string): Promise<string | undefined> {
  const { records } = await driver.executeQuery('MATCH (n:Finding {id: $id}) RETURN n.status AS status', { id });
  return records[0]?.get('status') as string | undefined;
}

describe('the finding store', () => {
  it('opens, resolves and reopens by what a pass raises', async () => {
    const store = createFindingStore(driver, 'neo4j');
    expect((await store.reconcile([finding('a'), finding('b')], 1000)).opened.sort()).toEqual(['a', 'b']);
    const second = await store.reconcile([finding('a')], 2000);
    expect([second.opened, second.resolved]).toEqual([[], ['b']]);
    expect(await statusOf('b')).toBe('RESOLVED');
    expect((await store.reconcile([finding('a'), finding('b')], 3000)).opened).toEqual(['b']);
  });

  it('keeps an open finding open while the cap holds it back, and resolves it once nothing raises it', async () => {
    const store = createFindingStore(driver, 'neo4j');
    await store.reconcile([finding('x', 'HIGH'), finding('y')], 10_000);
    // The next pass raises a new HIGH finding: with a cap of 2, y is counted in the summary, not listed.
    const capped = capFindings([finding('x', 'HIGH'), finding('z', 'HIGH'), finding('y')], 2);
    expect(capped.map((f) => f.id)).not.toContain('y');
    const held = await store.reconcile(capped, 11_000);
    expect(held.resolved).not.toContain('y');
    expect(held.opened).not.toContain('y');
    expect(await statusOf('y')).toBe('OPEN');
    // Listed again: still the same open finding, nothing opened anew.
    expect((await store.reconcile([finding('x', 'HIGH'), finding('y')], 12_000)).opened).toEqual([]);
    // Held back while not open: not opened by being counted.
    await store.reconcile([finding('x', 'HIGH')], 13_000);
    expect(await statusOf('y')).toBe('RESOLVED');
    await store.reconcile(capFindings([finding('x', 'HIGH'), finding('z', 'HIGH'), finding('y')], 2), 14_000);
    expect(await statusOf('y')).toBe('RESOLVED');
  });

  it('moves only lastSeen of a finding raised again unchanged, sets the properties of one about the same components, re-lays a changed one, and re-creates one removed under it', async () => {
    await clearGraph(uri);
    await driver.executeQuery("CREATE (:Component {name: 'svc-a'}), (:Component {name: 'svc-b'})");
    const store = createFindingStore(driver, 'neo4j');
    const concerning = (detail: string, components: string[]): RaisedFinding => ({ ...finding('c'), detail, components });
    const read = async () => {
      const { records } = await driver.executeQuery(
        "MATCH (n:Finding {id: 'c'}) OPTIONAL MATCH (n)-[:CONCERNS]->(x) RETURN n.lastSeen AS lastSeen, n.detail AS detail, n.status AS status, collect(x.name) AS names");
      const r = records[0];
      return r && { lastSeen: Number(r.get('lastSeen')), detail: r.get('detail') as string, status: r.get('status') as string, names: (r.get('names') as string[]).sort() };
    };
    expect((await store.reconcile([concerning('one', ['svc-a'])], 20_000)).opened).toEqual(['c']);
    expect(await store.reconcile([concerning('one', ['svc-a'])], 21_000)).toEqual({ opened: [], resolved: [], open: 1 });
    expect(await read()).toEqual({ lastSeen: 21_000, detail: 'one', status: 'OPEN', names: ['svc-a'] });
    await store.reconcile([concerning('two', ['svc-a'])], 21_500);
    expect(await read()).toEqual({ lastSeen: 21_500, detail: 'two', status: 'OPEN', names: ['svc-a'] });
    await store.reconcile([concerning('two', ['svc-a', 'svc-b'])], 22_000);
    expect(await read()).toEqual({ lastSeen: 22_000, detail: 'two', status: 'OPEN', names: ['svc-a', 'svc-b'] });
    // The graph cleared under a running store: the finding it thinks written is opened again.
    await driver.executeQuery("MATCH (n:Finding) DETACH DELETE n");
    expect((await store.reconcile([concerning('two', ['svc-a', 'svc-b'])], 23_000)).opened).toEqual(['c']);
    expect(await read()).toEqual({ lastSeen: 23_000, detail: 'two', status: 'OPEN', names: ['svc-a', 'svc-b'] });
    // Resolved, then raised again exactly as before: opened again, not merely touched.
    expect((await store.reconcile([], 24_000)).resolved).toEqual(['c']);
    expect((await store.reconcile([concerning('two', ['svc-a', 'svc-b'])], 25_000)).opened).toEqual(['c']);
    expect((await read())?.status).toBe('OPEN');
  });
});
