// Generates OTLP/JSON export requests shaped like a real estate's traffic, for benchmarks:
// entry calls fanning out over HTTP to downstream services, each with database calls, some
// orders handed off through a queue, realistic attribute sets on spans and resources. Spans
// are batched per service as each service's exporter would send them, so the two halves of a
// call always arrive in different requests.

type Json = Record<string, unknown>;

export interface EstateTrafficOptions {
  services: number;
  traces: number;
  spansPerRequest: number;
  /** Start of the traffic, epoch ms. */
  startMs: number;
  seed?: number;
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

/** xorshift32: the generators' deterministic source of randomness. */
export function rng(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export function generateEstateTraffic(options: EstateTrafficOptions): { requests: Json[]; spans: number } {
  const random = rng(options.seed ?? 42);
  const hex = (bytes: number) => {
    let out = '';
    for (let i = 0; i < bytes; i++) out += Math.floor(random() * 256).toString(16).padStart(2, '0');
    return out;
  };
  const names = Array.from({ length: options.services }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
  const perService = new Map<string, Json[]>(names.map((n) => [n, []]));
  const nanos = (ms: number) => `${Math.floor(ms)}${String(Math.floor((ms % 1) * 1e6)).padStart(6, '0')}`;
  let total = 0;

  const push = (service: string, span: Json) => {
    perService.get(service)!.push(span);
    total++;
  };
  const httpServer = (traceId: string, spanId: string, parent: string | undefined, start: number, dur: number, route: string, error: boolean): Json => ({
    traceId, spanId, ...(parent ? { parentSpanId: parent } : {}), name: `GET ${route}`, kind: 2,
    startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + dur),
    attributes: [str('http.request.method', 'GET'), str('http.route', route), str('url.path', route.replace(':id', '42')), str('url.scheme', 'http'),
      int('http.response.status_code', error ? 500 : 200), str('network.protocol.version', '1.1'), str('server.address', 'localhost'), int('server.port', 8080),
      str('user_agent.original', 'node-fetch'), str('client.address', '10.0.0.12')],
    ...(error ? { status: { code: 2 } } : {}),
  });

  for (let t = 0; t < options.traces; t++) {
    const traceId = hex(16);
    const start = options.startMs + t * 2;
    const entry = names[Math.floor(random() * Math.min(10, names.length))]!;
    const rootId = hex(8);
    push(entry, httpServer(traceId, rootId, undefined, start, 80, '/orders/:id', false));
    const fanOut = 2 + Math.floor(random() * 4);
    for (let c = 0; c < fanOut; c++) {
      const callee = names[Math.floor(random() * names.length)]!;
      const clientId = hex(8);
      const serverId = hex(8);
      const at = start + 2 + c * 10;
      const error = random() < 0.02;
      push(entry, {
        traceId, spanId: clientId, parentSpanId: rootId, name: 'GET', kind: 3,
        startTimeUnixNano: nanos(at), endTimeUnixNano: nanos(at + 8),
        attributes: [str('http.request.method', 'GET'), str('url.full', `http://${callee}:8080/items/42`), str('server.address', callee), int('server.port', 8080),
          int('http.response.status_code', error ? 500 : 200), str('network.protocol.version', '1.1')],
        ...(error ? { status: { code: 2 } } : {}),
      });
      push(callee, httpServer(traceId, serverId, clientId, at + 1, 6, '/items/:id', error));
      push(callee, {
        traceId, spanId: hex(8), parentSpanId: serverId, name: 'SELECT items', kind: 3,
        startTimeUnixNano: nanos(at + 2), endTimeUnixNano: nanos(at + 4),
        attributes: [str('db.system.name', 'postgresql'), str('db.namespace', `${callee}-db`), str('db.operation.name', 'SELECT'), str('db.collection.name', 'items'),
          str('db.query.text', 'SELECT * FROM items WHERE id = $1'), str('server.address', 'pg-main'), int('server.port', 5432)],
      });
    }
    if (t % 5 === 0) {
      const producerId = hex(8);
      const consumer = names[(names.indexOf(entry) + 1) % names.length]!;
      push(entry, {
        traceId, spanId: producerId, parentSpanId: rootId, name: 'send orders', kind: 4,
        startTimeUnixNano: nanos(start + 60), endTimeUnixNano: nanos(start + 61),
        attributes: [str('messaging.system', 'kafka'), str('messaging.destination.name', 'orders'), str('messaging.operation.type', 'send'), str('messaging.operation.name', 'send')],
      });
      push(consumer, {
        traceId: hex(16), spanId: hex(8), name: 'process orders', kind: 5,
        startTimeUnixNano: nanos(start + 90), endTimeUnixNano: nanos(start + 95),
        attributes: [str('messaging.system', 'kafka'), str('messaging.destination.name', 'orders'), str('messaging.operation.type', 'process'), str('messaging.consumer.group.name', 'fulfilment')],
        links: [{ traceId, spanId: producerId }],
      });
    }
  }

  const resource = (service: string) => ({
    attributes: [str('service.name', service), str('service.namespace', 'shop'), str('service.version', '2.4.1'), str('deployment.environment.name', 'production'),
      str('telemetry.sdk.name', 'opentelemetry'), str('telemetry.sdk.language', 'nodejs'), str('telemetry.sdk.version', '2.0.0'),
      str('host.name', `${service}-7d9f-x2`), int('process.pid', 4242), str('process.runtime.name', 'nodejs')],
  });
  // Round-robin over services, one batch each, as concurrent exporters would deliver them.
  const queues = [...perService].map(([service, spans]) => ({ service, spans, next: 0 }));
  const requests: Json[] = [];
  for (let active = queues.length; active > 0; ) {
    active = 0;
    for (const q of queues) {
      if (q.next >= q.spans.length) continue;
      active++;
      const spans = q.spans.slice(q.next, q.next + options.spansPerRequest);
      q.next += spans.length;
      requests.push({ resourceSpans: [{ resource: resource(q.service), scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.200.0' }, spans }] }] });
    }
  }
  return { requests, spans: total };
}
