// `npm run bench` part 5, the time dimension, end to end: 1,000 services calling 4,000 peers over
// 20,000 dependencies for two hours of span time are sent over OTLP/HTTP (protobuf) to the real
// platform on a fresh embedded Neo4j; then it reports the write cost per flush, the store's growth
// per bucket, a windowed full-map query and a graphDiff of two hours, through GraphQL over HTTP.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNeo4jDriver } from '../collector/src/store/neo4j-driver.ts';
import { encodeProtobufTraces } from '../collector/src/testing/encode-protobuf.ts';
import { startEmbeddedNeo4j } from '../neo4j-embedded/neo4j.ts';
import { freePort } from '../test/src/support/free-port.ts';
import { dirBytes, percentile, spawnPlatform, waitFor } from './bench-platform.ts';
import { PLATFORM_NODE_FLAGS } from './node-flags.ts';

const SERVICES = 1000;
const PEERS = 4000;
const PER_SERVICE = 20;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Json = Record<string, unknown>;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** OTLP requests: one CLIENT span per call (an uninstrumented peer named by peer.service), grouped per service. */
function traffic(nowMs: number, callsPerHour: number, liveCalls = 0, seed = 7) {
  const random = rng(seed);
  const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(random() * 256).toString(16).padStart(2, '0')).join('');
  const requests: Json[] = [];
  let spans = 0;
  for (let s = 0; s < SERVICES; s++) {
    const service = `svc-${String(s).padStart(4, '0')}`;
    const out: Json[] = [];
    for (let j = 0; j < PER_SERVICE; j++) {
      const peer = `peer-${String((s * PER_SERVICE + j) % PEERS).padStart(4, '0')}`;
      // One dependency in 20 fails every call in the second hour: a regression graphDiff must find
      // (at 6 calls an hour, half of them failing would be 3 errors, below its noise rule's 5).
      const regresses = (s + j) % 20 === 0;
      for (let c = 0; c < liveCalls; c++) {
        const start = BigInt(nowMs - c * 1000) * 1_000_000n;
        out.push({ traceId: hex(16), spanId: hex(8), name: 'GET', kind: 3, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 10_000_000n),
          attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }, { key: 'peer.service', value: { stringValue: peer } }] });
      }
      for (let hour = 2; hour >= 1 && callsPerHour > 0; hour--) {
        for (let c = 0; c < callsPerHour; c++) {
          const at = nowMs - hour * HOUR + Math.floor(random() * HOUR);
          const failed = regresses && hour === 1;
          const start = BigInt(at) * 1_000_000n;
          out.push({
            traceId: hex(16), spanId: hex(8), name: 'GET', kind: 3, startTimeUnixNano: String(start), endTimeUnixNano: String(start + BigInt(5 + Math.floor(random() * 40)) * 1_000_000n),
            attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }, { key: 'peer.service', value: { stringValue: peer } }],
            ...(failed ? { status: { code: 2 } } : {}),
          });
        }
      }
    }
    spans += out.length;
    for (let i = 0; i < out.length; i += 1000) {
      requests.push({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'bench' }, spans: out.slice(i, i + 1000) }] }] });
    }
  }
  return { bodies: requests.map((r) => encodeProtobufTraces(r)), spans };
}

async function graphql<T>(apiUrl: string, query: string): Promise<{ data: T; ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const text = await response.text();
  const ms = performance.now() - started;
  const body = JSON.parse(text) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
  return { data: body.data!, ms, bytes: text.length };
}

const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms`;
};

export async function benchmarkTime(options: { quick: boolean; line: (text: string) => void }): Promise<void> {
  const { line } = options;
  const callsPerHour = options.quick ? 2 : 6;
  const dataDir = mkdtempSync(join(tmpdir(), 'orrery-bench-time-'));
  // Store sizes are read after a clean stop (Community Neo4j has no checkpoint procedure; a clean
  // stop checkpoints): an empty store first, then the same store after the run.
  const boltPort = await freePort();
  await (await startEmbeddedNeo4j({ dataDir, boltPort, log: () => {} })).stop();
  const emptyBytes = dirBytes(dataDir);
  const neo4j = await startEmbeddedNeo4j({ dataDir, boltPort, log: () => {} });
  const platform = await spawnPlatform(neo4j.uri, PLATFORM_NODE_FLAGS, { ORRERY_PAIRING_TIMEOUT_MS: '200' });
  const driver = createNeo4jDriver({ uri: neo4j.uri, user: undefined, password: undefined });
  let stopped = false;
  try {
    const nowMs = Math.floor(Date.now() / MINUTE) * MINUTE;
    const { bodies, spans } = traffic(nowMs, callsPerHour);
    const sendStarted = performance.now();
    let pushedBack = 0;
    for (let i = 0; i < bodies.length; i += 4) {
      await Promise.all(bodies.slice(i, i + 4).map(async (body) => {
        // As an OTLP exporter does: on push-back (429/503) wait the Retry-After and send again.
        for (;;) {
          const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
          if (response.ok) return;
          if (response.status !== 429 && response.status !== 503) throw new Error(`OTLP answered ${response.status}`);
          pushedBack++;
          await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get('retry-after') ?? 1)));
        }
      }));
    }
    type Status = { collectorStatus: { acceptedSpans: number; pendingSpans: number; flushes: number; flushP50Ms: number; flushP95Ms: number; readModelBuckets: number; degraded: boolean; writesPending: boolean } };
    let status: Status['collectorStatus'] | undefined;
    // Written when every span is accepted and paired, and the read model (updated after each
    // successful write) has stopped growing over two polls.
    let lastBuckets = -1;
    await waitFor(async () => {
      status = (await graphql<Status>(platform.apiUrl, '{ collectorStatus { acceptedSpans pendingSpans flushes flushP50Ms flushP95Ms readModelBuckets degraded writesPending } }')).data.collectorStatus;
      const settled = status.acceptedSpans === spans && status.pendingSpans === 0 && !status.writesPending && status.readModelBuckets === lastBuckets;
      lastBuckets = status.readModelBuckets;
      if (!settled) await new Promise((r) => setTimeout(r, 3000));
      return settled;
    }, 1_800_000);
    status = (await graphql<Status>(platform.apiUrl, '{ collectorStatus { acceptedSpans pendingSpans flushes flushP50Ms flushP95Ms readModelBuckets degraded } }')).data.collectorStatus;
    const ingestSeconds = (performance.now() - sendStarted) / 1000;
    const { records } = await driver.executeQuery('MATCH (b:Bucket) RETURN count(b) AS buckets');
    const buckets = Number(records[0]!.get('buckets'));
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${platform.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    line(`time: ${spans.toLocaleString('en')} spans over 2 h of span time into ${(SERVICES * PER_SERVICE).toLocaleString('en')} dependencies (${(SERVICES + PEERS).toLocaleString('en')} components), ingested and written in ${ingestSeconds.toFixed(0)} s (${pushedBack} requests pushed back and retried)`);
    line(`time: write cost per flush p50 ${status.flushP50Ms?.toFixed(0)} ms, p95 ${status.flushP95Ms?.toFixed(0)} ms (last 256 of ${status.flushes} flushes)`);
    line(`time: platform RSS ${rssMb.toFixed(0)} MB with ${status.readModelBuckets.toLocaleString('en')} buckets in the read model`);

    // Steady state: one live minute, a call on every dependency dated now, as a live estate sends it.
    const live = traffic(Date.now(), 0, 1);
    const flushesBefore = status.flushes;
    for (const body of live.bodies) await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    type Live = { collectorStatus: { flushes: number; writesPending: boolean; pendingSpans: number; flushP50Ms: number } };
    let liveStatus: Live['collectorStatus'] | undefined;
    const liveStarted = performance.now();
    await waitFor(async () => {
      liveStatus = (await graphql<Live>(platform.apiUrl, '{ collectorStatus { flushes writesPending pendingSpans flushP50Ms } }')).data.collectorStatus;
      return liveStatus.pendingSpans === 0 && !liveStatus.writesPending && liveStatus.flushes > flushesBefore;
    }, 600_000);
    line(`time: steady state: a live minute (one call on each of the ${(SERVICES * PER_SERVICE).toLocaleString('en')} dependencies) written in ${liveStatus!.flushes - flushesBefore} flush(es), ${((performance.now() - liveStarted) / 1000).toFixed(1)} s from the last request`);

    // The map's full query, for the last hour. Each run asks a window a minute wider, so none is a cache hit.
    const cold: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 20; i++) {
      const r = await graphql(platform.apiUrl, `{ services(window: { last: "${60 + i}m" }) { name kind tier dependsOn { to kind calls errors p95Ms } } }`);
      cold.push(r.ms);
      bytes = r.bytes;
    }
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) warm.push((await graphql(platform.apiUrl, '{ services(window: { last: "1h" }) { name kind tier dependsOn { to kind calls errors p95Ms } } }')).ms);
    // A live estate: between two asks, a publish of one request of new calls (1,000 of the 20,000
    // dependencies), so every ask is answered afresh (the answer cache keeps an answer only while
    // the model stands still).
    const afterPublish: number[] = [];
    const version = async () => (await graphql<{ graphChanges: { version: number } }>(platform.apiUrl, '{ graphChanges(since: 2147483647) { version } }')).data.graphChanges.version;
    for (let i = 0; i < 20; i++) {
      const before = await version();
      const fresh = traffic(Date.now(), 0, 1, 100 + i).bodies[i % live.bodies.length]!;
      await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: fresh });
      await waitFor(async () => (await version()) > before, 60_000);
      afterPublish.push((await graphql(platform.apiUrl, '{ services(window: { last: "1h" }) { name kind tier dependsOn { to kind calls errors p95Ms } } }')).ms);
    }
    line(`time: windowed full-map query (services with dependsOn, last hour, ${(bytes / 1e6).toFixed(1)} MB) over HTTP: ${summary(cold)} (20 runs, each a new window); ${summary(warm)} repeated; ${summary(afterPublish)} each after a publish (20 runs)`);

    // Detector passes end to end, as the platform runs them on its own timer: the snapshot from the
    // read model, every detector, the catalog view and the findings reconciled in Neo4j.
    type Steps = { snapshotMs: number; detectMs: number; persistMs: number };
    type Passes = { collectorStatus: { detectorPasses: number; lastDetectorPassMs: number | null; lastDetectorPassSteps: Steps | null } };
    const passes: number[] = [];
    const steps: Steps[] = [];
    let lastPass = -1;
    const sampleUntil = performance.now() + (options.quick ? 15_000 : 40_000);
    while (performance.now() < sampleUntil && passes.length < 20) {
      const status = (await graphql<Passes>(platform.apiUrl, '{ collectorStatus { detectorPasses lastDetectorPassMs lastDetectorPassSteps { snapshotMs detectMs persistMs } } }')).data.collectorStatus;
      const { detectorPasses, lastDetectorPassMs, lastDetectorPassSteps } = status;
      if (detectorPasses !== lastPass && lastPass !== -1 && lastDetectorPassMs !== null) {
        passes.push(lastDetectorPassMs);
        if (lastDetectorPassSteps) steps.push(lastDetectorPassSteps);
      }
      lastPass = detectorPasses;
      await new Promise((r) => setTimeout(r, 300));
    }
    line(`time: detector pass end to end in the platform (read-model snapshot, detectors, catalog view, findings reconciled in Neo4j) at ${(SERVICES + PEERS).toLocaleString('en')} components: ${passes.length > 0 ? summary(passes) : 'no pass seen'} (${passes.length} passes)`);
    if (steps.length > 0) {
      const median = (k: keyof Steps) => Math.round(percentile(steps.map((s) => s[k]).sort((a, b) => a - b), 0.5));
      line(`time: detector pass by step (median): snapshot and catalog join ${median('snapshotMs')} ms, detectors ${median('detectMs')} ms, writes to Neo4j ${median('persistMs')} ms`);
    }

    type Diff = { graphDiff: { changedDependencies: Array<{ regressed: boolean }>; addedDependencies: unknown[]; removedDependencies: unknown[] } };
    const diffs: number[] = [];
    let diff: Diff['graphDiff'] | undefined;
    for (let i = 0; i < 20; i++) {
      const iso = (ms: number) => new Date(ms).toISOString();
      const shift = i * MINUTE;
      const r = await graphql<Diff>(platform.apiUrl, `{ graphDiff(before: { from: "${iso(nowMs - 2 * HOUR - shift)}", to: "${iso(nowMs - HOUR - shift)}" }, after: { from: "${iso(nowMs - HOUR - shift)}", to: "${iso(nowMs - shift)}" }) {
        addedDependencies { from } removedDependencies { from } changedDependencies { regressed } } }`);
      diffs.push(r.ms);
      if (i === 0) diff = r.data.graphDiff;
    }
    const regressed = diff!.changedDependencies.filter((c) => c.regressed).length;
    line(`time: graphDiff of two 1-hour windows at ${(SERVICES + PEERS).toLocaleString('en')} components over HTTP: ${summary(diffs)} (20 runs); ${regressed} regressed of ${SERVICES * PER_SERVICE / 20} planted${options.quick ? ' (--quick sends 2 calls an hour: below the noise rule, none expected)' : ''}, ${diff!.addedDependencies.length} added, ${diff!.removedDependencies.length} removed`);

    platform.child.kill('SIGTERM');
    await new Promise((r) => platform.child.once('exit', r));
    await driver.close();
    await neo4j.stop();
    stopped = true;
    const grownBytes = dirBytes(dataDir) - emptyBytes;
    const perBucket = grownBytes / buckets;
    line(`time: ${buckets.toLocaleString('en')} minute buckets in Neo4j; the store grew ${(grownBytes / 1e6).toFixed(1)} MB = ${perBucket.toFixed(0)} B per bucket (the graph itself included); ` +
      `a dependency active every minute keeps at most 1,440 minute buckets (${((1440 * perBucket) / 1e6).toFixed(2)} MB) and then 24 hour buckets per retained day (${((24 * perBucket) / 1e3).toFixed(1)} kB)`);
  } finally {
    if (!stopped) {
      platform.child.kill('SIGTERM');
      await driver.close().catch(() => undefined);
      await neo4j.stop().catch(() => undefined);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
