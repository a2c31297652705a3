// The real-instrumentation estate against the real platform: services in Node, Python and Java,
// traced only by the official OpenTelemetry instrumentations and OTEL_* variables, working
// against real PostgreSQL, Redis and RabbitMQ (Debian's packages, installed on first use). The
// map must be exactly the graph the inference rules give (expectations.ts): every edge, with its
// exact number of calls, and no other; and collectorStatus must account for every span.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../../tools/platform.ts';
import { eventually, graphql, startTestPlatform } from '../support/platform.ts';
import { prepareToolchains, runEstate, startBackingServers, type BackingServers, type EstateRun } from './estate.ts';
import { wholeEstate, type Dependency } from './expectations.ts';

/** Orders placed; every count in the expected graph is a multiple of this (plus start-up spans). */
const RUNS = 5;
/** Long enough for a slow JVM's export; the test waits it out before reading collectorStatus. */
const PAIRING_TIMEOUT_MS = 5_000;

let platform: Platform | undefined;
let servers: BackingServers | undefined;
let run: EstateRun;

beforeAll(async () => {
  const started = performance.now();
  const [backing, toolchains, testPlatform] = await Promise.all([
    startBackingServers(),
    prepareToolchains(),
    startTestPlatform(inject('neo4jUri'), { ORRERY_PAIRING_TIMEOUT_MS: String(PAIRING_TIMEOUT_MS) }),
  ]);
  servers = backing;
  platform = testPlatform;
  const ready = performance.now();
  run = await runEstate({ servers, toolchains, otlpEndpoint: platform.otlpUrl.replace(/\/v1\/traces$/, ''), runs: RUNS });
  process.stderr.write(
    `[real-estate] servers, toolchains and platform ready in ${Math.round(ready - started)} ms; ${RUNS} orders through six services in ${run.durationMs} ms\n`,
  );
}, 600_000);

afterAll(async () => {
  await platform?.stop();
  await servers?.stop();
});

const key = (d: Dependency) => `${d.from} -${d.kind}/${d.protocol}-> ${d.to}`;
const sorted = (ds: Dependency[]) => [...ds].sort((a, b) => key(a).localeCompare(key(b)));

interface CollectorStatus {
  acceptedSpans: number;
  pendingSpans: number;
  spanOutcomes: Array<{ outcome: string; count: number }>;
}

describe('the real-instrumentation estate (Node, Python, Java over PostgreSQL, Redis and RabbitMQ)', () => {
  it('gives exactly the graph of the inference rules, with exact calls', async () => {
    const want = sorted(wholeEstate(run).dependencies);
    const read = async () => {
      await platform!.collector.flush();
      const data = await graphql<{ dependencies: Dependency[] }>(platform!.apiUrl, '{ dependencies { from to kind protocol calls errors } }');
      return sorted(data.dependencies);
    };
    // An edge is written once its halves met or their pairing timeout passed: wait for the graph
    // to settle on the expected one, then compare whatever it settled on (the diff is the report).
    const settled = await eventually(async () => {
      const got = await read();
      expect(got).toEqual(want);
      return got;
    }, PAIRING_TIMEOUT_MS + 20_000).catch(read);
    expect(settled).toEqual(want);
  });

  it('accounts for every span in collectorStatus: none pending, outcomes summing to the spans accepted', async () => {
    const { outcomes } = wholeEstate(run);
    const status = await eventually(async () => {
      await platform!.collector.flush();
      const data = await graphql<{ collectorStatus: CollectorStatus }>(
        platform!.apiUrl,
        '{ collectorStatus { acceptedSpans pendingSpans spanOutcomes { outcome count } } }',
      );
      expect(data.collectorStatus.pendingSpans, 'spans still waiting for a partner').toBe(0);
      return data.collectorStatus;
    }, PAIRING_TIMEOUT_MS + 20_000);
    const counts = Object.fromEntries(status.spanOutcomes.filter((o) => o.count > 0).map((o) => [o.outcome, o.count]));
    const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
    expect(status.acceptedSpans, 'spans the six services sent').toBe(total);
    expect(status.spanOutcomes.reduce((sum, o) => sum + o.count, 0), 'outcomes sum to the spans accepted').toBe(status.acceptedSpans);
    expect(counts['dropped'] ?? 0, 'spans dropped').toBe(0);
    expect(counts).toEqual(outcomes);
  });
});
