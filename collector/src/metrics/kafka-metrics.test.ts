import { describe, expect, it } from 'vitest';
import type { KafkaSourceStats } from '../kafka/kafka-source.ts';
import { renderExposition } from './exposition.ts';
import { kafkaFamilies } from './kafka-metrics.ts';

const stats: KafkaSourceStats = {
  messages: 120, spans: 2400, badMessages: 1, rejectedSpans: 3, pausedForPushBack: 2, commits: 9, failedCommits: 1, rebalances: 1,
  connected: true, connectionFailures: { authentication: 4, tls: 0, network: 1, other: 0 },
  partitions: [{ topic: 'otlp_spans', partition: 0, committedOffset: 60, endOffset: 75, lag: 15 }, { topic: 'otlp_spans', partition: 3, committedOffset: -1, endOffset: 0, lag: 0 }],
  lastError: 'authentication: SASL authentication failed',
};

describe('Kafka consumer metrics', () => {
  const text = renderExposition(kafkaFamilies(stats));

  it('count what was read, skipped and committed', () => {
    expect(text).toContain('orrery_kafka_messages_total 120');
    expect(text).toContain('orrery_kafka_spans_total 2400');
    expect(text).toContain('orrery_kafka_bad_messages_total 1');
    expect(text).toContain('orrery_kafka_commits_total 9');
    expect(text).toContain('orrery_kafka_commit_failures_total 1');
    expect(text).toContain('# TYPE orrery_kafka_commits_total counter');
  });

  it('count refused connections by reason, zero ones included, and say whether the consumer is in', () => {
    expect(text).toContain('orrery_kafka_connection_failures_total{reason="authentication"} 4');
    expect(text).toContain('orrery_kafka_connection_failures_total{reason="tls"} 0');
    expect(text).toContain('orrery_kafka_connected 1');
    expect(renderExposition(kafkaFamilies({ ...stats, connected: false }))).toContain('orrery_kafka_connected 0');
  });

  it('give the lag and offsets of each partition this collector owns', () => {
    expect(text).toContain('orrery_kafka_consumer_lag{topic="otlp_spans",partition="0"} 15');
    expect(text).toContain('orrery_kafka_committed_offset{topic="otlp_spans",partition="3"} -1');
    expect(text).toContain('orrery_kafka_end_offset{topic="otlp_spans",partition="0"} 75');
  });

  it('never carry the last error text (it could hold anything the broker said)', () => {
    expect(text).not.toContain('SASL authentication failed');
  });
});
