// Overload (issue 13, "Bad input, measured"): the platform runs as a child process (`node
// tools/start.ts`, so its RSS is its own), its capacity is measured with a few closed-loop
// senders, then exports arrive open-loop at twice that rate. The platform must push back (429 or
// 503 with Retry-After) rather than fall over, stay under its memory bound, and count every span
// it acknowledged with a 2xx: the service graph at the end, read from /metrics, holds exactly the
// calls of the accepted requests on exactly their edges.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeProtobufTraces } from '../../collector/src/testing/encode-protobuf.ts';
import { generateHopTraffic } from '../../collector/src/testing/hop-traffic.ts';
import { startProcess, type RunningProcess } from './support/child-processes.ts';
import { freePort } from './support/free-port.ts';
import { clearGraph, eventually } from './support/platform.ts';

type Json = Record<string, unknown>;

const repoRoot = path.resolve(import.meta.dirname, '../..');
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Peak RSS allowed above the RSS after the capacity phase: what the bounds allow (requests in flight
 * at the body limit and decoded, pairing stores, pending aggregation) is far less; 256 MB also
 * covers a garbage collector that runs late under load. Unbounded queueing at twice capacity grows
 * past it within seconds.
 */
const RSS_HEADROOM_BYTES = 256 * 1024 * 1024;
const PAIRING_TIMEOUT_MS = 1000;
const MAX_IN_FLIGHT = 4;
/** ~500 spans per request (an SDK's default batch is 512): the platform's work per request dwarfs the sender's. */
const TRACES_PER_REQUEST = 50;

let platform: RunningProcess;
let otlpUrl: string;
let apiUrl: string;

interface Batch {
  /** OTLP/protobuf, encoded before the clock starts: the sender's cost per request stays small. */
  body: Buffer;
  spans: number;
  /** `client -> server`: calls this request's traces make (each trace whole within the request). */
  edges: Map<string, number>;
}

/**
 * Hop traffic regrouped so each request carries whole traces: a refused request then loses whole
 * calls, never one half of a call whose other half was accepted, and what the graph must hold is
 * the sum of the accepted requests' edges.
 */
function wholeTraceBatches(prefix: string, spans: number, tracesPerRequest: number, seed: number): Batch[] {
  const traffic = generateHopTraffic({ services: 20, spans, startMs: Date.now(), prefix, seed });
  const byTrace = new Map<string, Array<{ resource: Json; span: Json }>>();
  for (const request of traffic.requests) {
    for (const rs of request.resourceSpans as Array<{ resource: Json; scopeSpans: Array<{ spans: Json[] }> }>) {
      for (const ss of rs.scopeSpans) for (const span of ss.spans) {
        const id = span.traceId as string;
        if (!byTrace.has(id)) byTrace.set(id, []);
        byTrace.get(id)!.push({ resource: rs.resource, span });
      }
    }
  }
  const serviceOf = (resource: Json) => ((resource.attributes as Array<{ key: string; value: { stringValue?: string } }>).find((a) => a.key === 'service.name')!.value.stringValue!);
  const traces = [...byTrace.values()];
  const batches: Batch[] = [];
  for (let i = 0; i < traces.length; i += tracesPerRequest) {
    const group = traces.slice(i, i + tracesPerRequest).flat();
    const byService = new Map<string, { resource: Json; spans: Json[] }>();
    const clientService = new Map<string, string>();
    for (const { resource, span } of group) {
      const service = serviceOf(resource);
      if (!byService.has(service)) byService.set(service, { resource, spans: [] });
      byService.get(service)!.spans.push(span);
      if (span.kind === 3) clientService.set(span.spanId as string, service);
    }
    const edges = new Map<string, number>();
    for (const { resource, span } of group) {
      const caller = span.kind === 2 && span.parentSpanId ? clientService.get(span.parentSpanId as string) : undefined;
      if (caller) edges.set(`${caller} -> ${serviceOf(resource)}`, (edges.get(`${caller} -> ${serviceOf(resource)}`) ?? 0) + 1);
    }
    const body = Buffer.from(encodeProtobufTraces({ resourceSpans: [...byService.values()].map(({ resource, spans }) => ({ resource, scopeSpans: [{ scope: { name: 'overload' }, spans }] })) }));
    batches.push({ body, spans: group.length, edges });
  }
  return batches;
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) * 1024;
}

interface Sent {
  status: number;
  retryAfter: string | null;
  batch: Batch;
}

async function send(batch: Batch): Promise<Sent> {
  try {
    const response = await fetch(otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array(batch.body) });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), batch };
  } catch {
    return { status: -1, retryAfter: null, batch }; // connection refused or reset: not acknowledged
  }
}

/** The service graph's calls per `client -> server` from /metrics. */
async function graphFromMetrics(prefix: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^traces_service_graph_request_total\{client="([^"]*)",server="([^"]*)",connection_type="[^"]*"\} (\S+)$/gm)) {
    if (m[1]!.startsWith(prefix)) out.set(`${m[1]} -> ${m[2]}`, Number(m[3]));
  }
  return out;
}

/** The sum of the /metrics samples whose line starts with `series` (a name, or a name and labels). */
async function metric(series: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${series} `) || line.startsWith(`${series}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

beforeAll(async () => {
  const neo4jUri = inject('neo4jUri');
  await clearGraph(neo4jUri);
  const [otlpPort, grpcPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  platform = startProcess({
    name: 'orrery',
    command: process.execPath,
    args: [path.join(repoRoot, 'tools/start.ts')],
    cwd: repoRoot,
    env: {
      ...process.env, NEO4J_URI: neo4jUri, ORRERY_DEMO: '0', ORRERY_OTLP_PORT: String(otlpPort), ORRERY_OTLP_GRPC_PORT: String(grpcPort), ORRERY_API_PORT: String(apiPort),
      ORRERY_PAIRING_TIMEOUT_MS: String(PAIRING_TIMEOUT_MS), ORRERY_FLUSH_MS: '200', ORRERY_WRITE_MS: '1000', ORRERY_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      // The receiver's bound shrunk from 64 requests in flight: on a shared 2-core machine this test's
      // own sending is as CPU-bound as the platform, and at twice capacity a backlog of 64 takes
      // longer to build than the test may run. The mechanism (429 with Retry-After past the bound) is the same.
      ORRERY_MAX_CONCURRENT_EXPORTS: String(MAX_IN_FLIGHT),
    },
  });
  otlpUrl = `http://127.0.0.1:${otlpPort}/v1/traces`;
  apiUrl = `http://127.0.0.1:${apiPort}`;
  await eventually(async () => {
    const response = await fetch(`${apiUrl}/metrics`);
    expect(response.status).toBe(200);
  }, 240_000, 500).catch((error: Error) => {
    throw new Error(`the platform did not start: ${error.message}\n${platform.outputTail()}`);
  });
});
afterAll(async () => platform?.stop(15_000));

describe('overload at twice the measured capacity', () => {
  it('pushes back with Retry-After, stays under its memory bound and counts every acknowledged span', async () => {
    const pid = platform.pid!;
    // Capacity: what the platform accepts when saturated. 16 closed-loop senders (more than it takes
    // in flight, so it is never idle waiting for one), each pausing 20 ms after a refusal; 1.5 s to
    // warm the JIT up, then 3 s measured.
    // Enough never to run dry before the 3 s are up: a quiet CI machine took ~95,000 spans/s here,
    // and 150,000 spans were all sent within the warm-up, leaving the measured seconds none.
    const warm = wholeTraceBatches('ovl-warm-', 600_000, TRACES_PER_REQUEST, 3);
    let next = 0;
    let acceptedSpans = 0;
    let started = performance.now();
    const warmResults: Sent[] = [];
    const closedLoop = (ms: number, count: boolean) => Promise.all(Array.from({ length: 16 }, async () => {
      while (performance.now() - started < ms && next < warm.length) {
        const sent = await send(warm[next++]!);
        warmResults.push(sent);
        if (count && sent.status === 200) acceptedSpans += sent.batch.spans;
        if (sent.status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }));
    await closedLoop(1500, false);
    started = performance.now();
    await closedLoop(3000, true);
    const capacitySpansPerS = acceptedSpans / ((performance.now() - started) / 1000);
    expect(next, 'the warm-up batches ran out before the measured seconds did').toBeLessThan(warm.length);
    expect(capacitySpansPerS).toBeGreaterThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 2 * PAIRING_TIMEOUT_MS));
    const baselineRss = rssBytes(pid);

    // Twice that, open loop: a request every interval whatever the answers, for 5 s.
    const loadMs = 5000;
    const load = wholeTraceBatches('ovl-load-', 2 * capacitySpansPerS * (loadMs / 1000) * 1.2, TRACES_PER_REQUEST, 4);
    const intervalMs = (load[0]!.spans / (2 * capacitySpansPerS)) * 1000;
    const pending: Array<Promise<Sent>> = [];
    let peakRss = baselineRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pid))), 100);
    const loadStarted = performance.now();
    for (let i = 0; i < load.length && performance.now() - loadStarted < loadMs; i++) {
      const due = loadStarted + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(send(load[i]!));
    }
    const results = await Promise.all(pending);
    const loadS = (performance.now() - loadStarted) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 500));
    clearInterval(sampler);

    const byStatus = new Map<number, number>();
    for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    const accepted = results.filter((r) => r.status >= 200 && r.status < 300);
    const pushedBack = results.filter((r) => r.status === 429 || r.status === 503);
    const offeredSpans = results.reduce((n, r) => n + r.batch.spans, 0);
    const acceptedLoadSpans = accepted.reduce((n, r) => n + r.batch.spans, 0);
    process.stderr.write(`[overload] capacity ${Math.round(capacitySpansPerS)} spans/s (saturated by 16 closed-loop senders, 3 s after 1.5 s of warm-up; ORRERY_MAX_CONCURRENT_EXPORTS=${MAX_IN_FLIGHT}); ` +
      `offered ${Math.round(offeredSpans / (loadMs / 1000))} spans/s for ${loadMs / 1000} s (answered within ${loadS.toFixed(1)} s) in ${results.length} requests of ~${load[0]!.spans} spans: ` +
      `${JSON.stringify(Object.fromEntries(byStatus))}, accepted ${Math.round(acceptedLoadSpans / loadS)} spans/s; ` +
      `RSS ${Math.round(baselineRss / 2 ** 20)} MB before, peak ${Math.round(peakRss / 2 ** 20)} MB\n`);

    // Push-back, as OTLP says: 429/503 with Retry-After, nothing else refused, nothing broken. On a
    // shared 2-core machine the sender is as starved as the platform, and the capacity it measures
    // can be the sender's own: then twice it is still within what the platform takes, and the
    // platform must have taken it all instead: queued rather than refused, every request answered
    // (within 10 s of the last sent, so a wedged receiver still fails) and, below, every span counted.
    for (const r of pushedBack) expect(Number(r.retryAfter)).toBeGreaterThan(0);
    if (pushedBack.length === 0) expect(loadS - loadMs / 1000).toBeLessThan(10);
    expect(results.every((r) => r.status === 200 || r.status === 429 || r.status === 503), JSON.stringify(Object.fromEntries(byStatus))).toBe(true);
    expect(peakRss - baselineRss).toBeLessThan(RSS_HEADROOM_BYTES);

    // Every acknowledged span counted: the graph holds exactly the accepted requests' calls.
    const expected = new Map<string, number>();
    for (const r of [...warmResults, ...accepted].filter((r) => r.status === 200)) {
      for (const [edge, calls] of r.batch.edges) expected.set(edge, (expected.get(edge) ?? 0) + calls);
    }
    await eventually(async () => {
      const warmEdges = await graphFromMetrics('ovl-warm-');
      const loadEdges = await graphFromMetrics('ovl-load-');
      expect(new Map([...warmEdges, ...loadEdges])).toEqual(expected);
    }, 30_000, 500);
    expect(await metric('orrery_span_outcomes_total{outcome="dropped"}')).toBe(0);
    expect(await metric('orrery_aggregator_dropped_interactions_total')).toBe(0);
  });
});
