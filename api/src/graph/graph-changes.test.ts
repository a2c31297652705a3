// graphChanges through the real GraphQL server object (yoga.fetch, no socket) over a read model fed
// the aggregator's deltas, as the collector feeds it; declared-only components (a Neo4j read) are none.
import { describe, expect, it } from 'vitest';
import { createGraphAggregator } from '@orrery/collector/aggregate/graph-aggregator.ts';
import { parseDurationMs } from '@orrery/collector/timeline/duration.ts';
import { createReadModel } from '@orrery/collector/timeline/read-model.ts';
import { tiersFor } from '@orrery/collector/timeline/tiers.ts';
import { createOrreryYoga, type OrreryYogaOptions } from '../yoga.ts';

const QUERY = `query ($since: Int!) { graphChanges(since: $since, window: { last: "1h" }) {
  version full window { from to }
  components { name kind } removedComponents
  dependencies { from to kind protocol calls } removedDependencies { from to kind protocol }
} }`;

type Answer = { version: number; full: boolean; components: Array<{ name: string }>; removedComponents: string[]; dependencies: Array<{ from: string; to: string; calls: number }>; removedDependencies: unknown[] };

function calls(pairs: Array<[string, string]>, atMs: number) {
  const aggregator = createGraphAggregator({ maxDependencies: 1000, maxComponents: 1000 });
  for (const [from, to] of pairs) {
    const caller = { name: from, kind: 'SERVICE' as const, virtual: false };
    aggregator.addSighting({ ...caller, namespace: undefined, version: '1.0.0', environment: undefined, timeUnixMs: atMs, entryPoint: false });
    aggregator.addInteraction({
      from: caller, to: { name: to, kind: 'SERVICE', virtual: true }, kind: 'SYNC', protocol: 'http', operation: 'GET', traceId: `${from}-${to}-${atMs}`,
      timeUnixMs: atMs, durationMs: 5, callerError: false, calleeError: false,
    });
  }
  return aggregator.drain();
}

describe('graphChanges', () => {
  const model = createReadModel({ tiers: tiersFor(parseDurationMs('30d')!) });
  const noNeo4j = { executeQuery: async () => ({ records: [] }) } as unknown as OrreryYogaOptions['driver'];
  const yoga = createOrreryYoga({ driver: noNeo4j, database: 'neo4j', readModel: model });
  const ask = async (since: number): Promise<Answer> => {
    const response = await yoga.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { since } }) });
    const body = (await response.json()) as { data?: { graphChanges: Answer }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data!.graphChanges;
  };

  it('answers everything for since 0, then only what each publish changed', async () => {
    const now = Date.now();
    model.applyDelta(calls([['web', 'api'], ['api', 'db']], now - 60_000));
    const first = await ask(0);
    expect(first.full).toBe(true);
    expect(first.components.map((c) => c.name).sort()).toEqual(['api', 'db', 'web']);
    expect(first.dependencies).toHaveLength(2);

    model.applyDelta(calls([['api', 'cache']], now - 30_000));
    const next = await ask(first.version);
    expect(next.full).toBe(false);
    expect(next.version).toBeGreaterThan(first.version);
    expect(next.components.map((c) => c.name).sort()).toEqual(['api', 'cache']);
    expect(next.dependencies.map((d) => `${d.from}->${d.to}`)).toEqual(['api->cache']);
    expect(next.removedDependencies).toEqual([]);

    // Nothing new: an empty answer at the same version.
    const idle = await ask(next.version);
    expect(idle).toMatchObject({ full: false, version: next.version, components: [], dependencies: [] });
  });

  it('answers everything again for a version it does not know', async () => {
    const unknown = await ask(model.version() + 100);
    expect(unknown.full).toBe(true);
    expect(unknown.dependencies.length).toBeGreaterThanOrEqual(3);
  });

  it('packs the same components and dependencies into one field of numbers over a table of strings', async () => {
    const query = `{ graphChanges(since: 0, window: { last: "1h" }) { packed components { name displayName kind } dependencies { from to kind protocol operation calls errors p95Ms documented } } }`;
    const response = await yoga.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { data: { graphChanges: { packed: string; components: Array<Record<string, unknown>>; dependencies: Array<Record<string, unknown>> } } };
    const { packed, components, dependencies } = body.data.graphChanges;
    const wire = JSON.parse(packed) as { v: number; names: string[]; components: number[]; dependencies: number[] };
    expect(wire.v).toBe(1);
    const name = (i: number) => (i < 0 ? null : wire.names[i]);
    expect(wire.components.length).toBe(components.length * 10);
    expect(components.map((_, i) => [name(wire.components[i * 10]!), name(wire.components[i * 10 + 1]!), name(wire.components[i * 10 + 3]!)])).toEqual(components.map((c) => [c.name, c.displayName, c.kind]));
    expect(wire.dependencies.length).toBe(dependencies.length * 9);
    const unpacked = dependencies.map((_, i) => {
      const at = (k: number) => wire.dependencies[i * 9 + k]!;
      return { from: name(at(0)), to: name(at(1)), kind: name(at(2)), protocol: name(at(3)), operation: name(at(4)), calls: at(5), errors: at(6), p95Ms: at(7) < 0 ? null : at(7), documented: at(8) === 1 };
    });
    // p95Ms to a hundredth of a millisecond.
    expect(unpacked).toEqual(dependencies.map((d) => ({ ...d, p95Ms: d.p95Ms === null ? null : Math.round((d.p95Ms as number) * 100) / 100 })));
  });
});
