// The time dimension end to end (DESIGN.md §7): spans sent over OTLP/HTTP with controlled
// timestamps, written to the real Neo4j in buckets, read back through GraphQL for windows.
import neo4jDriver from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { eventually, graphql, startTestPlatform } from './support/platform.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let nextId = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** One CLIENT span of `from` and its SERVER span in `to`, at `atMs`, as the OTLP/JSON exporter sends them. */
function call(from: string, to: string, atMs: number, options: { failed?: boolean; version?: string; durationMs?: number; rootServer?: boolean } = {}) {
  const traceId = hex(nextId++, 32);
  const clientId = hex(nextId++, 16);
  const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
  const duration = options.durationMs ?? 10;
  const block = (service: string, span: Record<string, unknown>, version?: string) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, ...(version ? [{ key: 'service.version', value: { stringValue: version } }] : [])] },
    scopeSpans: [{ scope: { name: 'time-test' }, spans: [span] }],
  });
  return [
    block(from, {
      traceId, spanId: clientId, name: 'GET', kind: 3, startTimeUnixNano: ns(atMs), endTimeUnixNano: ns(atMs + duration),
      attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }, { key: 'server.address', value: { stringValue: to } }],
      ...(options.failed ? { status: { code: 2 } } : {}),
    }, options.version),
    block(to, {
      traceId, spanId: hex(nextId++, 16), ...(options.rootServer ? {} : { parentSpanId: clientId }), name: 'GET /x', kind: 2, startTimeUnixNano: ns(atMs + 1), endTimeUnixNano: ns(atMs + duration - 1),
      attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }, { key: 'http.route', value: { stringValue: '/x' } }],
      ...(options.failed ? { status: { code: 2 } } : {}),
    }),
  ];
}

async function send(platform: Platform, blocks: unknown[]): Promise<void> {
  for (let i = 0; i < blocks.length; i += 400) {
    const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: blocks.slice(i, i + 400) }) });
    expect(response.status).toBe(200);
  }
}

interface Dep { from: string; to: string; calls: number; errors: number; errorRate: number; callsPerMinute: number }
const DEP = 'from to calls errors errorRate callsPerMinute';
const deps = async (platform: Platform, window: string) =>
  (await graphql<{ dependencies: Dep[] }>(platform.apiUrl, `{ dependencies(window: ${window}) { ${DEP} } }`)).dependencies;

describe('the graph in time', () => {
  const neo4jUri = inject('neo4jUri');
  let platform: Platform;
  // Minute-aligned: windows are summed from whole-minute buckets, so aligned windows split the planted traffic exactly.
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;

  beforeAll(async () => {
    platform = await startTestPlatform(neo4jUri, { ORRERY_PAIRING_TIMEOUT_MS: '200' });
    const blocks: unknown[] = [];
    // Seen only three hours ago.
    for (let i = 0; i < 5; i++) blocks.push(...call('web', 'legacy', now - 3 * HOUR + i * MINUTE));
    // Failing an hour and more ago, healthy since.
    for (let i = 0; i < 10; i++) blocks.push(...call('web', 'api', now - 70 * MINUTE + i * 1000, { failed: true }));
    for (let i = 0; i < 20; i++) blocks.push(...call('web', 'api', now - 20 * MINUTE + i * 1000));
    // Two consecutive hours for a diff: steady, gone, new, and regressed; checkout rolls out 2.7.1 half an hour ago.
    for (let i = 0; i < 60; i++) {
      const before = now - 2 * HOUR + i * MINUTE + 500;
      const after = now - HOUR + i * MINUTE + 500;
      blocks.push(...call('checkout', 'pricing', before, { version: '2.7.0' }), ...call('checkout', 'pricing', after, { version: after < now - 30 * MINUTE ? '2.7.0' : '2.7.1' }));
      blocks.push(...call('checkout', 'payments', before), ...call('checkout', 'payments', after, { failed: i % 3 === 0 }));
    }
    blocks.push(...call('checkout', 'old-tax', now - 90 * MINUTE), ...call('checkout', 'new-tax', now - 25 * MINUTE));
    await send(platform, blocks);
    await eventually(async () => {
      await platform.collector.flush();
      expect(platform.collector.stats().inference.pendingSpans).toBe(0);
      expect((await deps(platform, '{ last: "24h" }')).length).toBe(6);
    }, 30_000);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('answers each window with that window only: an edge seen three hours ago is in the last day, not the last hour', async () => {
    expect((await deps(platform, '{ last: "1h" }')).map((d) => d.to)).not.toContain('legacy');
    const day = await deps(platform, '{ last: "24h" }');
    expect(day.find((d) => d.to === 'legacy')).toMatchObject({ calls: 5, errors: 0 });
    expect((await deps(platform, '{ last: "all" }')).find((d) => d.to === 'legacy')?.calls).toBe(5);
    const components = (await graphql<{ components: Array<{ name: string }> }>(platform.apiUrl, '{ components(window: { last: "1h" }) { name } }')).components.map((c) => c.name);
    expect(components).not.toContain('legacy');
  });

  it('shows 0 errors now for an edge whose errors stopped an hour ago, and the errors in a window that holds them', async () => {
    expect((await deps(platform, '{ last: "1h" }')).find((d) => d.to === 'api')).toMatchObject({ calls: 20, errors: 0, errorRate: 0 });
    expect((await deps(platform, '{ last: "2h" }')).find((d) => d.to === 'api')).toMatchObject({ calls: 30, errors: 10 });
    const from = new Date(now - 75 * MINUTE).toISOString();
    const to = new Date(now - 60 * MINUTE).toISOString();
    expect((await deps(platform, `{ from: "${from}", to: "${to}" }`)).find((d) => d.to === 'api')).toMatchObject({ calls: 10, errors: 10, errorRate: 1 });
  });

  it('draws a dependency\'s series per step', async () => {
    const data = await graphql<{ dependencies: Array<{ to: string; series: Array<{ at: string; calls: number; errors: number }> }> }>(
      platform.apiUrl, '{ dependencies(window: { last: "2h" }) { to series(step: "10m") { at calls errors } } }');
    const api = data.dependencies.find((d) => d.to === 'api')!;
    expect(api.series.reduce((n, p) => n + p.calls, 0)).toBe(30);
    expect(api.series.filter((p) => p.errors > 0)).toHaveLength(1);
  });

  it('lists exactly the planted changes between two hours, and the rollout, in one graphDiff', async () => {
    const before = `{ from: "${new Date(now - 2 * HOUR).toISOString()}", to: "${new Date(now - HOUR).toISOString()}" }`;
    const after = `{ from: "${new Date(now - HOUR).toISOString()}", to: "${new Date(now).toISOString()}" }`;
    const { graphDiff } = await graphql<{ graphDiff: {
      addedDependencies: Dep[]; removedDependencies: Dep[]; changedDependencies: Array<{ from: string; to: string; regressed: boolean; reasons: string[] }>;
      addedComponents: string[]; removedComponents: string[]; versionChanges: Array<{ component: string; from: string; to: string; at: string }>;
    } }>(platform.apiUrl, `{ graphDiff(before: ${before}, after: ${after}) {
      addedDependencies { ${DEP} } removedDependencies { ${DEP} } changedDependencies { from to regressed reasons }
      addedComponents removedComponents versionChanges { component from to at } } }`);
    expect(graphDiff.addedDependencies.map((d) => d.to)).toEqual(['new-tax']);
    expect(graphDiff.removedDependencies.map((d) => d.to)).toEqual(['old-tax']);
    // api failed in the first hour and recovered (improved); payments started failing (regressed); pricing is steady.
    const changed = Object.fromEntries(graphDiff.changedDependencies.map((c) => [c.to, c]));
    expect(Object.keys(changed).sort()).toEqual(['api', 'payments']);
    expect(changed.payments!.regressed).toBe(true);
    expect(changed.payments!.reasons).toEqual(['error rate 0.0% -> 33.3% (0/60 -> 20/60)']);
    expect(changed.api!.regressed).toBe(false);
    expect(changed.api!.reasons).toContain('error rate 100.0% -> 0.0% (10/10 -> 0/20)');
    expect(graphDiff.addedComponents).toEqual(['new-tax']);
    expect(graphDiff.removedComponents).toEqual(['old-tax']);
    expect(graphDiff.versionChanges).toMatchObject([{ component: 'checkout', from: '2.7.0', to: '2.7.1' }]);

    // "What changed since checkout 2.7.1 rolled out": one query.
    const since = await graphql<{ graphDiff: { addedDependencies: Dep[]; changedDependencies: Array<{ to: string }> } }>(platform.apiUrl,
      '{ graphDiff(before: { untilVersion: "checkout@2.7.1", last: "30m" }, after: { sinceVersion: "checkout@2.7.1" }) { addedDependencies { to } changedDependencies { to } } }');
    // Since the rollout: new-tax appeared and api came back (it was quiet in the half hour before).
    expect(since.graphDiff.addedDependencies.map((d) => d.to).sort()).toEqual(['api', 'new-tax']);
  });

  it('refuses a bad window with a message naming the field and a code', async () => {
    const response = await fetch(`${platform.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ dependencies(window: { last: "an hour" }) { to } }' }) });
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/window.last must be a duration/), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('keeps every bucket across a restart: the same answers from a new platform on the same Neo4j', async () => {
    const windows = ['{ last: "1h" }', '{ last: "2h" }', '{ last: "24h" }'];
    const before = await Promise.all(windows.map((w) => deps(platform, w)));
    await platform.stop();
    platform = await startTestPlatform(neo4jUri, { ORRERY_PAIRING_TIMEOUT_MS: '200' }, { keepGraph: true });
    const after = await Promise.all(windows.map((w) => deps(platform, w)));
    const summary = (list: Dep[][]) => list.map((ds) => ds.map((d) => `${d.from}->${d.to} ${d.calls}/${d.errors}`).sort());
    expect(summary(after)).toEqual(summary(before));
  });
});

describe('findings over a recent window', () => {
  const neo4jUri = inject('neo4jUri');
  let platform: Platform;

  afterAll(async () => {
    await platform?.stop();
  });

  it('open on recent failures and resolve by themselves once the failures are older than ORRERY_DETECT_WINDOW', { timeout: 240_000 }, async () => {
    platform = await startTestPlatform(neo4jUri, { ORRERY_PAIRING_TIMEOUT_MS: '200', ORRERY_DETECT_WINDOW: '1m', ORRERY_RESOLVE_AFTER_MS: '0', ORRERY_DETECT_MS: '200' });
    const now = Date.now();
    const blocks: unknown[] = [];
    // 24 runs of a workflow in the last minute, half of them failing: an exception-heavy workflow.
    for (let i = 0; i < 24; i++) {
      // Only the SERVER span, as a root: pay-api is the entry of the workflow.
      blocks.push(call('pay-web', 'pay-api', now - 50_000 + i * 500, { failed: i % 2 === 0, rootServer: true })[1]);
    }
    await send(platform, blocks);
    type F = { findings: Array<{ kind: string; status: string; components: string[] }> };
    const heavy = (data: F) => data.findings.find((f) => f.kind === 'EXCEPTION_HEAVY_WORKFLOW' && f.components.includes('pay-api'));
    await eventually(async () => {
      await platform.collector.flush();
      await platform.collector.detect();
      const wf = await graphql<{ workflows: Array<{ entry: string; runs: number; failedRuns: number }> }>(platform.apiUrl, '{ workflows(window: { last: "1m" }) { entry runs failedRuns } }');
      expect(wf.workflows).toEqual([{ entry: 'pay-api', runs: 24, failedRuns: 12 }]);
      expect(heavy(await graphql<F>(platform.apiUrl, '{ findings { kind status components } }'))?.status).toBe('OPEN');
    }, 30_000);
    // No new traffic: once the runs are older than the window (widened to whole minutes: at most
    // two) the workflow is judged on nothing, and the finding resolves by itself.
    await eventually(async () => {
      await platform.collector.detect();
      expect(heavy(await graphql<F>(platform.apiUrl, '{ findings { kind status components } }'))?.status).toBe('RESOLVED');
    }, 150_000, 1000);
  });
});

describe('buckets as they age', () => {
  const neo4jUri = inject('neo4jUri');
  let platform: Platform;

  afterAll(async () => {
    await platform?.stop();
  });

  it('rolls minutes older than a day into hours and drops what is past ORRERY_RETENTION, in Neo4j and in what GraphQL answers', async () => {
    platform = await startTestPlatform(neo4jUri, { ORRERY_PAIRING_TIMEOUT_MS: '200', ORRERY_RETENTION: '2d' });
    const now = Math.floor(Date.now() / HOUR) * HOUR;
    const blocks: unknown[] = [];
    for (let i = 0; i < 30; i++) blocks.push(...call('batch', 'ledger', now - 26 * HOUR + i * MINUTE)); // a day old: into its hours
    for (let i = 0; i < 4; i++) blocks.push(...call('batch', 'archive', now - 3 * 24 * HOUR + i * MINUTE)); // past the retention
    await send(platform, blocks);
    await eventually(async () => {
      await platform.collector.flush();
      expect((await deps(platform, '{ last: "all" }')).map((d) => d.to).sort()).toEqual(['archive', 'ledger']);
    }, 30_000);
    const window = `{ from: "${new Date(now - 27 * HOUR).toISOString()}", to: "${new Date(now - 25 * HOUR).toISOString()}" }`;
    expect((await deps(platform, window)).find((d) => d.to === 'ledger')?.calls).toBe(30);

    await platform.collector.rollUp();
    const driver = neo4jDriver.driver(neo4jUri);
    try {
      const { records } = await driver.executeQuery('MATCH (b:Bucket {from: "batch"}) RETURN b.to AS to, b.res AS res, sum(b.calls) AS calls ORDER BY to, res');
      expect(records.map((r) => [r.get('to'), Number(r.get('res')), Number(r.get('calls'))])).toEqual([['ledger', HOUR, 30]]);
    } finally {
      await driver.close();
    }
    expect((await deps(platform, window)).find((d) => d.to === 'ledger')?.calls).toBe(30);
    expect((await deps(platform, `{ from: "${new Date(now - 4 * 24 * HOUR).toISOString()}", to: "${new Date(now - 2 * 24 * HOUR).toISOString()}" }`)).map((d) => d.to)).not.toContain('archive');
  });
});
