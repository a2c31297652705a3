// The platform's composition root: the embedded Neo4j (unless NEO4J_URI is set), the collector,
// the API with the web app, and optionally the demo estate, started in that order and stopped
// in reverse. `npm start` (tools/start.ts) and the end-to-end tests both start it through here.
import { join, resolve } from 'node:path';
import { createCollector } from '../collector/src/collector.ts';
import type { OrreryConfig } from '../collector/src/config.ts';
import { createNeo4jDriver } from '../collector/src/store/neo4j-driver.ts';
import { startApiServer } from '../api/src/server.ts';
import { createOrreryPubSub, createOrreryYoga } from '../api/src/yoga.ts';
import { answerCacheFamilies } from '../api/src/answer-cache.ts';
import { createApiAccess, type ApiAccess } from '../api/src/api-access.ts';
import type { ReadModel } from '../collector/src/timeline/read-model.ts';
import { startEmbeddedNeo4j } from '../neo4j-embedded/neo4j.ts';
import { OUTCOME_NAMES, SPAN_OUTCOMES } from '../collector/src/inference/span-outcomes.ts';
import { renderCollectorMetrics } from '../collector/src/metrics/metrics-route.ts';
import { ensureWebBuilt } from './build-web.ts';
import { startKafkaSource } from './roles.ts';

/** What graphUpdated reports: the size of the graph as the read model holds it. */
function graphCounts(model: ReadModel): { components: number; dependencies: number } {
  let components = 0;
  let dependencies = 0;
  for (const _ of model.allComponents()) components++;
  for (const _ of model.allEdges()) dependencies++;
  return { components, dependencies };
}

/** The API's refusals beside the receivers' (`api:401` without or with a wrong ORRERY_API_TOKEN, `api:403` from a foreign origin). */
function apiRefusals(access: ApiAccess | undefined): Record<string, number> {
  const refused = access?.stats().refused;
  const counts: Record<string, number> = {};
  if (refused?.unauthenticated) counts['api:401'] = refused.unauthenticated;
  if (refused?.foreignOrigin) counts['api:403'] = refused.foreignOrigin;
  return counts;
}

/** The collector's counters, flattened for GraphQL's CollectorStatus. */
function collectorStatus(collector: ReturnType<typeof createCollector>, access?: ApiAccess) {
  const { receiver, grpc, inference, aggregator, flush, detection } = collector.stats();
  const stores = Object.values(inference.stores);
  return {
    requests: receiver.requests, acceptedSpans: receiver.acceptedSpans, rejectedSpans: receiver.rejectedSpans,
    refusedRequests: JSON.stringify({ ...receiver.refused, ...apiRefusals(access) }), recentErrors: receiver.recentErrors,
    grpcRequests: grpc.requests, grpcAcceptedSpans: grpc.acceptedSpans,
    duplicateSpans: inference.duplicateSpans, syncPaired: inference.syncPaired, asyncPaired: inference.asyncPaired, oneSided: inference.oneSided,
    clientsToVirtualPeers: inference.clientsToVirtualPeers, clientsFoldedIntoParent: inference.clientsFoldedIntoParent,
    serversWithoutClient: inference.serversWithoutClient, consumersWithoutProducer: inference.consumersWithoutProducer,
    unconsumedMessages: inference.unconsumedMessages, droppedHalves: stores.reduce((n, s) => n + s.dropped, 0),
    parentChildCrossings: inference.parentChildCrossings, pendingSpans: inference.pendingSpans,
    spanOutcomes: OUTCOME_NAMES.map((outcome) => ({
      outcome, count: inference.outcomes[outcome], edge: SPAN_OUTCOMES[outcome].edge !== undefined,
      meaning: `${SPAN_OUTCOMES[outcome].shape}: ${SPAN_OUTCOMES[outcome].edge ?? 'no edge'}`,
    })),
    droppedInteractions: aggregator.droppedInteractions, futureTimesClamped: aggregator.futureTimesClamped,
    writesPending: flush.unwritten || aggregator.pendingDependencies > 0 || aggregator.pendingComponents > 0,
    flushP50Ms: flush.flushP50Ms ?? null, flushP95Ms: flush.flushP95Ms ?? null, readModelBuckets: collector.stats().readModel.buckets, flushes: flush.flushes, failedFlushes: flush.failedFlushes, degraded: flush.degraded,
    detectorPasses: detection.passes, lastDetectorPassMs: detection.lastPassMs ?? null, lastDetectorPassSteps: detection.lastSteps ?? null,
    catalogProblems: collector.catalogProblems().map((p) => ({ file: p.file, entity: p.entity ?? null, field: p.field ?? null, message: p.message })),
    alertReceivers: collector.stats().alerts.map((r) => ({ ...r, lastError: r.lastError ?? null })),
  };
}

export interface Platform {
  neo4jUri: string;
  otlpUrl: string;
  /** host:port of the OTLP/gRPC receiver. */
  otlpGrpcAddress: string;
  apiUrl: string;
  demoServices: string[];
  collector: ReturnType<typeof createCollector>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  config: OrreryConfig;
  log?: (line: string) => void;
  /** Bolt port of the embedded Neo4j (tests use a free one). */
  embeddedBoltPort?: number;
  demoBasePort?: number;
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { config } = options;
  const log = options.log ?? ((line: string) => console.error(`[orrery] ${line}`));
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error: Error) => log(`while stopping: ${error.message}`));
    stops.length = 0;
  };

  try {
    const webDist = ensureWebBuilt(log);

    let neo4jUri = config.neo4j.uri;
    if (!neo4jUri) {
      const dataDir = join(resolve(config.dataDir), 'neo4j');
      log(`starting the embedded Neo4j (data in ${dataDir})`);
      const neo4j = await startEmbeddedNeo4j({ dataDir, boltPort: options.embeddedBoltPort ?? config.neo4jBoltPort, log: (line) => log(`neo4j: ${line}`) });
      stops.push(() => neo4j.stop());
      neo4jUri = neo4j.uri;
    }
    const driver = createNeo4jDriver({ uri: neo4jUri, user: config.neo4j.user, password: config.neo4j.password });
    stops.push(() => driver.close());
    await driver.verifyConnectivity({ database: config.neo4j.database });

    const pubsub = createOrreryPubSub();
    // The demo estate comes with its declared architecture, unless another catalog is named.
    const demoCatalog = join(import.meta.dirname, '../agents/demo/catalog');
    const collectorConfig = config.demo && !config.catalogPath ? { ...config, catalogPath: demoCatalog } : config;
    const collector = createCollector({
      config: collectorConfig,
      driver,
      log: (line) => log(`collector: ${line}`),
      afterFlush: () => pubsub.publish('graphUpdated', { ...graphCounts(collector.readModel), at: new Date().toISOString() }),
      onFindingsChanged: (changes) => pubsub.publish('findingsChanged', { ...changes, at: new Date().toISOString() }),
    });
    const { otlpUrl, otlpGrpcAddress } = await collector.start();
    stops.push(() => collector.stop());
    // ORRERY_KAFKA_BROKERS: OTLP from the topic too; stopped first, so what it read is committed.
    const kafka = await startKafkaSource(collectorConfig, collector, (line) => log(line));
    if (kafka) stops.push(() => kafka.stop());

    const access = createApiAccess({ apiToken: config.apiToken, corsOrigins: config.corsOrigins });
    const yoga = createOrreryYoga({
      driver, database: config.neo4j.database, pubsub, collectorStatus: () => collectorStatus(collector, access), readModel: collector.readModel, retentionMs: config.retentionMs,
      catalogPath: collectorConfig.catalogPath, exposed: config.exposed, cors: access.cors, onLimitRefused: access.countLimitRefusal,
    });
    const metrics = () => renderCollectorMetrics(collector, { kafka, families: () => [...access.metricFamilies(), ...answerCacheFamilies(yoga.answerCacheStats())] });
    const api = await startApiServer({ yoga, host: config.host, port: config.apiPort, webDistDir: await webDist, metrics, access });
    stops.push(() => api.close());
    log(`GraphQL on ${api.url}/graphql, map on ${api.url}/`);

    let demoServices: string[] = [];
    if (config.demo) {
      const { startDemoEstate } = await import('../agents/demo/estate.ts');
      const demo = await startDemoEstate({ otlpEndpoint: otlpUrl.replace(/\/v1\/traces$/, ''), basePort: options.demoBasePort, log: (line: string) => log(`demo: ${line}`) });
      stops.push(() => demo.stop());
      demoServices = demo.services;
      log(`demo estate running: ${demoServices.join(', ')}`);
    }
    return { neo4jUri, otlpUrl, otlpGrpcAddress, apiUrl: api.url, demoServices, collector, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
