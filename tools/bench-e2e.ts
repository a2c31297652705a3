// `npm run bench -- --e2e`: the platform end to end, as issue 12 measures it. The workload
// (collector/src/testing/hop-traffic.ts: 200 services, root SERVER + 3-5 CLIENT->SERVER hops,
// ~10 attributes per span, 1% errors, 10% of traces split across two requests, 500 spans per
// request) is generated and encoded before the clock starts, then sent over OTLP/HTTP by 4
// concurrent senders in this process, pinned to core 1, to the real platform (tools/start.ts)
// and its embedded Neo4j, both pinned to core 0. For each wire format, on a fresh Neo4j: CPU
// seconds of the platform process and of Neo4j from /proc/PID/stat until every span is written,
// wall throughput, the platform's peak RSS (VmHWM), and a check that every edge and count is
// exact. The Go OpenTelemetry Collector with the servicegraph connector (../shared/peer) runs the
// same bodies side by side when it can be built, checked the same way from its Prometheus metrics.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProtobufTraces } from '../collector/src/testing/encode-protobuf.ts';
import { generateHopTraffic, type ExpectedEdge } from '../collector/src/testing/hop-traffic.ts';
import { startEmbeddedNeo4j } from '../neo4j-embedded/neo4j.ts';
import { freePort } from '../test/src/support/free-port.ts';
import { spawnPlatform, waitFor } from './bench-platform.ts';
import { PLATFORM_NODE_FLAGS } from './node-flags.ts';

const root = join(import.meta.dirname, '..');
const PLATFORM_CORE = '0';
const SENDER_CORE = '1';
const SENDERS = 4;

type Format = 'protobuf' | 'json';
interface Run {
  system: string;
  format: Format;
  spans: number;
  cpuSeconds: number;
  neo4jCpuSeconds?: number;
  sendSeconds: number;
  writtenSeconds: number;
  peakRssMb: number;
  exact: string;
  refused: number;
  writes?: string;
}

/** Spans sent before the clock starts (service names of their own, left out of the check). */
const WARM_UP_SPANS = 100_000;

async function waitForWritten(apiUrl: string, spans: number): Promise<void> {
  type Status = { collectorStatus: { acceptedSpans: number; pendingSpans: number; writesPending: boolean } };
  await waitFor(async () => {
    const s = (await graphql<Status>(apiUrl, '{ collectorStatus { acceptedSpans pendingSpans writesPending } }')).collectorStatus;
    return s.acceptedSpans === spans && s.pendingSpans === 0 && !s.writesPending;
  }, 600_000);
}

/** utime + stime of a process, s (/proc/<pid>/stat fields 14 and 15, in clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Every thread of a process onto one core (taskset -a: the JVM's and libuv's threads too). */
function pin(pid: number, core: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', core, String(pid)], { stdio: 'ignore' });
}

/** Sends every body with `senders` requests in flight; a refused request waits and is sent again, as exporters do. */
async function send(url: string, bodies: Array<Uint8Array | string>, contentType: string): Promise<{ seconds: number; refused: number }> {
  let next = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: SENDERS }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      for (;;) {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: body as BodyInit }).catch((error: Error) => error);
        if (!(response instanceof Error)) {
          await response.arrayBuffer();
          if (response.ok) break;
        }
        refused++;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }));
  return { seconds: (performance.now() - started) / 1000, refused };
}

async function graphql<T>(apiUrl: string, query: string): Promise<T> {
  const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data!;
}

/** "exact (893 of 893)" or what differs. */
function compare(expected: ExpectedEdge[], observed: Map<string, { calls: number; errors: number }>, extra: number): string {
  let exact = 0;
  const wrong: string[] = [];
  for (const e of expected) {
    const o = observed.get(`${e.from}>${e.to}`);
    if (o && o.calls === e.calls && o.errors === e.errors) exact++;
    else if (wrong.length < 3) wrong.push(`${e.from}->${e.to} expected ${e.calls}/${e.errors}, got ${o ? `${o.calls}/${o.errors}` : 'none'}`);
  }
  const missingOrWrong = expected.length - exact;
  return missingOrWrong === 0 && extra === 0 ? `exact (${exact} of ${expected.length} edges)` : `NOT exact: ${exact} of ${expected.length} edges right, ${extra} unexpected; ${wrong.join('; ')}`;
}

async function runOrrery(format: Format, bodies: Array<Uint8Array | string>, spans: number, expected: ExpectedEdge[]): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'orrery-bench-e2e-'));
  const neo4j = await startEmbeddedNeo4j({ dataDir, boltPort: await freePort(), log: () => {} });
  const nodeFlags = (process.env.ORRERY_BENCH_NODE_FLAGS ?? PLATFORM_NODE_FLAGS.join(' ')).split(' ').filter(Boolean);
  const platform = await spawnPlatform(neo4j.uri, nodeFlags);
  try {
    pin(neo4j.pid!, PLATFORM_CORE);
    pin(platform.child.pid!, PLATFORM_CORE);
    // A running platform is warm: both JITs (V8's and Neo4j's JVM, whose compiler threads burn
    // seconds of CPU on the first writes) get traffic on other service names before the clock.
    const warmUp = generateHopTraffic({ spans: WARM_UP_SPANS, startMs: Date.now(), seed: 99, prefix: 'warm-up-' });
    const warmBodies = warmUp.requests.map((r) => (format === 'protobuf' ? encodeProtobufTraces(r) : JSON.stringify(r)));
    await send(platform.otlpUrl, warmBodies, format === 'protobuf' ? 'application/x-protobuf' : 'application/json');
    await waitForWritten(platform.apiUrl, warmUp.spans);
    await new Promise((r) => setTimeout(r, 10_000));
    const flushes0 = (await graphql<{ collectorStatus: { flushes: number } }>(platform.apiUrl, '{ collectorStatus { flushes } }')).collectorStatus.flushes;
    const cpu0 = [cpuSeconds(platform.child.pid!), cpuSeconds(neo4j.pid!)];
    const started = performance.now();
    const sent = await send(platform.otlpUrl, bodies, format === 'protobuf' ? 'application/x-protobuf' : 'application/json');
    await waitForWritten(platform.apiUrl, warmUp.spans + spans);
    const writtenSeconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(platform.child.pid!) - cpu0[0]!;
    const neo4jCpu = cpuSeconds(neo4j.pid!) - cpu0[1]!;
    const rss = peakRssMb(platform.child.pid!);
    const { flushes, flushP50Ms } = (await graphql<{ collectorStatus: { flushes: number; flushP50Ms: number } }>(platform.apiUrl, '{ collectorStatus { flushes flushP50Ms } }')).collectorStatus;
    type Deps = { dependencies: Array<{ from: string; to: string; kind: string; protocol: string; calls: number; errors: number }> };
    const deps = (await graphql<Deps>(platform.apiUrl, '{ dependencies(window: { last: "all" }) { from to kind protocol calls errors } }')).dependencies;
    const measured = deps.filter((d) => !d.from.startsWith('warm-up-'));
    const observed = new Map(measured.filter((d) => d.kind === 'SYNC' && d.protocol === 'http').map((d) => [`${d.from}>${d.to}`, d]));
    return {
      system: 'Orrery platform process', format, spans, cpuSeconds: cpu, neo4jCpuSeconds: neo4jCpu, sendSeconds: sent.seconds, writtenSeconds, peakRssMb: rss,
      exact: compare(expected, observed, measured.length - observed.size + Math.max(0, observed.size - expected.length)), refused: sent.refused,
      writes: `${flushes - flushes0} writes to Neo4j, p50 ${Math.round(flushP50Ms)} ms`,
    };
  } finally {
    platform.child.kill('SIGTERM');
    await new Promise((r) => platform.child.once('exit', r));
    await neo4j.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The peer's binary, built by ../shared/peer/build.sh (minutes the first time), or why not. */
function buildPeer(log: (line: string) => void): string | { skipped: string } {
  const script = join(root, '..', 'shared', 'peer', 'build.sh');
  if (!existsSync(script)) return { skipped: `${script} not found` };
  log('[bench] building the peer (Go OpenTelemetry Collector + servicegraph; minutes the first time) ...');
  try {
    return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  } catch (error) {
    return { skipped: `peer build failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

async function runPeer(binary: string, format: Format, bodies: Array<Uint8Array | string>, spans: number, expected: ExpectedEdge[]): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-peer-run-'));
  const [otlpPort, metricsPort, telemetryPort] = [await freePort(), await freePort(), await freePort()];
  const config = readFileSync(join(root, '..', 'shared', 'peer', 'peer.yaml'), 'utf8')
    .replace('127.0.0.1:24318', `127.0.0.1:${otlpPort}`).replace('127.0.0.1:28889', `127.0.0.1:${metricsPort}`).replace('port: 28888', `port: ${telemetryPort}`);
  writeFileSync(join(dir, 'peer.yaml'), config);
  const child = spawn('taskset', ['-c', PLATFORM_CORE, binary, '--config', join(dir, 'peer.yaml')], { stdio: ['ignore', 'ignore', 'ignore'] });
  const metrics = () => fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${otlpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).ok, 60_000);
    const pid = child.pid!; // taskset execs the collector: same pid
    const warmUp = generateHopTraffic({ spans: WARM_UP_SPANS, startMs: Date.now(), seed: 99, prefix: 'warm-up-' });
    await send(`http://127.0.0.1:${otlpPort}/v1/traces`, warmUp.requests.map((r) => (format === 'protobuf' ? encodeProtobufTraces(r) : JSON.stringify(r))), format === 'protobuf' ? 'application/x-protobuf' : 'application/json');
    await new Promise((r) => setTimeout(r, 10_000));
    const total = expected.reduce((n, e) => n + e.calls, 0);
    const cpu0 = cpuSeconds(pid);
    const started = performance.now();
    const sent = await send(`http://127.0.0.1:${otlpPort}/v1/traces`, bodies, format === 'protobuf' ? 'application/x-protobuf' : 'application/json');
    let observed = new Map<string, { calls: number; errors: number }>();
    await waitFor(async () => {
      observed = parsePeerMetrics(await metrics());
      let counted = 0;
      for (const e of expected) counted += observed.get(`${e.from}>${e.to}`)?.calls ?? 0;
      return counted >= total;
    }, 120_000).catch(() => undefined);
    const writtenSeconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    const known = new Set(expected.map((e) => `${e.from}>${e.to}`));
    const extra = [...observed.keys()].filter((k) => !known.has(k) && !k.startsWith('user>') && !k.startsWith('warm-up-')).length;
    return { system: 'Go OTel Collector 0.165 + servicegraph', format, spans, cpuSeconds: cpu, sendSeconds: sent.seconds, writtenSeconds, peakRssMb: peakRssMb(pid), exact: compare(expected, observed, extra), refused: sent.refused };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** traces_service_graph_request_total / _failed_total per client>server. */
function parsePeerMetrics(text: string): Map<string, { calls: number; errors: number }> {
  const edges = new Map<string, { calls: number; errors: number }>();
  for (const line of text.split('\n')) {
    const m = /^traces_service_graph_request_(total|failed_total)\{([^}]*)\} ([0-9.e+]+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const key = `${labels.client}>${labels.server}`;
    const edge = edges.get(key) ?? { calls: 0, errors: 0 };
    if (m[1] === 'total') edge.calls += Number(m[3]);
    else edge.errors += Number(m[3]);
    edges.set(key, edge);
  }
  return edges;
}

export async function benchmarkEndToEnd(options: { quick: boolean; peer: boolean; formats?: Format[]; line: (text: string) => void }): Promise<void> {
  const { line } = options;
  pin(process.pid, SENDER_CORE);
  const spansWanted = options.quick ? 200_000 : 800_000;
  const traffic = generateHopTraffic({ spans: spansWanted, startMs: Date.now() });
  const bodies: Record<Format, Array<Uint8Array | string>> = {
    protobuf: options.formats?.includes('protobuf') === false ? [] : traffic.requests.map((r) => encodeProtobufTraces(r)),
    json: options.formats?.includes('json') === false ? [] : traffic.requests.map((r) => JSON.stringify(r)),
  };
  line(`e2e: ${traffic.spans.toLocaleString('en')} spans in ${traffic.requests.length} requests, ${traffic.expected.length} edges; platform and Neo4j pinned to core ${PLATFORM_CORE}, ${SENDERS} senders on core ${SENDER_CORE}`);
  traffic.requests.length = 0;
  const runs: Run[] = [];
  const peer = options.peer ? buildPeer((l) => console.error(l)) : { skipped: '--no-peer' };
  for (const format of options.formats ?? ['protobuf', 'json']) {
    runs.push(await runOrrery(format, bodies[format], traffic.spans, traffic.expected));
    report(runs.at(-1)!, line);
    if (typeof peer === 'string') {
      runs.push(await runPeer(peer, format, bodies[format], traffic.spans, traffic.expected));
      report(runs.at(-1)!, line);
    }
  }
  if (typeof peer !== 'string') line(`e2e: peer not run: ${peer.skipped}`);
}

function report(run: Run, line: (text: string) => void): void {
  const perCpu = Math.round(run.spans / run.cpuSeconds).toLocaleString('en');
  const neo4j = run.neo4jCpuSeconds === undefined ? '' : `; Neo4j ${run.neo4jCpuSeconds.toFixed(1)} CPU-s (${Math.round((100 * run.neo4jCpuSeconds) / run.writtenSeconds)}% of a core; ${run.writes})`;
  line(`e2e ${run.format.padEnd(8)} ${run.system}: ${perCpu} spans per CPU-second (${run.cpuSeconds.toFixed(1)} CPU-s)${neo4j}; ` +
    `sent in ${run.sendSeconds.toFixed(1)} s (${Math.round(run.spans / run.sendSeconds).toLocaleString('en')} spans/s), all counted in ${run.writtenSeconds.toFixed(1)} s; ` +
    `peak RSS ${Math.round(run.peakRssMb)} MB; ${run.refused} requests refused and resent; ${run.exact}`);
}
