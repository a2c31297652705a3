// The API of ORRERY_ROLE=api reads a read model that follows Neo4j (store/read-model-follower.ts)
// while collectors elsewhere write. It must answer as the writing process's own model does: the
// same windowed dependencies, series and workflows, after the initial load and after incremental
// refreshes, including a late span that lands in a minute older than a refresh re-reads.
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createGraphAggregator } from '../../collector/src/aggregate/graph-aggregator.ts';
import { createGraphWriter } from '../../collector/src/store/graph-writer.ts';
import { createNeo4jDriver } from '../../collector/src/store/neo4j-driver.ts';
import { ensureSchema } from '../../collector/src/store/neo4j-schema.ts';
import { createReadModelFollower } from '../../collector/src/store/read-model-follower.ts';
import { createReadModel, type ReadModel } from '../../collector/src/timeline/read-model.ts';
import { tiersFor } from '../../collector/src/timeline/tiers.ts';
import { clearGraph } from './support/platform.ts';

const MINUTE = 60_000;
const now = Math.floor(Date.now() / MINUTE) * MINUTE;
const ref = (name: string) => ({ name, kind: 'SERVICE' as const, virtual: false });
let driver: Driver;
let seq = 0;
let trace = 0;

/** Traffic written as a collector writes it, and applied to the collector's own model. */
async function write(reference: ReadModel, calls: Array<{ from: string; to: string; atMs: number; error?: boolean; workflow?: boolean }>): Promise<void> {
  const aggregator = createGraphAggregator({ maxDependencies: 1000, maxComponents: 1000, maxClockSkewMs: 3_600_000 });
  for (const c of calls) {
    const traceId = (++trace).toString(16).padStart(32, '0');
    aggregator.addSighting({ ...ref(c.from), namespace: undefined, version: '1.0', environment: undefined, timeUnixMs: c.atMs, entryPoint: c.workflow === true });
    aggregator.addInteraction({
      from: ref(c.from), to: ref(c.to), kind: 'SYNC', protocol: 'http', operation: 'GET', traceId, timeUnixMs: c.atMs, durationMs: 12,
      callerError: c.error === true, calleeError: c.error === true,
    });
    if (c.workflow) aggregator.addWorkflowRun({ entry: c.from, operation: 'GET /', traceId, timeUnixMs: c.atMs, failed: c.error === true, manual: false, unhandledErrorPath: c.error ? [c.from, c.to] : undefined });
  }
  const delta = aggregator.drain();
  await createGraphWriter(driver, 'neo4j', 'follower-test').write(delta, ++seq);
  reference.applyDelta(delta);
}

/** What GraphQL reads: windowed dependencies, a per-minute series and workflows. */
function answers(model: ReadModel) {
  const window = { fromMs: now - 3_600_000, toMs: now + MINUTE, all: false };
  const dependencies = model.dependencies(window).map((d) => ({ from: d.from, to: d.to, calls: d.calls, errors: d.errors, p95Ms: d.p95Ms }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const series = dependencies.map((d) => model.edgeSeries(d.from, d.to, 'SYNC', 'http', window, MINUTE).filter((p) => p.calls > 0));
  const workflows = model.workflows(window).map((w) => ({ entry: w.entry, runs: w.runs, failedRuns: w.failedRuns, unhandled: w.unhandledErrors.map((u) => u.count) }));
  const lifetime = [...model.allEdges()].map((e) => [e.key, e.calls]).sort();
  return { dependencies, series, workflows, lifetime };
}

beforeAll(async () => {
  const uri = inject('neo4jUri');
  await clearGraph(uri);
  driver = createNeo4jDriver({ uri, user: undefined, password: undefined });
  await ensureSchema(driver, 'neo4j');
});
afterAll(async () => {
  await driver?.close();
});

describe("a read model following Neo4j", () => {
  it('answers as the writer\'s own model after the load and after each refresh, late spans included', async () => {
    const tiers = tiersFor(30 * 86_400_000);
    const reference = createReadModel({ tiers });
    const followed = createReadModel({ tiers });
    const follower = createReadModelFollower({ driver, database: 'neo4j', model: followed, everyMs: 3_600_000, overlapMs: 2 * MINUTE, log: () => {} });

    await write(reference, [
      { from: 'shop', to: 'pay', atMs: now - 5 * MINUTE, workflow: true },
      { from: 'shop', to: 'pay', atMs: now - 4 * MINUTE, error: true, workflow: true },
      { from: 'pay', to: 'bank', atMs: now - 4 * MINUTE },
    ]);
    await follower.start();
    expect(answers(followed)).toEqual(answers(reference));

    // New minutes, a minute being written again, a new edge, more workflow runs.
    await write(reference, [
      { from: 'shop', to: 'pay', atMs: now - 4 * MINUTE, workflow: true },
      { from: 'shop', to: 'pay', atMs: now, error: true, workflow: true },
      { from: 'shop', to: 'stock', atMs: now },
    ]);
    await follower.refresh();
    expect(answers(followed)).toEqual(answers(reference));

    // A backlog replayed after an outage: a span 40 minutes old, long before what a refresh re-reads.
    await write(reference, [{ from: 'pay', to: 'bank', atMs: now - 40 * MINUTE, error: true }, { from: 'shop', to: 'stock', atMs: now }]);
    await follower.refresh();
    expect(answers(followed)).toEqual(answers(reference));
    expect(follower.stats().fullEdgeReloads).toBeGreaterThan(0);

    // Nothing written: nothing read but the writers' sequence numbers.
    const before = follower.stats();
    await follower.refresh();
    expect(follower.stats().unchanged).toBe(before.unchanged + 1);
    await follower.stop();
  });
});
