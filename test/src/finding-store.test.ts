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
});
