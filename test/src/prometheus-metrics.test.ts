// GET /metrics scraped by a real Prometheus (Debian's `prometheus` package, installed on first
// use) every second, then asked in PromQL over its HTTP API: the service graph in Tempo's names
// answers exactly the edges and calls of the traffic this test sent over OTLP (direct calls, a
// database and a producer -> consumer handoff), and the collector's outcome counters add up.
// promtool (same package) lints the exposition as Prometheus' own tooling reads it.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateHopTraffic } from '../../collector/src/testing/hop-traffic.ts';
import type { Platform } from '../../tools/platform.ts';
import { startPrometheus, type PrometheusServer } from './support/debian-services.ts';
import { eventually, startTestPlatform } from './support/platform.ts';

let platform: Platform;
let prometheus: PrometheusServer;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const nanos = (ms: number) => `${Math.floor(ms)}000000`;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** `calls` database calls from prom-orders, and `handoffs` messages prom-checkout publishes and prom-fulfilment consumes. */
function databaseAndMessaging(calls: number, handoffs: number): Record<string, unknown>[] {
  const now = Date.now();
  const orders: unknown[] = [];
  const checkout: unknown[] = [];
  const fulfilment: unknown[] = [];
  for (let i = 0; i < calls; i++) {
    orders.push({
      traceId: hex(0xd0000 + i, 32), spanId: hex(0xd0000 + i, 16), name: 'SELECT orders', kind: 3, startTimeUnixNano: nanos(now + i), endTimeUnixNano: nanos(now + i + 30),
      attributes: [str('db.system.name', 'postgresql'), str('db.namespace', 'orders'), str('db.operation.name', 'SELECT'), str('server.address', 'orders-db')],
    });
  }
  for (let i = 0; i < handoffs; i++) {
    const traceId = hex(0xe0000 + i, 32);
    checkout.push({
      traceId, spanId: hex(0xe0000 + i, 16), name: 'publish orders.placed', kind: 4, startTimeUnixNano: nanos(now + i), endTimeUnixNano: nanos(now + i + 2),
      attributes: [str('messaging.system', 'kafka'), str('messaging.destination.name', 'orders.placed'), str('messaging.operation.type', 'send')],
    });
    fulfilment.push({
      traceId, spanId: hex(0xf0000 + i, 16), parentSpanId: hex(0xe0000 + i, 16), name: 'process orders.placed', kind: 5, startTimeUnixNano: nanos(now + i + 250), endTimeUnixNano: nanos(now + i + 260),
      attributes: [str('messaging.system', 'kafka'), str('messaging.destination.name', 'orders.placed'), str('messaging.operation.type', 'process')],
    });
  }
  const request = (service: string, spans: unknown[]) => ({ resourceSpans: [{ resource: { attributes: [str('service.name', service)] }, scopeSpans: [{ spans }] }] });
  return [request('prom-orders', orders), request('prom-checkout', checkout), request('prom-fulfilment', fulfilment)];
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function promql(query: string): Promise<VectorSample[]> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { resultType: string; result: VectorSample[] } };
  if (body.status !== 'success') throw new Error(`PromQL ${query}: ${body.error}`);
  return body.data.result;
}

const traffic = generateHopTraffic({ services: 6, spans: 600, spansPerRequest: 100, startMs: Date.now(), prefix: 'prom-svc-', seed: 7 });

// /metrics needs the API token as GraphQL does: Prometheus sends it from its scrape config.
const API_TOKEN = 'prometheus-scrape-token';

beforeAll(async () => {
  // Every call must pair for the counters to be exact: a split trace's second request may come well
  // after the test platforms' 1 s pairing timeout on a loaded machine (seen: 536 of 540 paired).
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_API_TOKEN: API_TOKEN, ORRERY_PAIRING_TIMEOUT_MS: '15000' });
  const target = new URL(platform.apiUrl).host;
  prometheus = await startPrometheus({ targets: [target], scrapeIntervalS: 1, bearerToken: API_TOKEN });
});
afterAll(async () => {
  await prometheus?.stop();
  await platform?.stop();
});

describe('/metrics scraped by Prometheus', () => {
  it('answers the service graph of the traffic sent, in Tempo names, over PromQL', async () => {
    for (const request of [...traffic.requests, ...databaseAndMessaging(7, 4)]) {
      const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      expect(response.status).toBe(200);
    }
    // /metrics reads the read model, published every ORRERY_FLUSH_MS: no need to wait for Neo4j.
    const database = await eventually(async () => {
      const edge = [...platform.collector.readModel.allEdges()].find((e) => e.kind === 'DATABASE');
      expect(edge?.to).toContain('orders-db');
      return edge!;
    });

    const expected = new Map<string, number>(traffic.expected.map((e) => [`${e.from} -> ${e.to}`, e.calls]));
    expected.set(`prom-orders -> ${database.to}`, 7);
    expected.set('prom-checkout -> prom-fulfilment', 4);
    const answered = await eventually(async () => {
      const result = await promql('sum by (client, server) (traces_service_graph_request_total)');
      const edges = new Map(result.map((s) => [`${s.metric.client} -> ${s.metric.server}`, Number(s.value[1])]));
      expect(edges).toEqual(expected);
      return result;
    }, 30_000, 500);
    expect(answered.length).toBe(traffic.expected.length + 2);

    // connection_type as Tempo sets it; an empty one is no label at all in Prometheus.
    const byType = await promql('count by (connection_type) (traces_service_graph_request_total)');
    expect(Object.fromEntries(byType.map((s) => [s.metric.connection_type ?? '', Number(s.value[1])]))).toEqual({ '': traffic.expected.length, database: 1, messaging_system: 1 });
    const failed = await promql('sum(traces_service_graph_request_failed_total{connection_type=""})');
    expect(Number(failed[0]!.value[1])).toBe(traffic.expected.reduce((n, e) => n + e.errors, 0));
    // The latency histogram is one Prometheus reads: hop traffic's calls take 4 ms, under the first bound.
    const p50 = await promql('histogram_quantile(0.5, sum by (le) (traces_service_graph_request_server_seconds_bucket{connection_type=""}))');
    expect(Number(p50[0]!.value[1])).toBeLessThanOrEqual(0.1);
    const handoff = await promql('sum(traces_service_graph_request_messaging_system_seconds_count)');
    expect(Number(handoff[0]!.value[1])).toBe(4);
  });

  it('answers the collector\'s own counters: spans accepted, every one in an outcome', async () => {
    const accepted = traffic.spans + 7 + 2 * 4;
    await eventually(async () => {
      const [spans] = await promql('sum(orrery_receiver_accepted_spans_total)');
      expect(Number(spans!.value[1])).toBe(accepted);
      const [outcomes] = await promql('sum(orrery_span_outcomes_total) + sum(orrery_spans_pending)');
      expect(Number(outcomes!.value[1])).toBe(accepted);
      const [paired] = await promql('orrery_span_outcomes_total{outcome="pairedCall"}');
      expect(Number(paired!.value[1])).toBe(2 * traffic.expected.reduce((n, e) => n + e.calls, 0));
    }, 30_000, 500);
    const [up] = await promql('up{job="orrery"}');
    expect(up!.value[1]).toBe('1');
  });

  it('passes promtool\'s lint of the exposition, and refuses a scrape without the API token', async () => {
    expect((await fetch(`${platform.apiUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${platform.apiUrl}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    // The same list query twice with nothing published between: the second is a kept answer
    // (asked again until no publish falls between the two).
    const scrape = async () => (await fetch(`${platform.apiUrl}/metrics`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).text();
    await eventually(async () => {
      for (let i = 0; i < 2; i++) {
        const asked = await fetch(`${platform.apiUrl}/graphql`, {
          method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ components { name } }' }),
        });
        expect(asked.status).toBe(200);
      }
      expect(Number(/^orrery_api_answer_cache_total\{result="hit"\} (\d+)$/m.exec(await scrape())?.[1])).toBeGreaterThanOrEqual(1);
    }, 30_000, 200);
    const body = await scrape();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
  });
});
