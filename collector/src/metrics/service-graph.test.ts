import { describe, expect, it } from 'vitest';
import { addSample, bucketOf } from '../aggregate/latency-histogram.ts';
import { renderExposition } from './exposition.ts';
import { binUpperMs, connectionTypeOf, serviceGraphFamilies, serviceGraphSeries, TEMPO_BUCKETS_S, toSecondsHistogram, type GraphEdge } from './service-graph.ts';

const histogram = (...ms: number[]) => {
  const counts: number[] = [];
  for (const m of ms) addSample(counts, m);
  return counts;
};

const edge = (from: string, to: string, kind: GraphEdge['kind'], calls: number, errors: number, latency: number[] = []): GraphEdge => ({ from, to, kind, calls, errors, latency });

describe('service graph in Tempo names', () => {
  it('uses Tempo\'s connection types and leaves queue hops to the producer -> consumer edge', () => {
    expect(connectionTypeOf('SYNC', false, false)).toBe('');
    expect(connectionTypeOf('SYNC', false, true)).toBe('virtual_node');
    expect(connectionTypeOf('SYNC', true, false)).toBe('virtual_node');
    expect(connectionTypeOf('DATABASE', false, true)).toBe('database');
    expect(connectionTypeOf('ASYNC', false, false)).toBe('messaging_system');
    expect(connectionTypeOf('PUBLISH', false, true)).toBeUndefined();
    expect(connectionTypeOf('CONSUME', true, false)).toBeUndefined();
  });

  it('folds edges of one client, server and connection type into one series (http and grpc between the same two)', () => {
    const series = serviceGraphSeries([
      edge('web', 'orders', 'SYNC', 3, 1, histogram(5, 5, 5)),
      edge('web', 'orders', 'SYNC', 2, 0, histogram(500, 500)),
      edge('orders', 'postgresql://db/orders', 'DATABASE', 4, 0),
      edge('orders', 'orders.created', 'PUBLISH', 9, 0),
    ], (name) => name.includes('://'));
    expect(series.map((s) => [s.labels.client, s.labels.server, s.labels.connection_type, s.calls, s.failed])).toEqual([
      ['orders', 'postgresql://db/orders', 'database', 4, 0],
      ['web', 'orders', '', 5, 1],
    ]);
    expect(series[1]!.latency.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('maps the 10%-wide log bins onto Tempo\'s buckets without ever counting a call above its bound', () => {
    const samplesMs = [0.01, 3, 99, 101, 150, 399, 1000, 12_000, 13_000, 3_000_000];
    const h = toSecondsHistogram(histogram(...samplesMs), TEMPO_BUCKETS_S);
    expect(h.count).toBe(samplesMs.length);
    for (const [b, le] of TEMPO_BUCKETS_S.entries()) {
      const truth = samplesMs.filter((ms) => ms / 1000 <= le).length;
      // Never more than the truth; less only by calls within one bin (10%) below the bound.
      expect(h.cumulative[b]).toBeLessThanOrEqual(truth);
      const nearBound = samplesMs.filter((ms) => ms / 1000 <= le && binUpperMs(bucketOf(ms)) / 1000 > le).length;
      expect(h.cumulative[b]).toBe(truth - nearBound);
    }
    // 99 ms lies in the bin straddling 0.1 s, so it is counted at le=0.2; 3 ms and 0.01 ms are in le=0.1.
    expect(h.cumulative[0]).toBe(2);
    expect(h.cumulative.every((c, i) => i === 0 || c >= h.cumulative[i - 1]!)).toBe(true);
    const trueSum = samplesMs.reduce((a, b) => a + b, 0) / 1000;
    expect(Math.abs(h.sum - trueSum) / trueSum).toBeLessThan(0.05);
  });

  it('renders request_total, failed_total and both latency histograms; messaging edges get the handoff histogram', () => {
    const text = renderExposition(serviceGraphFamilies([
      edge('web', 'orders', 'SYNC', 2, 1, histogram(50, 300)),
      edge('orders', 'billing', 'ASYNC', 1, 0, histogram(20)),
    ], () => false));
    expect(text).toContain('traces_service_graph_request_total{client="web",server="orders",connection_type=""} 2');
    expect(text).toContain('traces_service_graph_request_failed_total{client="web",server="orders",connection_type=""} 1');
    expect(text).toContain('traces_service_graph_request_server_seconds_bucket{client="web",server="orders",connection_type="",le="0.1"} 1');
    expect(text).toContain('traces_service_graph_request_server_seconds_bucket{client="web",server="orders",connection_type="",le="+Inf"} 2');
    expect(text).toContain('traces_service_graph_request_client_seconds_count{client="web",server="orders",connection_type=""} 2');
    expect(text).toContain('traces_service_graph_request_total{client="orders",server="billing",connection_type="messaging_system"} 1');
    expect(text).toContain('traces_service_graph_request_messaging_system_seconds_count{client="orders",server="billing",connection_type="messaging_system"} 1');
    expect(text).not.toContain('traces_service_graph_request_server_seconds_count{client="orders"');
  });
});
