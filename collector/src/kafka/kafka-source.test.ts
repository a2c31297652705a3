import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../config.ts';
import { encodeProtobufTraces } from '../testing/encode-protobuf.ts';
import { createKafkaSource, decodeKafkaMessage } from './kafka-source.ts';

const request = {
  resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
    scopeSpans: [{
      spans: [{
        traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'GET', kind: 3,
        startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000003000000',
        attributes: [{ key: 'server.address', value: { stringValue: 'payments' } }],
      }],
    }],
  }],
};

describe('a Kafka message as the kafka exporter writes it (otlp_proto)', () => {
  it('decodes to the spans the OTLP receivers would hand on', () => {
    const decoded = decodeKafkaMessage(Buffer.from(encodeProtobufTraces(request)));
    expect('spans' in decoded && decoded.spans.map((s) => [s.traceId, s.spanId, s.resource.serviceName])).toEqual([
      ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 'checkout'],
    ]);
  });

  it('says why a message is skipped: empty, a tombstone, or not OTLP protobuf', () => {
    expect(decodeKafkaMessage(Buffer.alloc(0))).toEqual({ bad: 'empty message' });
    expect(decodeKafkaMessage(undefined)).toEqual({ bad: 'empty message' });
    expect(decodeKafkaMessage(Buffer.from('{"resourceSpans": "this is JSON, not otlp_proto"}'))).toHaveProperty('bad');
  });
});

describe('ORRERY_ROLE and ORRERY_KAFKA_* (DESIGN.md §8, §9)', () => {
  const neo4j = { NEO4J_URI: 'bolt://db.internal:7687' };

  it('defaults to one process and no Kafka', () => {
    const config = loadConfig({});
    expect([config.role, config.kafka]).toEqual(['all', undefined]);
  });

  it('reads the brokers, with the exporter\'s default topic and one group for every collector', () => {
    const config = loadConfig({ ...neo4j, ORRERY_ROLE: 'collector', ORRERY_KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092' });
    expect(config.role).toBe('collector');
    expect(config.kafka).toMatchObject({ brokers: ['kafka-1:9092', 'kafka-2:9092'], topic: 'otlp_spans', groupId: 'orrery', security: { tls: false } });
  });

  it('refuses a split role without a shared Neo4j, an unknown role, a bad broker, and Kafka on the API', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ ORRERY_ROLE: 'collector' }).join()).toMatch(/set NEO4J_URI/);
    expect(problems({ ...neo4j, ORRERY_ROLE: 'worker' }).join()).toMatch(/must be all, collector or api/);
    expect(problems({ ...neo4j, ORRERY_ROLE: 'collector', ORRERY_KAFKA_BROKERS: 'kafka-1' }).join()).toMatch(/must be host:port/);
    expect(problems({ ...neo4j, ORRERY_ROLE: 'api', ORRERY_KAFKA_BROKERS: 'kafka-1:9092' }).join()).toMatch(/does not ingest/);
    expect(problems({ ORRERY_KAFKA_TOPIC: 'spans' }).join()).toMatch(/ORRERY_KAFKA_BROKERS is not/);
  });
});

describe('a Kafka source whose brokers cannot be reached', () => {
  it('starts anyway, counts and logs the failure with what to check, retries, and stops cleanly', async () => {
    const lines: string[] = [];
    const source = createKafkaSource({
      // Port 1 on loopback: nothing listens there, the connection is refused at once.
      brokers: ['127.0.0.1:1'], topic: 'otlp_spans', groupId: 'orrery', clientId: 'unit',
      sink: { ingest: () => true, durable: async () => {} }, log: (line) => lines.push(line), reconnectMs: 50, maxReconnectMs: 100,
      // One try per attempt, not the client's three with backoff (15 s an attempt).
      clientRetries: 0,
    });
    await source.start();
    try {
      const deadline = Date.now() + 20_000;
      while (source.stats().connectionFailures.network < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const stats = source.stats();
      expect(stats.connected).toBe(false);
      expect(stats.connectionFailures.network).toBeGreaterThanOrEqual(2);
      expect(lines[0]).toMatch(/^cannot consume from 127\.0\.0\.1:1 \(PLAINTEXT\): cannot reach the brokers in ORRERY_KAFKA_BROKERS\. The client said: .*ECONNREFUSED.*Trying again in 0\.1 s \(1 failed attempt\); OTLP ingest goes on meanwhile$/);
    } finally {
      await source.stop();
    }
  });
});
