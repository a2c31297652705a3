// `npm run bench`: ingest throughput, freshness and memory, on generated traffic shaped like a
// real estate (collector/src/testing/estate-traffic.ts).
//  1. Pipeline throughput on one core: decode -> classify/pair -> aggregate, protobuf and JSON.
//  2. Freshness: a call's spans POSTed to the running platform -> its dependency visible through
//     its GraphQL over HTTP (real embedded Neo4j, default flush interval).
//  2b. Ingest end to end over OTLP/HTTP protobuf and OTLP/gRPC: spans per CPU-second of the
//     platform process (and Neo4j's CPU for the same spans), until every span is in Neo4j.
//  3. Peak RSS of the platform process (collector, read model, API) fed a million spans a minute
//     for a minute over OTLP/HTTP.
//  4. One full detector pass over 5,000 components and 20,000 dependencies.
//  5. Time (tools/bench-time.ts): write cost per flush and storage per bucket at 20,000
//     dependencies, a windowed full-map query and a graphDiff of two hours at 5,000 components,
//     all through the real platform over HTTP.
//  6. End to end (tools/bench-e2e.ts, `--e2e` only): issue 12's workload over HTTP, platform and Neo4j
//     pinned to one core, spans per CPU-second of each, side by side with the Go OTel Collector.
//  7. Reads in process (tools/bench-reads.ts, `--reads-only`): the map's full query against the read
//     model at 5,000 components, CPU per query for a new window, a repeated one, and after publishes.
//  8. The map in Chromium (tools/bench-map.ts, `--map` only): first paint, pan/zoom frame rate,
//     selection feedback and JS heap at 5,000 components / 20,000 dependencies.
// Options: --quick (shorter runs), --seconds N (length of the memory run), --detectors-only, --docs-only, --time-only, --reads-only,
// --e2e [--no-peer] [--format protobuf|json], --map [--keep].
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGraphAggregator } from '../collector/src/aggregate/graph-aggregator.ts';
import { loadConfig } from '../collector/src/config.ts';
import { createSpanInference } from '../collector/src/inference/span-inference.ts';
import { decodeJsonTraces } from '../collector/src/otlp/decode-json.ts';
import { decodeProtobufTraces } from '../collector/src/otlp/decode-protobuf.ts';
import { encodeProtobufTraces } from '../collector/src/testing/encode-protobuf.ts';
import { createOtlpGrpcSender } from '../collector/src/testing/otlp-grpc-sender.ts';
import { generateEstateTraffic } from '../collector/src/testing/estate-traffic.ts';
import { benchmarkDetectors } from '../collector/src/detectors/bench.ts';
import { docsBenchLine } from '../collector/src/docs/bench.ts';
import { benchmarkTime } from './bench-time.ts';
import { benchmarkEndToEnd } from './bench-e2e.ts';
import { benchmarkReads } from './bench-reads.ts';
import { benchmarkMap } from './bench-map.ts';
import { percentile, spawnPlatform } from './bench-platform.ts';
import { startEmbeddedNeo4j } from '../neo4j-embedded/neo4j.ts';
import { freePort } from '../test/src/support/free-port.ts';
import { PLATFORM_NODE_FLAGS } from './node-flags.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const memorySeconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : quick ? 15 : 60;
const root = join(import.meta.dirname, '..');


function pipelineThroughput(format: 'protobuf' | 'json', bodies: Array<Uint8Array | string>, spans: number): number {
  let now = 0;
  const aggregator = createGraphAggregator({ maxDependencies: 1e6, maxComponents: 1e6 });
  const inference = createSpanInference({
    pairingTimeoutMs: 10_000, maxPendingSpans: 1e6, clock: () => now,
    onInteraction: (i) => aggregator.addInteraction(i), onComponent: (c) => aggregator.addSighting(c), onUnconsumedMessage: (p) => aggregator.addUnconsumed(p),
  });
  const started = performance.now();
  for (let i = 0; i < bodies.length; i++) {
    const decoded = format === 'protobuf' ? decodeProtobufTraces(bodies[i] as Uint8Array) : decodeJsonTraces(bodies[i] as string);
    inference.ingest(decoded.spans);
    if (i % 50 === 0) {
      now += 100;
      inference.expire();
      aggregator.drain();
    }
  }
  now += 20_000;
  inference.expire();
  aggregator.drain();
  const seconds = (performance.now() - started) / 1000;
  const stats = inference.stats();
  if (stats.syncPaired === 0 || stats.spans !== spans) throw new Error(`bench traffic was not processed as expected: ${JSON.stringify(stats)}`);
  return spans / seconds;
}

async function main(): Promise<void> {
  const report: string[] = [];
  const line = (text: string) => {
    console.log(text);
    report.push(text);
  };

  if (args.includes('--e2e')) {
    const format = args.includes('--format') ? args[args.indexOf('--format') + 1] : undefined;
    await benchmarkEndToEnd({ quick, peer: !args.includes('--no-peer'), formats: format === 'protobuf' || format === 'json' ? [format] : undefined, line });
    return;
  }
  if (args.includes('--docs-only')) return void line(docsBenchLine());
  if (args.includes('--reads-only')) return void (await benchmarkReads({ quick, line }));
  if (args.includes('--map')) return void (await benchmarkMap({ quick, line, keep: args.includes('--keep') }));
  if (args.includes('--time-only')) {
    await benchmarkTime({ quick, line });
    return;
  }

  // 4 first: the pipeline's traffic (hundreds of MB of request bodies) stays reachable through
  // main() and every collection then marks it, which doubled the pass's time measured after it.
  const detectors = benchmarkDetectors();
  line(`detectors: one full pass over ${detectors.components.toLocaleString('en')} components and ${detectors.dependencies.toLocaleString('en')} dependencies: median ${Math.round(detectors.medianMs)} ms (${detectors.findings.toLocaleString('en')} findings)`);
  if (args.includes('--detectors-only')) {
    line(docsBenchLine());
    return;
  }

  // 1. Pipeline throughput, one core.
  const { requests, spans } = generateEstateTraffic({ services: 200, traces: quick ? 20_000 : 60_000, spansPerRequest: 512, startMs: Date.now() });
  const jsonBodies = requests.map((r) => JSON.stringify(r));
  const protoBodies = requests.map((r) => encodeProtobufTraces(r));
  line(`traffic: ${spans} spans in ${requests.length} requests from 200 services`);
  for (const format of ['protobuf', 'json'] as const) {
    const bodies = format === 'protobuf' ? protoBodies : jsonBodies;
    pipelineThroughput(format, bodies.slice(0, 20), requests.slice(0, 20).reduce((n, r) => n + countSpans(r), 0)); // warm-up
    const runs = [1, 2, 3].map(() => pipelineThroughput(format, bodies, spans));
    line(`pipeline ${format.padEnd(8)} ${Math.round(Math.max(...runs)).toLocaleString('en')} spans/s on one core (best of 3; decode + pairing + aggregation)`);
  }

  line(docsBenchLine());

  // 2 and 3 need a Neo4j and the platform process.
  const dataDir = mkdtempSync(join(tmpdir(), 'orrery-bench-'));
  const neo4j = await startEmbeddedNeo4j({ dataDir, boltPort: await freePort(), log: () => {} });
  const nodeFlags = (process.env.ORRERY_BENCH_NODE_FLAGS ?? PLATFORM_NODE_FLAGS.join(' ')).split(' ').filter(Boolean);
  const platform = await spawnPlatform(neo4j.uri, nodeFlags);
  const { otlpUrl, apiUrl, child: collector } = platform;
  try {
    const config = loadConfig({});
    line(`collector flush interval ${config.flushMs} ms, pairing timeout ${config.pairingTimeoutMs} ms`);

    // 2. Freshness.
    const samples: number[] = [];
    for (let i = 0; i < (quick ? 15 : 40); i++) {
      const caller = `fresh-caller-${i}`;
      const { requests: pair } = freshPair(caller, `fresh-callee-${i}`);
      const sent = performance.now();
      for (const body of pair) await fetch(otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeProtobufTraces(body) });
      for (;;) {
        const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ service(name: "${caller}") { dependsOn { to } } }` }) });
        const data = (await response.json()) as { data?: { service: { dependsOn: unknown[] } | null } };
        if ((data.data?.service?.dependsOn.length ?? 0) > 0) break;
        if (performance.now() - sent > 10_000) throw new Error('freshness sample did not appear within 10 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      samples.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
    if (args.includes('--verbose')) line(`freshness samples (ms, in order): ${samples.map((s) => Math.round(s)).join(' ')}`);
    samples.sort((a, b) => a - b);
    line(`freshness (span received -> dependency in GraphQL) p50 ${Math.round(percentile(samples, 0.5))} ms, p95 ${Math.round(percentile(samples, 0.95))} ms over ${samples.length} calls`);

    // 2b. Ingest end to end, per protocol: the same shape of traffic (fresh trace ids each time),
    // 4 senders, CPU time of the platform process and of Neo4j from /proc until all is written.
    const grpcSender = createOtlpGrpcSender(platform.otlpGrpcAddress);
    for (const protocol of ['http/protobuf', 'grpc'] as const) {
      const traffic = generateEstateTraffic({ services: 200, traces: quick ? 8_000 : 30_000, spansPerRequest: 512, startMs: Date.now(), seed: protocol === 'grpc' ? 77 : 78 });
      const bodies = traffic.requests.map((r) => encodeProtobufTraces(r));
      const before = await acceptedSpans(apiUrl);
      const cpu0 = [cpuSeconds(collector.pid!), cpuSeconds(neo4j.pid!)];
      const started = performance.now();
      let retries = 0;
      for (let i = 0; i < bodies.length; i += 4) {
        await Promise.all(bodies.slice(i, i + 4).map(async (body) => {
          for (;;) {
            // As an exporter does, a refused or failed request (a connection reset) is sent again.
            const ok = protocol === 'grpc'
              ? (await grpcSender.send(body)).code === 0
              : await fetch(otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body }).then((r) => r.ok, (error: Error) => {
                console.error(`[bench] ingest request failed, retrying: ${error.message} (${String((error as { cause?: unknown }).cause ?? '')})`);
                return false;
              });
            if (ok) return;
            retries++;
            await new Promise((r) => setTimeout(r, 200));
          }
        }));
      }
      await waitForWritten(apiUrl, before + traffic.spans);
      const [platformCpu, neo4jCpu] = [cpuSeconds(collector.pid!) - cpu0[0]!, cpuSeconds(neo4j.pid!) - cpu0[1]!];
      line(`ingest ${protocol.padEnd(13)} ${Math.round(traffic.spans / platformCpu).toLocaleString('en')} spans per CPU-second of the platform process ` +
        `(${traffic.spans.toLocaleString('en')} spans in ${((performance.now() - started) / 1000).toFixed(1)} s until written, 4 senders, ${retries} retries; Neo4j ${neo4jCpu.toFixed(1)} CPU-s)`);
    }
    grpcSender.close();

    // 3. Memory at a million spans a minute.
    const perSecond = Math.round(1_000_000 / 60);
    let peakRssKb = 0;
    let sentSpans = 0;
    let refused = 0;
    // Traffic is generated and encoded before the clock starts, so the sender keeps the rate.
    const seconds = Array.from({ length: memorySeconds }, (_, second) => {
      const traffic = generateEstateTraffic({ services: 200, traces: Math.round(perSecond / 11.9), spansPerRequest: 512, startMs: Date.now() + second * 1000, seed: second + 1 });
      return { spans: traffic.spans, bodies: traffic.requests.map((r) => encodeProtobufTraces(r)) };
    });
    const sampler = setInterval(() => {
      const status = readFileSync(`/proc/${collector.pid}/status`, 'utf8');
      peakRssKb = Math.max(peakRssKb, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
    }, 250);
    const memoryStart = performance.now();
    for (const { spans, bodies } of seconds) {
      const tick = performance.now();
      const results = await Promise.all(bodies.map((body) => fetch(otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body })));
      refused += results.filter((r) => !r.ok).length;
      sentSpans += spans;
      const wait = 1000 - (performance.now() - tick);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    clearInterval(sampler);
    const rate = sentSpans / ((performance.now() - memoryStart) / 60_000);
    line(`memory: platform process (node ${nodeFlags.join(' ')}) peak RSS ${Math.round(peakRssKb / 1024)} MB while receiving ${Math.round(rate).toLocaleString('en')} spans/min for ${memorySeconds} s (${sentSpans.toLocaleString('en')} spans, ${refused} requests refused)`);
  } finally {
    collector.kill('SIGTERM');
    await new Promise((r) => collector.once('exit', r));
    await neo4j.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  // 5. Time, on a fresh Neo4j and platform.
  await benchmarkTime({ quick, line });
}

/** utime + stime of a process, s (/proc/<pid>/stat fields 14 and 15, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function collectorStatus(apiUrl: string, attempt = 1): Promise<{ acceptedSpans: number; pendingSpans: number; writesPending: boolean }> {
  // Generating traffic blocks this process's event loop for seconds, past the API's keep-alive
  // timeout: the pooled socket it then reuses was closed by the server ("other side closed").
  const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ collectorStatus { acceptedSpans pendingSpans writesPending } }' }) })
    .catch((error: Error) => {
      if (attempt >= 3) throw error;
      return undefined;
    });
  if (!response) return collectorStatus(apiUrl, attempt + 1);
  return ((await response.json()) as { data: { collectorStatus: { acceptedSpans: number; pendingSpans: number; writesPending: boolean } } }).data.collectorStatus;
}

const acceptedSpans = async (apiUrl: string) => (await collectorStatus(apiUrl)).acceptedSpans;

/** Until `spans` are accepted, none waits for a partner and nothing is unwritten. */
async function waitForWritten(apiUrl: string, spans: number): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const status = await collectorStatus(apiUrl);
    if (status.acceptedSpans >= spans && status.pendingSpans === 0 && !status.writesPending) return;
    if (Date.now() > deadline) throw new Error(`spans not written within 10 minutes: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function countSpans(request: Record<string, unknown>): number {
  return (request.resourceSpans as Array<{ scopeSpans: Array<{ spans: unknown[] }> }>).reduce((n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0);
}

/** One CLIENT -> SERVER call, each half in its own request. */
function freshPair(caller: string, callee: string) {
  const traceId = crypto.randomUUID().replaceAll('-', '');
  const clientId = traceId.slice(0, 16);
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (spanId: string, kind: number, parent?: string) => ({
    traceId, spanId, ...(parent ? { parentSpanId: parent } : {}), name: 'GET', kind,
    startTimeUnixNano: String(now), endTimeUnixNano: String(now + 5_000_000n), attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }],
  });
  const request = (service: string, s: unknown) => ({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans: [s] }] }] });
  return { requests: [request(caller, span(clientId, 3)), request(callee, span(traceId.slice(16), 2, clientId))] };
}

main().catch((error: Error) => {
  const cause = (error as { cause?: unknown }).cause;
  console.error(`[bench] ${error.stack ?? error.message}${cause ? `\n  cause: ${String((cause as Error).stack ?? cause)}` : ''}`);
  process.exit(1);
});
