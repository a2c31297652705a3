import { describe, expect, it } from 'vitest';
import { emptyOutcomeCounts, OUTCOME_NAMES } from '../inference/span-outcomes.ts';
import { collectorFamilies, ingestFamilies, type CollectorStats } from './collector-metrics.ts';
import { renderExposition } from './exposition.ts';

const store = (dropped: number) => ({ size: 1, stored: 10, taken: 8, expired: 1, dropped });

function stats(): CollectorStats {
  const outcomes = emptyOutcomeCounts();
  outcomes.pairedCall = 40;
  outcomes.dropped = 2;
  return {
    receiver: { requests: 12, acceptedSpans: 50, rejectedSpans: 1, refused: { '400': 2, '429': 3, RESOURCE_EXHAUSTED: 1 } },
    grpc: { requests: 2, acceptedSpans: 5, rejectedSpans: 0, refused: { RESOURCE_EXHAUSTED: 1 } },
    inference: { outcomes, pendingSpans: 3, stores: { clients: store(2), producers: store(0), consumers: store(0), children: store(0) } },
    aggregator: { droppedInteractions: 0, futureTimesClamped: 4, pendingDependencies: 1, pendingBuckets: 2 },
    unwrittenDelta: { dependencies: 5 },
    flush: { flushes: 7, failedFlushes: 1, flushP50Ms: 12, flushP95Ms: 40, lastFlushMs: 11, degraded: false },
    detection: { passes: 3, failedPasses: 0, lastPassMs: 250, openFindings: 2 },
    alerts: [{ receiver: 'ops "pager"', type: 'webhook', sent: 4, failed: 1, retried: 2, dropped: 0, queued: 0 }],
    readModel: { buckets: 99 },
  };
}

describe('collector metrics', () => {
  const text = renderExposition(collectorFamilies(stats(), { residentBytes: 1e8, heapUsedBytes: 5e7, startTimeSeconds: 1_700_000_000 }));

  it('exposes every span outcome, zero ones included', () => {
    for (const outcome of OUTCOME_NAMES) expect(text).toMatch(new RegExp(`^orrery_span_outcomes_total\\{outcome="${outcome}"\\} \\d+$`, 'm'));
    expect(text).toContain('orrery_span_outcomes_total{outcome="pairedCall"} 40');
    expect(text).toContain('orrery_span_outcomes_total{outcome="dropped"} 2');
  });

  it('splits receiver counters by transport and refusals by reason', () => {
    expect(text).toContain('orrery_receiver_accepted_spans_total{transport="http"} 45');
    expect(text).toContain('orrery_receiver_accepted_spans_total{transport="grpc"} 5');
    expect(text).toContain('orrery_receiver_refused_requests_total{transport="http",reason="429"} 3');
    expect(text).toContain('orrery_receiver_refused_requests_total{transport="grpc",reason="RESOURCE_EXHAUSTED"} 1');
    expect(text).not.toContain('transport="http",reason="RESOURCE_EXHAUSTED"');
  });

  it('reports drops, writes, detector passes and alert deliveries, in seconds where timed', () => {
    expect(text).toContain('orrery_pairing_store_dropped_total{store="clients"} 2');
    expect(text).toContain('orrery_neo4j_writes_total 7');
    expect(text).toContain('orrery_neo4j_write_failures_total 1');
    expect(text).toContain('orrery_neo4j_write_duration_seconds{quantile="0.95"} 0.04');
    expect(text).toContain('orrery_detector_last_pass_seconds 0.25');
    expect(text).toContain('orrery_alert_deliveries_total{receiver="ops \\"pager\\"",type="webhook",result="sent"} 4');
    expect(text).toContain('orrery_read_model_buckets 99');
    expect(text).toContain('process_resident_memory_bytes 100000000');
  });

  it('says NaN for a latency not yet measured', () => {
    const fresh = stats();
    fresh.flush = { ...fresh.flush, flushP50Ms: undefined, flushP95Ms: undefined, lastFlushMs: undefined };
    expect(renderExposition(collectorFamilies(fresh))).toContain('orrery_neo4j_last_write_seconds NaN');
  });

  it('gives a collector-role process its ingest counters without the detectors it does not run', () => {
    const ingest = renderExposition(ingestFamilies(stats()));
    expect(ingest).toContain('orrery_span_outcomes_total{outcome="pairedCall"} 40');
    expect(ingest).toContain('orrery_neo4j_write_failures_total 1');
    expect(ingest).not.toMatch(/orrery_detector_|orrery_findings_open|orrery_alert_/);
  });
});
