// The observed graph as Grafana Tempo's service-graph metrics (Tempo's metrics-generator
// `service-graphs` processor, and the OpenTelemetry Collector's servicegraph connector, use the
// same names), so Grafana's service-graph panel draws Orrery's map from a Prometheus that scrapes
// /metrics. Series are labelled {client, server, connection_type}; connection_type is "" (a direct
// request between instrumented services), `virtual_node` (one end is known only from the other's
// attributes), `messaging_system` (producer -> consumer) or `database`.
//
// Values are lifetime totals from the read model, so they are counters in Prometheus' sense: they
// only grow while the process runs (a restart starts from what Neo4j holds, never below it).
// Pure: no I/O.
import { bucketValueMs, HISTOGRAM_GROWTH, HISTOGRAM_MIN_MS } from '../aggregate/latency-histogram.ts';
import type { DependencyKind } from '../model/interaction.ts';
import { histogramSamples, type MetricFamily, type Sample } from './exposition.ts';

/** Tempo's default `histogram_buckets`: prometheus.ExponentialBuckets(0.1, 2, 8), in seconds. */
export const TEMPO_BUCKETS_S: readonly number[] = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8];

export type ConnectionType = '' | 'virtual_node' | 'messaging_system' | 'database';

/** What the service graph needs of an edge (the read model's ModelEdge has it). */
export interface GraphEdge {
  from: string;
  to: string;
  kind: DependencyKind;
  calls: number;
  /** Calls where either side's span ended in ERROR (Tempo's `failed`: client or server span failed). */
  errors: number;
  /** Dense latency histogram over the latency-histogram.ts bins, ms. */
  latency: readonly number[];
}

/**
 * Tempo's connection type for an Orrery edge, or undefined for edges Tempo draws no line for:
 * PUBLISH (service -> queue) and CONSUME (queue -> service) have their producer -> consumer
 * ASYNC edge, which is what Tempo draws for a messaging request; the queue is no node of its graph.
 */
export function connectionTypeOf(kind: DependencyKind, fromVirtual: boolean, toVirtual: boolean): ConnectionType | undefined {
  switch (kind) {
    case 'DATABASE':
      return 'database';
    case 'ASYNC':
      return 'messaging_system';
    case 'SYNC':
      return fromVirtual || toVirtual ? 'virtual_node' : '';
    case 'PUBLISH':
    case 'CONSUME':
      return undefined;
  }
}

/** The upper bound of histogram bin i, ms (bin 0 holds everything up to HISTOGRAM_MIN_MS). */
export function binUpperMs(index: number): number {
  return HISTOGRAM_MIN_MS * Math.pow(HISTOGRAM_GROWTH, index);
}

export interface SecondsHistogram {
  /** Cumulative counts per bound, as `_bucket{le}`. */
  cumulative: number[];
  sum: number;
  count: number;
}

/**
 * A sparse log-scale latency histogram (bins 10% wide) onto fixed Prometheus bounds, seconds.
 * A bin counts towards `le` when its whole range lies at or below it, so no `_bucket` count ever
 * includes a call slower than its bound; a call up to 10% below a bound, in the bin straddling it,
 * is counted in the next bucket (none of Tempo's bounds falls on a bin edge). `_sum` adds each bin's
 * geometric midpoint (the value a quantile from it reports), within ±5% per call.
 */
export function toSecondsHistogram(dense: readonly number[], boundsS: readonly number[]): SecondsHistogram {
  const cumulative = boundsS.map(() => 0);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < dense.length; i++) {
    const n = dense[i]!;
    if (!n) continue;
    count += n;
    sum += (n * bucketValueMs(i)) / 1000;
    const upperS = binUpperMs(i) / 1000;
    for (let b = 0; b < boundsS.length; b++) if (upperS <= boundsS[b]! * (1 + 1e-12)) cumulative[b]! += n;
  }
  return { cumulative, sum, count };
}

interface Series {
  labels: { client: string; server: string; connection_type: ConnectionType };
  calls: number;
  failed: number;
  /** Summed dense histogram of every Orrery edge folded into this series. */
  latency: number[];
}

/**
 * Orrery edges folded into Tempo's series: edges between the same two components with the same
 * connection type (SYNC over http and over grpc) are one series, as Tempo keys them.
 */
export function serviceGraphSeries(edges: Iterable<GraphEdge>, isVirtual: (name: string) => boolean): Series[] {
  const byKey = new Map<string, Series>();
  for (const e of edges) {
    const connectionType = connectionTypeOf(e.kind, isVirtual(e.from), isVirtual(e.to));
    if (connectionType === undefined) continue;
    const key = JSON.stringify([e.from, e.to, connectionType]);
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { labels: { client: e.from, server: e.to, connection_type: connectionType }, calls: 0, failed: 0, latency: [] }));
    s.calls += e.calls;
    s.failed += e.errors;
    while (s.latency.length < e.latency.length) s.latency.push(0);
    for (let i = 0; i < e.latency.length; i++) s.latency[i]! += e.latency[i]!;
  }
  return [...byKey.values()].sort((a, b) => compare(a.labels.client, b.labels.client) || compare(a.labels.server, b.labels.server) || compare(a.labels.connection_type, b.labels.connection_type));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Tempo's families. Latency is the caller's span duration (Orrery keeps one histogram per edge):
 * `_client_seconds` is exactly Tempo's; `_server_seconds` carries the same histogram, which for a
 * database is what Tempo does too (the client span's duration) and for a service call is the
 * caller-observed time, network included, an upper bound of the server span's duration. Messaging
 * edges have the producer -> consumer handoff lag instead, as `_messaging_system_seconds` (Tempo's
 * optional histogram of the same thing), and no `_server_seconds`/`_client_seconds`.
 */
export function serviceGraphFamilies(edges: Iterable<GraphEdge>, isVirtual: (name: string) => boolean, boundsS: readonly number[] = TEMPO_BUCKETS_S): MetricFamily[] {
  const series = serviceGraphSeries(edges, isVirtual);
  const total: Sample[] = [];
  const failed: Sample[] = [];
  const server: Sample[] = [];
  const client: Sample[] = [];
  const messaging: Sample[] = [];
  for (const s of series) {
    total.push({ labels: s.labels, value: s.calls });
    failed.push({ labels: s.labels, value: s.failed });
    const h = toSecondsHistogram(s.latency, boundsS);
    if (h.count === 0) continue;
    const samples = histogramSamples(s.labels, boundsS, h.cumulative, h.sum, h.count);
    if (s.labels.connection_type === 'messaging_system') messaging.push(...samples);
    else {
      server.push(...samples);
      client.push(...samples);
    }
  }
  return [
    { name: 'traces_service_graph_request_total', type: 'counter', help: 'Requests between two nodes (Orrery: calls on the observed dependency, lifetime).', samples: total },
    { name: 'traces_service_graph_request_failed_total', type: 'counter', help: 'Failed requests between two nodes: the client or the server span ended in ERROR.', samples: failed },
    { name: 'traces_service_graph_request_server_seconds', type: 'histogram', help: "Time for a request between two nodes as seen from the server (Orrery: the caller's span duration, an upper bound; bins mapped from a 10%-wide log histogram).", samples: server },
    { name: 'traces_service_graph_request_client_seconds', type: 'histogram', help: "Time for a request between two nodes as seen from the client (bins mapped from a 10%-wide log histogram).", samples: client },
    { name: 'traces_service_graph_request_messaging_system_seconds', type: 'histogram', help: 'Time between the producer span ending and the consumer span starting, for messaging edges.', samples: messaging },
  ];
}
