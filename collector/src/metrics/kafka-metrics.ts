// A collector's Kafka consumer (kafka/kafka-source.ts stats()) as Prometheus families, named
// `orrery_kafka_*`. Counters are lifetime counts of this process; the per-partition gauges are
// the last lag check's (every 10 s) for the partitions this member owns. Pure: no I/O.
import type { KafkaSourceStats } from '../kafka/kafka-source.ts';
import type { MetricFamily, Sample } from './exposition.ts';

const counter = (name: string, help: string, value: number): MetricFamily => ({ name, type: 'counter', help, samples: [{ value }] });

export function kafkaFamilies(stats: KafkaSourceStats): MetricFamily[] {
  const perPartition = (field: 'lag' | 'committedOffset' | 'endOffset'): Sample[] =>
    stats.partitions.map((p) => ({ labels: { topic: p.topic, partition: String(p.partition) }, value: p[field] }));
  return [
    { name: 'orrery_kafka_connected', type: 'gauge', help: '1 while this collector\'s consumer is in the group and reading.', samples: [{ value: stats.connected ? 1 : 0 }] },
    {
      name: 'orrery_kafka_connection_failures_total', type: 'counter',
      help: 'Attempts to join the consumer group that failed, by reason: authentication (SASL refused), tls (certificate or protocol), network (no broker reachable), other. Each is retried with backoff.',
      samples: Object.entries(stats.connectionFailures).map(([reason, value]) => ({ labels: { reason }, value })),
    },
    counter('orrery_kafka_messages_total', 'Messages read from the topic.', stats.messages),
    counter('orrery_kafka_spans_total', 'Spans read from the topic and handed to inference.', stats.spans),
    counter('orrery_kafka_bad_messages_total', 'Messages that were not OTLP protobuf: skipped, their offsets committed.', stats.badMessages),
    counter('orrery_kafka_rejected_spans_total', 'Spans the decoder refused inside otherwise good messages.', stats.rejectedSpans),
    counter('orrery_kafka_push_back_pauses_total', 'Times reading paused because the collector was pushing back.', stats.pausedForPushBack),
    counter('orrery_kafka_commits_total', 'Offset commits, each after what was read up to them was written to Neo4j.', stats.commits),
    counter('orrery_kafka_commit_failures_total', 'Commit rounds that committed nothing: a Neo4j write failed, or the partition moved (read again, never lost).', stats.failedCommits),
    counter('orrery_kafka_rebalances_total', 'Partitions given up in a cooperative rebalance, after committing what was read.', stats.rebalances),
    { name: 'orrery_kafka_consumer_lag', type: 'gauge', help: 'Messages between the group\'s committed offset and the end of the log, per partition this collector owns.', samples: perPartition('lag') },
    { name: 'orrery_kafka_committed_offset', type: 'gauge', help: 'The group\'s committed offset (next to read; -1 before the first commit), per partition this collector owns.', samples: perPartition('committedOffset') },
    { name: 'orrery_kafka_end_offset', type: 'gauge', help: 'The end of the log (the offset the next message written gets), per partition this collector owns.', samples: perPartition('endOffset') },
  ];
}
