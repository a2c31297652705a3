// ORRERY_ROLE=collector and ORRERY_ROLE=api (DESIGN.md §8 Roles, §9 Scale): the platform split so
// collectors and the API scale apart, all of them sharing one Neo4j (NEO4J_URI; a cluster or Aura).
//
// - collector: the OTLP receivers, and with ORRERY_KAFKA_BROKERS the Kafka consumer (one group
//   across every collector), inference, aggregation and the writes to Neo4j. No GraphQL, no
//   detectors: each collector sees only its share of the traffic, and two collectors would raise
//   the same finding twice. GET /metrics on ORRERY_API_PORT: its own counters and its consumer's.
// - api: GraphQL and the web app over a read model that follows Neo4j (store/read-model-follower.ts),
//   and the detectors and alerting, run once, over the whole graph. It ingests nothing. GET
//   /metrics: its refusals, the detectors' passes and the service graph in Tempo's names.
//
// `all` (the default) is tools/platform.ts: everything in one process.
import { hostname } from 'node:os';
import { startApiServer } from '../api/src/server.ts';
import { createOrreryPubSub, createOrreryYoga } from '../api/src/yoga.ts';
import { answerCacheFamilies } from '../api/src/answer-cache.ts';
import { createApiAccess } from '../api/src/api-access.ts';
import { createAlerter } from '../collector/src/alerting/alerter.ts';
import { createCollector, type Collector } from '../collector/src/collector.ts';
import type { OrreryConfig } from '../collector/src/config.ts';
import { createDetectionLoop } from '../collector/src/detection-loop.ts';
import { createKafkaSource, type KafkaSource } from '../collector/src/kafka/kafka-source.ts';
import { detectionFamilies, processFamilies, readModelFamilies } from '../collector/src/metrics/collector-metrics.ts';
import { renderExposition } from '../collector/src/metrics/exposition.ts';
import { processLevels, renderCollectorRoleMetrics, serviceGraphOf, startMetricsServer } from '../collector/src/metrics/metrics-route.ts';
import { createNeo4jDriver } from '../collector/src/store/neo4j-driver.ts';
import { ensureSchema } from '../collector/src/store/neo4j-schema.ts';
import { createReadModelFollower, type ReadModelFollower } from '../collector/src/store/read-model-follower.ts';
import { createReadModel, type ReadModel } from '../collector/src/timeline/read-model.ts';
import { tiersFor } from '../collector/src/timeline/tiers.ts';
import { ensureWebBuilt } from './build-web.ts';

export interface RoleProcess {
  role: 'collector' | 'api';
  /** OTLP/HTTP traces URL (collector). */
  otlpUrl?: string;
  otlpGrpcAddress?: string;
  /** GraphQL's base URL (api). */
  apiUrl?: string;
  /** Where GET /metrics is served (collector; the api's is apiUrl + /metrics). */
  metricsUrl?: string;
  collector?: Collector;
  kafka?: KafkaSource;
  follower?: ReadModelFollower;
  readModel?: ReadModel;
  stop(): Promise<void>;
}

function neo4jDriverFor(config: OrreryConfig) {
  if (!config.neo4j.uri) throw new Error(`ORRERY_ROLE=${config.role} needs NEO4J_URI`);
  return createNeo4jDriver({ uri: config.neo4j.uri, user: config.neo4j.user, password: config.neo4j.password });
}

/**
 * Creates the schema, retried: collectors started together on a fresh Neo4j race to create the same
 * index, and the loser is told an equivalent one already exists (it does, which is all it needed).
 */
async function ensureSchemaShared(driver: ReturnType<typeof createNeo4jDriver>, database: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureSchema(driver, database);
      return;
    } catch (error) {
      if (attempt >= 5 || !/already exists/i.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
    }
  }
}

/** Stops what was started, last first, whatever fails on the way. */
function stopper(log: (line: string) => void) {
  const stops: Array<() => Promise<void>> = [];
  return {
    push: (step: () => Promise<void>) => stops.push(step),
    async stop() {
      for (const step of stops.reverse()) await step().catch((error: Error) => log(`while stopping: ${error.message}`));
      stops.length = 0;
    },
  };
}

/** Starts the Kafka consumer of a collector when ORRERY_KAFKA_BROKERS is set (both collector and all). */
export async function startKafkaSource(config: OrreryConfig, collector: Collector, log: (line: string) => void): Promise<KafkaSource | undefined> {
  if (!config.kafka) return undefined;
  const source = createKafkaSource({
    brokers: config.kafka.brokers, topic: config.kafka.topic, groupId: config.kafka.groupId, security: config.kafka.security,
    clientId: `orrery-${hostname()}-${process.pid}`, sink: collector, log: (line) => log(`kafka: ${line}`),
    // Crash-only: what was not committed is read again by whoever takes the partitions (or by this
    // collector, restarted by its supervisor). Staying up without a consumer would stop ingestion silently.
    onFatal: () => {
      log('exiting: the Kafka consumer cannot go on; restart this collector (nothing committed is lost, the rest is read again)');
      process.exit(1);
    },
  });
  await source.start();
  return source;
}

export async function startCollectorRole(config: OrreryConfig, log: (line: string) => void): Promise<RoleProcess> {
  const stops = stopper(log);
  try {
    const driver = neo4jDriverFor(config);
    stops.push(() => driver.close());
    await driver.verifyConnectivity({ database: config.neo4j.database });
    await ensureSchemaShared(driver, config.neo4j.database);
    const collector = createCollector({ config, driver, detect: false, log: (line) => log(`collector: ${line}`) });
    const { otlpUrl, otlpGrpcAddress } = await collector.start();
    stops.push(() => collector.stop());
    // Stopped before the collector: it makes what it read durable and commits it first.
    const kafka = await startKafkaSource(config, collector, log);
    if (kafka) stops.push(() => kafka.stop());
    // The role serves no GraphQL, so its API port serves /metrics alone, behind ORRERY_API_TOKEN as on the API.
    const access = createApiAccess({ apiToken: config.apiToken, corsOrigins: config.corsOrigins });
    const metrics = await startMetricsServer({
      host: config.host, port: config.apiPort, admit: access.admit,
      render: () => renderCollectorRoleMetrics(collector, { kafka, families: access.metricFamilies }),
    });
    stops.push(() => metrics.close());
    log(`GET /metrics on ${metrics.url}/metrics`);
    return { role: 'collector', otlpUrl, otlpGrpcAddress, metricsUrl: `${metrics.url}/metrics`, collector, kafka, stop: () => stops.stop() };
  } catch (error) {
    await stops.stop();
    throw error;
  }
}

export async function startApiRole(config: OrreryConfig, log: (line: string) => void): Promise<RoleProcess> {
  const stops = stopper(log);
  try {
    const webDist = ensureWebBuilt(log);
    const driver = neo4jDriverFor(config);
    stops.push(() => driver.close());
    await driver.verifyConnectivity({ database: config.neo4j.database });
    await ensureSchemaShared(driver, config.neo4j.database);
    const pubsub = createOrreryPubSub();
    const readModel = createReadModel({ tiers: tiersFor(config.retentionMs) });
    const follower = createReadModelFollower({
      driver, database: config.neo4j.database, model: readModel,
      // Collectors write every ORRERY_WRITE_MS; asking more often than ORRERY_FLUSH_MS gains nothing.
      everyMs: Math.max(250, Math.min(config.flushMs, config.writeMs)),
      // Late spans: a pairing timeout, a write interval and a minute of slack.
      overlapMs: config.pairingTimeoutMs + config.writeMs + 60_000,
      log: (line) => log(`api: ${line}`),
      onRefresh: () => {
        let c = 0;
        let d = 0;
        for (const _ of readModel.allComponents()) c++;
        for (const _ of readModel.allEdges()) d++;
        pubsub.publish('graphUpdated', { components: c, dependencies: d, at: new Date().toISOString() });
        void detection.run();
      },
    });
    const alerting = config.alerting;
    const clock = Date.now;
    const alerter = alerting.rules.receivers.size > 0
      ? createAlerter({ rules: alerting.rules, publicUrl: alerting.publicUrl, driver, database: config.neo4j.database, clock, log })
      : undefined;
    const detection = createDetectionLoop({
      readModel, windowMs: config.detectWindowMs, driver, database: config.neo4j.database, catalogPath: config.catalogPath,
      detectorOptions: { handoffTimeoutMs: config.handoffTimeoutMs, staleAfterMs: config.staleAfterMs, maxFindingsPerPass: config.maxFindingsPerPass },
      minIntervalMs: config.detectEveryMs, resolveAfterMs: config.resolveAfterMs, clock, log: (line) => log(`detectors: ${line}`),
      onChanges: (changes) => pubsub.publish('findingsChanged', { ...changes, at: new Date().toISOString() }),
      onPass: (pass) => alerter?.onPass(pass),
    });
    await follower.start();
    stops.push(() => follower.stop());
    // Passes also run with no new writes, so a finding whose cause went quiet resolves.
    const detectTimer = setInterval(() => void detection.run(), Math.max(1000, config.detectEveryMs));
    detectTimer.unref();
    stops.push(async () => {
      clearInterval(detectTimer);
      await detection.idle();
      await alerter?.stop();
    });
    void detection.run(true);
    alerter?.start();
    // The API token, the allowed origins and (off loopback) no introspection, as in ORRERY_ROLE=all.
    const access = createApiAccess({ apiToken: config.apiToken, corsOrigins: config.corsOrigins });
    const yoga = createOrreryYoga({
      driver, database: config.neo4j.database, pubsub, readModel, retentionMs: config.retentionMs, catalogPath: config.catalogPath,
      exposed: config.exposed, cors: access.cors, onLimitRefused: access.countLimitRefusal,
    });
    // The collectors' counters are theirs to serve; here what this process does, and the graph it follows.
    const metrics = () => renderExposition([
      ...access.metricFamilies(),
      ...answerCacheFamilies(yoga.answerCacheStats()),
      ...detectionFamilies({ detection: detection.stats(), alerts: alerter?.stats() ?? [] }),
      ...readModelFamilies({ buckets: readModel.bucketCount() }),
      ...processFamilies(processLevels()),
      ...serviceGraphOf(readModel),
    ]);
    const api = await startApiServer({ yoga, host: config.host, port: config.apiPort, webDistDir: await webDist, access, metrics });
    stops.push(() => api.close());
    log(`GraphQL on ${api.url}/graphql, map on ${api.url}/ (following Neo4j at ${config.neo4j.uri})`);
    return { role: 'api', apiUrl: api.url, follower, readModel, stop: () => stops.stop() };
  } catch (error) {
    await stops.stop();
    throw error;
  }
}
