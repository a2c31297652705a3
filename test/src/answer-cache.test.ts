// The answer cache (api/src/answer-cache.ts) in the real GraphQL server over a read model, with the
// real Neo4j behind its declared-only components: a list query asked again is served the kept body
// only while everything it was computed from still holds; a publish, a window that moved on to the
// next minute, or a new declared-only component each give a fresh answer, and queries reading
// findings or series are never kept. And windows that share an answer (a dependency quiet in the
// minutes between them) still step its series across each one's own minutes.
import neo4j from 'neo4j-driver';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createOrreryYoga } from '../../api/src/yoga.ts';
import { createGraphAggregator } from '../../collector/src/aggregate/graph-aggregator.ts';
import type { Interaction } from '../../collector/src/model/interaction.ts';
import { createReadModel } from '../../collector/src/timeline/read-model.ts';
import { DAY_MS, MINUTE_MS, tiersFor } from '../../collector/src/timeline/tiers.ts';
import { clearGraph } from './support/platform.ts';

const uri = inject('neo4jUri');
const driver = neo4j.driver(uri);
afterAll(() => driver.close());
beforeAll(() => clearGraph(uri));
afterEach(() => vi.useRealTimers());

// Half a minute into a minute: a window of the last hour keeps its minutes for the next 30 s.
const NOW = Date.parse('2026-12-01T12:00:30Z');

function call(from: string, to: string, atMs: number): Interaction {
  return {
    from: { name: from, kind: 'SERVICE', virtual: false }, to: { name: to, kind: 'SERVICE', virtual: false }, kind: 'SYNC', protocol: 'http',
    operation: 'GET /x', traceId: `${atMs}${from}`.padStart(32, '0'), timeUnixMs: atMs, durationMs: 10, callerError: false, calleeError: false,
  };
}

function platformAt(nowMs: number) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(nowMs);
  const model = createReadModel({ tiers: tiersFor(30 * DAY_MS) });
  const aggregator = createGraphAggregator({ maxDependencies: 100, maxComponents: 100, clock: () => Date.now() });
  const publish = (calls: Interaction[]) => {
    for (const c of calls) aggregator.addInteraction(c);
    model.applyDelta(aggregator.drain());
  };
  const yoga = createOrreryYoga({ driver, database: 'neo4j', readModel: model });
  const ask = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await yoga.fetch('http://orrery/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return text;
  };
  /** The answer's headers and bytes, for a client that asks for GraphQL's own media type. */
  const askRaw = async (query: string) => {
    const response = await yoga.fetch('http://orrery/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify({ query }) });
    return { type: response.headers.get('content-type'), length: response.headers.get('content-length'), bytes: Buffer.from(await response.arrayBuffer()) };
  };
  return { publish, ask, askRaw, stats: yoga.answerCacheStats };
}

const MAP = '{ services { name tier dependsOn { to calls errors p95Ms } } }';

describe('the answer cache', () => {
  it('serves a repeated list query the kept body until a publish changes the model', async () => {
    const { publish, ask, askRaw, stats } = platformAt(NOW);
    publish([call('web', 'api', NOW - 10 * MINUTE_MS)]);
    const first = await ask(MAP);
    expect(JSON.parse(first).data.services).toEqual([
      { name: 'api', tier: null, dependsOn: [] },
      { name: 'web', tier: null, dependsOn: [{ to: 'api', calls: 1, errors: 0, p95Ms: expect.any(Number) }] },
    ]);
    expect(await ask(MAP)).toBe(first);
    expect(stats()).toMatchObject({ hits: 1, misses: 1 });
    // Sent as the kept bytes, under the media type the request accepts.
    const raw = await askRaw(MAP);
    expect([raw.type, raw.length, raw.bytes.toString()]).toEqual(['application/graphql-response+json; charset=utf-8', String(Buffer.byteLength(first)), first]);
    expect(stats()).toMatchObject({ hits: 2, misses: 1 });

    publish([call('web', 'api', NOW - 5 * MINUTE_MS)]);
    const after = JSON.parse(await ask(MAP));
    expect(after.data.services[1].dependsOn[0].calls).toBe(2);
    expect(stats()).toMatchObject({ hits: 2, misses: 2 });
  });

  it('keeps an answer per set of variables, and answers again once the window reaches the next minute', async () => {
    const { publish, ask, stats } = platformAt(NOW);
    publish([call('web', 'api', NOW - 61 * MINUTE_MS), call('web', 'db', NOW - 10 * MINUTE_MS)]);
    const query = 'query ($w: TimeWindow) { dependencies(window: $w) { from to calls } }';
    const lastHour = await ask(query, { w: { last: '1h' } });
    expect(JSON.parse(lastHour).data.dependencies.map((d: { to: string }) => d.to)).toEqual(['db']);
    expect(JSON.parse(await ask(query, { w: { last: '2h' } })).data.dependencies.map((d: { to: string }) => d.to)).toEqual(['api', 'db']);
    expect(await ask(query, { w: { last: '1h' } })).toBe(lastHour);
    expect(stats()).toMatchObject({ hits: 1, misses: 2 });

    // 40 s on, the last hour starts a minute later: the call 61 minutes before NOW is now over 62 minutes old and still out,
    // but the answer is computed again, not assumed.
    vi.setSystemTime(NOW + 40_000);
    expect(JSON.parse(await ask(query, { w: { last: '1h' } })).data.dependencies.map((d: { to: string }) => d.to)).toEqual(['db']);
    expect(stats()).toMatchObject({ hits: 1, misses: 3 });
    // An hour and a half on, the db call has left the last hour too.
    vi.setSystemTime(NOW + 90 * MINUTE_MS);
    expect(JSON.parse(await ask(query, { w: { last: '1h' } })).data.dependencies).toEqual([]);
  });

  it('lists a component declared after the answer was kept', async () => {
    const { publish, ask } = platformAt(NOW);
    publish([call('web', 'api', NOW - 10 * MINUTE_MS)]);
    const query = '{ components { name observed } }';
    expect(JSON.parse(await ask(query)).data.components.map((c: { name: string }) => c.name)).toEqual(['api', 'web']);
    await driver.executeQuery("CREATE (:DeclaredComponent {name: 'billing', kind: 'SERVICE', documented: true, virtual: true, versions: []})");
    // Declared-only components are read from Neo4j at most once a second.
    vi.setSystemTime(NOW + 1500);
    expect(JSON.parse(await ask(query)).data.components).toEqual([{ name: 'api', observed: true }, { name: 'billing', observed: false }, { name: 'web', observed: true }]);
    await driver.executeQuery('MATCH (n:DeclaredComponent) DETACH DELETE n');
  });

  it('never keeps a query that reads findings or series', async () => {
    const { publish, ask, stats } = platformAt(NOW);
    publish([call('web', 'api', NOW - 10 * MINUTE_MS)]);
    for (const query of ['{ services { name findings { id } } }', '{ dependencies { to series(step: "5m") { calls } } }', '{ services { name } collectorStatus { acceptedSpans } }']) {
      await ask(query);
      await ask(query);
    }
    expect(stats()).toMatchObject({ hits: 0, misses: 0 });
  });
});

describe('dependency series over windows that share answers', () => {
  it('steps across the window asked, whichever window built the answer', async () => {
    const { publish, ask } = platformAt(NOW);
    publish([call('web', 'api', NOW - 10 * MINUTE_MS)]);
    const query = 'query ($w: TimeWindow) { dependencies(window: $w) { to calls series(step: "1m") { at calls } } }';
    const at = (ms: number) => new Date(ms).toISOString();
    const hourTo = (toMs: number) => ({ from: at(toMs - 60 * MINUTE_MS), to: at(toMs) });
    const minute = Math.floor(NOW / MINUTE_MS) * MINUTE_MS;
    for (const toMs of [minute, minute - MINUTE_MS, minute - 2 * MINUTE_MS]) {
      const [dependency] = JSON.parse(await ask(query, { w: hourTo(toMs) })).data.dependencies;
      expect(dependency.calls).toBe(1);
      const points = dependency.series as Array<{ at: string; calls: number }>;
      expect([points.length, points[0]!.at, points.at(-1)!.at]).toEqual([60, at(toMs - 60 * MINUTE_MS), at(toMs - MINUTE_MS)]);
      expect(points.filter((p) => p.calls > 0).map((p) => p.at)).toEqual([at(Math.floor((NOW - 10 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS)]);
    }
  });
});
