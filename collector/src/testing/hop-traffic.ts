// The end-to-end benchmark's workload (issue 12, `npm run bench -- --e2e`), with the graph it must
// produce: traces of a root SERVER span and 3-5 CLIENT -> SERVER hops between 200 services, about
// ten attributes per span as the Node HTTP instrumentation sets them, 1% of hops failing, ~500
// spans per request mixed across services as a gateway forwards them, and one trace in ten split
// across two consecutive requests (so halves pair across batches). Deterministic for a seed.

import { rng } from './estate-traffic.ts';

type Json = Record<string, unknown>;

export interface HopTrafficOptions {
  services?: number;
  /** Spans to generate (rounded up to whole traces). */
  spans: number;
  spansPerRequest?: number;
  startMs: number;
  seed?: number;
  /** Prefix of service names (default `svc-`). */
  prefix?: string;
}

export interface ExpectedEdge {
  from: string;
  to: string;
  calls: number;
  errors: number;
}

export interface HopTraffic {
  /** OTLP/JSON ExportTraceServiceRequests. */
  requests: Json[];
  spans: number;
  /** Every SYNC http dependency the traffic makes, with its exact counts. */
  expected: ExpectedEdge[];
}

/** Callees per service: ~900 distinct edges among 200 services, as in the measurement. */
const CALLEES = 5;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

export function generateHopTraffic(options: HopTrafficOptions): HopTraffic {
  const random = rng(options.seed ?? 12);
  const serviceCount = options.services ?? 200;
  const perRequest = options.spansPerRequest ?? 500;
  const names = Array.from({ length: serviceCount }, (_, i) => `${options.prefix ?? 'svc-'}${String(i).padStart(3, '0')}`);
  const callees = names.map((_, i) => Array.from({ length: CALLEES }, (_, k) => (i + 1 + ((k * 37 + i * 11) % (serviceCount - 1))) % serviceCount));
  const hex = (bytes: number) => {
    let out = '';
    for (let i = 0; i < bytes; i++) out += Math.floor(random() * 256).toString(16).padStart(2, '0');
    return out;
  };
  const nanos = (ms: number) => `${Math.floor(ms)}${String(Math.floor((ms % 1) * 1e6)).padStart(6, '0')}`;
  const expected = new Map<string, ExpectedEdge>();

  const server = (traceId: string, spanId: string, parent: string | undefined, start: number, dur: number, service: number, error: boolean): Json => ({
    traceId, spanId, ...(parent ? { parentSpanId: parent } : {}), name: 'GET /api/items/:id', kind: 2,
    startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + dur),
    attributes: [str('http.request.method', 'GET'), str('http.route', '/api/items/:id'), str('url.path', '/api/items/42'), str('url.scheme', 'http'),
      int('http.response.status_code', error ? 500 : 200), str('network.protocol.version', '1.1'), str('server.address', names[service]!), int('server.port', 8080),
      str('user_agent.original', 'node'), str('client.address', '10.1.0.7')],
    ...(error ? { status: { code: 2 } } : {}),
  });
  const client = (traceId: string, spanId: string, parent: string, start: number, dur: number, callee: number, error: boolean): Json => ({
    traceId, spanId, parentSpanId: parent, name: 'GET', kind: 3,
    startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + dur),
    attributes: [str('http.request.method', 'GET'), str('url.full', `http://${names[callee]}:8080/api/items/42`), str('server.address', names[callee]!), int('server.port', 8080),
      int('http.response.status_code', error ? 500 : 200), str('network.protocol.version', '1.1'), str('network.peer.address', '10.1.0.9'), int('network.peer.port', 8080),
      str('url.scheme', 'http'), str('user_agent.original', 'node')],
    ...(error ? { status: { code: 2 } } : {}),
  });

  // Spans of one request, per service; a split trace leaves part of itself for the next request.
  type Batch = Map<number, Json[]>;
  const requests: Json[] = [];
  let batch: Batch = new Map();
  let inBatch = 0;
  let carried: Array<[number, Json]> = [];
  const add = (b: Batch, service: number, span: Json) => {
    let list = b.get(service);
    if (!list) b.set(service, (list = []));
    list.push(span);
  };
  const resource = (service: number) => ({
    attributes: [str('service.name', names[service]!), str('service.namespace', 'shop'), str('service.version', '1.8.0'), str('deployment.environment.name', 'production'),
      str('telemetry.sdk.name', 'opentelemetry'), str('telemetry.sdk.language', 'nodejs'), str('telemetry.sdk.version', '2.2.0'),
      str('host.name', `${names[service]}-5c8d`), int('process.pid', 1000 + service), str('process.runtime.name', 'nodejs')],
  });
  const emit = () => {
    requests.push({
      resourceSpans: [...batch].map(([service, spans]) => ({
        resource: resource(service), scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.208.0' }, spans }],
      })),
    });
    batch = new Map();
    inBatch = 0;
    for (const [service, span] of carried) add(batch, service, span), inBatch++;
    carried = [];
  };

  let spans = 0;
  for (let t = 0; spans < options.spans; t++) {
    const traceId = hex(16);
    const start = options.startMs + t * 0.5;
    const trace: Array<[number, Json]> = [];
    let caller = Math.floor(random() * serviceCount);
    let parent = hex(8);
    trace.push([caller, server(traceId, parent, undefined, start, 40, caller, false)]);
    const hops = 3 + Math.floor(random() * 3);
    for (let h = 0; h < hops; h++) {
      const callee = callees[caller]![Math.floor(random() * CALLEES)]!;
      const error = random() < 0.01;
      const clientId = hex(8);
      const serverId = hex(8);
      const at = start + 1 + h * 5;
      trace.push([caller, client(traceId, clientId, parent, at, 4, callee, error)]);
      trace.push([callee, server(traceId, serverId, clientId, at + 0.5, 3, callee, error)]);
      const key = `${names[caller]}>${names[callee]}`;
      const edge = expected.get(key) ?? { from: names[caller]!, to: names[callee]!, calls: 0, errors: 0 };
      edge.calls++;
      if (error) edge.errors++;
      expected.set(key, edge);
      caller = callee;
      parent = serverId;
    }
    spans += trace.length;
    const split = random() < 0.1 ? Math.ceil(trace.length / 2) : trace.length;
    for (const [service, span] of trace.slice(0, split)) add(batch, service, span), inBatch++;
    carried.push(...trace.slice(split));
    if (inBatch >= perRequest) emit();
  }
  if (inBatch > 0 || carried.length > 0) emit();
  if (inBatch > 0) emit();
  return { requests, spans, expected: [...expected.values()] };
}
