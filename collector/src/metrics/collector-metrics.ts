// The collector's own counters (collector.stats()) as Prometheus families, named `orrery_*`.
// Counters are lifetime counts kept by the receivers, inference, aggregator, flush and detection
// loops and alert queues; gauges are levels read at scrape time. Pure: no I/O.
import type { DetectionStats } from '../detection-loop.ts';
import type { DeliveryStats } from '../alerting/http-delivery.ts';
import type { PairingStoreStats } from '../inference/pairing-store.ts';
import { OUTCOME_NAMES, type OutcomeCounts } from '../inference/span-outcomes.ts';
import type { ReceiverStats } from '../receiver/otlp-http-receiver.ts';
import type { FlushStats } from '../store/flush-loop.ts';
import type { MetricFamily, MetricType, Sample } from './exposition.ts';

/** What of collector.stats() is exposed (collector.stats() satisfies it). */
export interface CollectorStats {
  receiver: Pick<ReceiverStats, 'requests' | 'acceptedSpans' | 'rejectedSpans' | 'refused'>;
  grpc: Pick<ReceiverStats, 'requests' | 'acceptedSpans' | 'rejectedSpans' | 'refused'>;
  inference: { outcomes: OutcomeCounts; pendingSpans: number; stores: Record<string, PairingStoreStats> };
  aggregator: { droppedInteractions: number; futureTimesClamped: number; pendingDependencies: number; pendingBuckets: number };
  unwrittenDelta: { dependencies: number };
  flush: Pick<FlushStats, 'flushes' | 'failedFlushes' | 'flushP50Ms' | 'flushP95Ms' | 'lastFlushMs' | 'degraded'>;
  detection: Pick<DetectionStats, 'passes' | 'failedPasses' | 'lastPassMs' | 'openFindings'>;
  alerts: Array<Pick<DeliveryStats, 'sent' | 'failed' | 'retried' | 'dropped' | 'queued'> & { receiver: string; type: string }>;
  readModel: { buckets: number };
}

/** Process levels, passed in so this stays pure (process.memoryUsage() in the route). */
export interface ProcessLevels {
  residentBytes: number;
  heapUsedBytes: number;
  startTimeSeconds: number;
}

const family = (name: string, type: MetricType, help: string, samples: Sample[]): MetricFamily => ({ name, type, help, samples });
const one = (value: number): Sample[] => [{ value }];
const seconds = (ms: number | undefined): number => (ms === undefined ? Number.NaN : ms / 1000);

/**
 * Receiver refusals keyed by what refused them: an HTTP status (the OTLP/HTTP receiver) or a gRPC
 * status name (OTLP/gRPC). collector.stats().receiver merges both maps; grpc's own is apart.
 */
function refusals(stats: Pick<CollectorStats, 'receiver' | 'grpc'>): Sample[] {
  const grpc = stats.grpc.refused;
  const out: Sample[] = [];
  for (const [reason, n] of Object.entries(stats.receiver.refused)) {
    if (grpc[reason] !== undefined) continue;
    out.push({ labels: { transport: 'http', reason }, value: n });
  }
  for (const [reason, n] of Object.entries(grpc)) out.push({ labels: { transport: 'grpc', reason }, value: n });
  return out;
}

/** Per transport: http is the merged count minus grpc's. */
function perTransport(merged: number, grpc: number): Sample[] {
  return [
    { labels: { transport: 'http' }, value: merged - grpc },
    { labels: { transport: 'grpc' }, value: grpc },
  ];
}

/** What a collector ingests and writes: receivers, inference, aggregation, Neo4j writes. */
export type IngestStats = Pick<CollectorStats, 'receiver' | 'grpc' | 'inference' | 'aggregator' | 'unwrittenDelta' | 'flush'>;

export function ingestFamilies(stats: IngestStats): MetricFamily[] {
  const { receiver, grpc, inference, aggregator, flush, unwrittenDelta } = stats;
  const stores = Object.entries(inference.stores);
  return [
    family('orrery_receiver_requests_total', 'counter', 'OTLP export requests received.', perTransport(receiver.requests, grpc.requests)),
    family('orrery_receiver_accepted_spans_total', 'counter', 'Spans accepted and handed to inference.', perTransport(receiver.acceptedSpans, grpc.acceptedSpans)),
    family('orrery_receiver_rejected_spans_total', 'counter', 'Spans refused one by one inside an accepted request (OTLP partial success).', perTransport(receiver.rejectedSpans, grpc.rejectedSpans)),
    family('orrery_receiver_refused_requests_total', 'counter', 'Export requests refused whole, by reason: the HTTP status (400 unreadable, 413 too large, 415 unsupported, 429 busy, 503 unavailable) or the gRPC status name.', refusals(stats)),
    family('orrery_span_outcomes_total', 'counter', 'Every accepted span ends in exactly one outcome: the edge it is evidence of, or the reason it makes none (collector/src/inference/span-outcomes.ts).',
      OUTCOME_NAMES.map((outcome) => ({ labels: { outcome }, value: inference.outcomes[outcome] }))),
    family('orrery_spans_pending', 'gauge', 'Spans waiting for a partner within the pairing timeout (accepted = sum of outcomes + pending).', one(inference.pendingSpans)),
    family('orrery_pairing_store_dropped_total', 'counter', 'Span halves refused because a pairing store was full.', stores.map(([store, s]) => ({ labels: { store }, value: s.dropped }))),
    family('orrery_pairing_store_expired_total', 'counter', 'Span halves that waited past the pairing timeout.', stores.map(([store, s]) => ({ labels: { store }, value: s.expired }))),
    family('orrery_pairing_store_size', 'gauge', 'Span halves waiting in each pairing store.', stores.map(([store, s]) => ({ labels: { store }, value: s.size }))),
    family('orrery_aggregator_dropped_interactions_total', 'counter', 'Observed calls dropped because the pending aggregation was at its bound.', one(aggregator.droppedInteractions)),
    family('orrery_aggregator_future_times_clamped_total', 'counter', 'Spans dated beyond ORRERY_MAX_CLOCK_SKEW, counted at the receive time instead.', one(aggregator.futureTimesClamped)),
    family('orrery_aggregator_pending_dependencies', 'gauge', 'Dependencies aggregated and not yet published.', one(aggregator.pendingDependencies)),
    family('orrery_aggregator_pending_buckets', 'gauge', 'Minute buckets aggregated and not yet published.', one(aggregator.pendingBuckets)),
    family('orrery_unwritten_dependencies', 'gauge', 'Dependencies published to the read model and not yet written to Neo4j.', one(unwrittenDelta.dependencies)),
    family('orrery_neo4j_writes_total', 'counter', 'Successful writes of the merged delta to Neo4j.', one(flush.flushes)),
    family('orrery_neo4j_write_failures_total', 'counter', 'Failed writes to Neo4j (the data is kept and retried).', one(flush.failedFlushes)),
    family('orrery_neo4j_write_duration_seconds', 'summary', 'Write latency to Neo4j over the last 256 successful writes.', [
      { labels: { quantile: '0.5' }, value: seconds(flush.flushP50Ms) },
      { labels: { quantile: '0.95' }, value: seconds(flush.flushP95Ms) },
      { suffix: '_count', value: flush.flushes },
    ]),
    family('orrery_neo4j_last_write_seconds', 'gauge', 'Duration of the last successful write to Neo4j.', one(seconds(flush.lastFlushMs))),
    family('orrery_neo4j_degraded', 'gauge', '1 while writes to Neo4j are failing (exporters are pushed back once buffers fill).', one(flush.degraded ? 1 : 0)),
  ];
}

/** Where the detectors run (`all`, `api`): passes, open findings, alert deliveries. */
export function detectionFamilies(stats: Pick<CollectorStats, 'detection' | 'alerts'>): MetricFamily[] {
  const { detection } = stats;
  const alertSamples = (field: 'sent' | 'failed' | 'retried' | 'dropped'): Sample[] =>
    stats.alerts.map((r) => ({ labels: { receiver: r.receiver, type: r.type, result: field }, value: r[field] }));
  return [
    family('orrery_detector_passes_total', 'counter', 'Detector passes completed.', one(detection.passes)),
    family('orrery_detector_failed_passes_total', 'counter', 'Detector passes that failed.', one(detection.failedPasses)),
    family('orrery_detector_last_pass_seconds', 'gauge', 'Duration of the last detector pass (reading the catalog, detecting, storing findings).', one(seconds(detection.lastPassMs))),
    family('orrery_findings_open', 'gauge', 'Findings open after the last detector pass.', one(detection.openFindings)),
    family('orrery_alert_deliveries_total', 'counter', 'Alert notifications by receiver and result: sent, failed (given up), retried (attempts after the first), dropped (queue full).',
      [...alertSamples('sent'), ...alertSamples('failed'), ...alertSamples('retried'), ...alertSamples('dropped')]),
    family('orrery_alert_queue', 'gauge', 'Alert notifications waiting per receiver.', stats.alerts.map((r) => ({ labels: { receiver: r.receiver, type: r.type }, value: r.queued }))),
  ];
}

export function readModelFamilies(readModel: CollectorStats['readModel']): MetricFamily[] {
  return [family('orrery_read_model_buckets', 'gauge', 'Time buckets held by the in-memory read model.', one(readModel.buckets))];
}

export function processFamilies(proc: ProcessLevels): MetricFamily[] {
  return [
    family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', one(proc.residentBytes)),
    family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', one(proc.startTimeSeconds)),
    family('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use, bytes.', one(proc.heapUsedBytes)),
  ];
}

/** Everything one `all` process counts. */
export function collectorFamilies(stats: CollectorStats, proc?: ProcessLevels): MetricFamily[] {
  return [...ingestFamilies(stats), ...detectionFamilies(stats), ...readModelFamilies(stats.readModel), ...(proc ? processFamilies(proc) : [])];
}
