// The collector process's wiring: OTLP receivers (and ingest() for Kafka) -> span inference ->
// aggregation -> publish (every ORRERY_FLUSH_MS: to the read model, which GraphQL and detectors
// read, and into the delta buffer) -> flush loop (every ORRERY_WRITE_MS: the buffer to Neo4j).
// Pure stages are created here and connected by callbacks; I/O stays at the edges: receivers,
// store/, the detection loop's finding writes and alert delivery.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Driver } from 'neo4j-driver';
import type { OrreryConfig } from './config.ts';
import { createGraphAggregator, type GraphDelta } from './aggregate/graph-aggregator.ts';
import { createSpanInference } from './inference/span-inference.ts';
import type { Span } from './model/span.ts';
import { createOtlpHttpReceiver, type ReceiverStats } from './receiver/otlp-http-receiver.ts';
import { createOtlpGrpcReceiver, type PushBack } from './receiver/otlp-grpc-receiver.ts';
import { createFlushLoop } from './store/flush-loop.ts';
import { createPublishLoop } from './store/publish-loop.ts';
import { createDeltaBuffer } from './aggregate/delta-buffer.ts';
import { createGraphWriter } from './store/graph-writer.ts';
import { ensureSchema } from './store/neo4j-schema.ts';
import { createDetectionLoop } from './detection-loop.ts';
import { createReadModel } from './timeline/read-model.ts';
import { tiersFor } from './timeline/tiers.ts';
import { loadReadModel } from './store/read-model-loader.ts';
import { createNeo4jRollup } from './store/rollup.ts';
import { createWorkflowShapeStore } from './store/workflow-shape-store.ts';
import { createShapeRecorder } from './workflows/shape-recorder.ts';

/** How often buckets are aged (minute buckets turn into hours a day later: a minute's lag is nothing). */
const ROLLUP_EVERY_MS = 60_000;
/**
 * Minute buckets held between flushes (~150 B each with sparse histograms: 15 MB at the bound);
 * also what one flush writes at most, so a transaction stays small for Neo4j too.
 */
const PENDING_BUCKETS = 100_000;
import { createAlerter } from './alerting/alerter.ts';
import type { FindingChanges } from './store/finding-store.ts';
import type { RaisedFinding } from './model/graph-snapshot.ts';

export interface CollectorOptions {
  config: OrreryConfig;
  driver: Driver;
  log?: (line: string) => void;
  clock?: () => number;
  /** Called after each successful write to Neo4j (subscriptions). */
  afterFlush?: (delta: GraphDelta) => Promise<void> | void;
  /** Called after a detector pass opened or resolved findings (subscriptions, alerts). */
  onFindingsChanged?: (changes: FindingChanges, findings: RaisedFinding[]) => void;
  /**
   * Runs the detectors and alerting here (default true). Off for ORRERY_ROLE=collector: with
   * several collectors each would raise the same finding from its share of the graph; the API
   * process runs them once over the whole graph it follows from Neo4j.
   */
  detect?: boolean;
}

export function createCollector(options: CollectorOptions) {
  const { config, driver } = options;
  const log = options.log ?? ((line: string) => console.error(`[collector] ${line}`));
  const detecting = options.detect ?? true;
  const clock = options.clock ?? Date.now;

  // A new dependency asks for an early publish: it is what freshness is about (span -> edge on the map).
  const aggregator = createGraphAggregator({
    maxDependencies: config.maxPendingDependencies,
    maxComponents: config.maxPendingDependencies,
    onNewDependency: () => publishLoop.soon(),
    clock,
    maxClockSkewMs: config.maxClockSkewMs,
    // A replayed backlog spreads over many minutes: write it in pieces rather than hold it all.
    onManyBuckets: () => publishLoop.soon(),
    maxBuckets: PENDING_BUCKETS,
  });
  // Published but not yet in Neo4j, merged: Neo4j is written on its own, slower rhythm.
  const unwritten = createDeltaBuffer();
  // A representative run per workflow, for the onboarding docs' sequence diagrams (workflows/).
  const shapes = createShapeRecorder({ clock, holdMs: 2 * config.pairingTimeoutMs });
  const shapeStore = createWorkflowShapeStore(driver, config.neo4j.database);
  const inference = createSpanInference({
    pairingTimeoutMs: config.pairingTimeoutMs,
    maxPendingSpans: config.maxPendingSpans,
    clock,
    onInteraction: (interaction) => {
      aggregator.addInteraction(interaction);
      shapes.observe(interaction);
    },
    onComponent: (sighting) => aggregator.addSighting(sighting),
    onUnconsumedMessage: (publish) => aggregator.addUnconsumed(publish),
    onWorkflowRun: (run) => {
      aggregator.addWorkflowRun(run);
      shapes.runEnded(run);
    },
  });
  const alerting = config.alerting;
  const alerter = alerting.rules.receivers.size > 0
    ? createAlerter({ rules: alerting.rules, publicUrl: alerting.publicUrl, driver, database: config.neo4j.database, clock, log })
    : undefined;
  // The graph in memory with its time buckets: GraphQL and the detectors read it; Neo4j is the record.
  const tiers = tiersFor(config.retentionMs);
  const readModel = createReadModel({ tiers });
  const rollup = createNeo4jRollup(driver, config.neo4j.database, tiers);
  const detection = createDetectionLoop({
    readModel,
    windowMs: config.detectWindowMs,
    driver,
    database: config.neo4j.database,
    catalogPath: config.catalogPath,
    detectorOptions: { handoffTimeoutMs: config.handoffTimeoutMs, staleAfterMs: config.staleAfterMs, maxFindingsPerPass: config.maxFindingsPerPass },
    minIntervalMs: config.detectEveryMs,
    resolveAfterMs: config.resolveAfterMs,
    clock,
    log,
    onChanges: (changes, findings) => options.onFindingsChanged?.(changes, findings),
    onPass: (pass) => alerter?.onPass(pass),
  });
  const writer = createGraphWriter(driver, config.neo4j.database, config.collectorId);
  // Every drain goes to the read model at once (GraphQL, detectors and subscriptions see it within
  // ORRERY_FLUSH_MS) and into the buffer Neo4j is written from every ORRERY_WRITE_MS: Neo4j's
  // cost then follows the edges that changed per write, not the number of drains.
  async function publish(): Promise<void> {
    inference.expire();
    // At its bound (Neo4j behind or away), new observations wait in the aggregator, which is
    // bounded too and makes the receivers push back, rather than growing the buffer.
    const held = unwritten.stats();
    if (held.buckets >= PENDING_BUCKETS || held.dependencies >= config.maxPendingDependencies) return;
    const delta = aggregator.drain();
    if (delta.components.length === 0 && delta.dependencies.length === 0 && delta.workflows.length === 0) return;
    readModel.applyDelta(delta);
    unwritten.add(delta);
    if (unwritten.stats().buckets >= PENDING_BUCKETS / 2) flushLoop.flushSoon(0);
    await options.afterFlush?.(delta);
    // Not awaited: a detector pass must never hold up the next publish.
    if (detecting) void detection.run();
  }
  const publishLoop = createPublishLoop({ everyMs: config.flushMs, publish, log });
  const flushLoop = createFlushLoop({
    aggregator: unwritten,
    writer,
    flushMs: config.writeMs,
    backlogged: () => unwritten.stats().buckets >= PENDING_BUCKETS / 10,
    // Workflow shapes go with each Neo4j write, not each publish: every new run replaces a
    // representative one, so at publish rhythm they were ~200 rows every 500 ms on a busy estate,
    // and a run from seconds ago is as representative. Not awaited; a failure is only logged
    // (shapes are few and rewritten when they change).
    afterFlush: () => {
      void shapeStore.write(shapes.takeChanged()).catch((error: Error) => log(`workflow shapes not written: ${error.message}`));
    },
    log,
  });
  // Push back when writes are failing and the pending edge set is nearly full (unavailable), or
  // when a backlog has filled the pending minute buckets faster than they are written (busy).
  // Exporters retry either.
  const pushBack = (): PushBack => {
    const pending = aggregator.stats();
    const held = unwritten.stats();
    if (flushLoop.stats().degraded && Math.max(pending.pendingDependencies, held.dependencies) >= config.maxPendingDependencies * 0.9) return 'unavailable';
    // Near the aggregator's edge bound new edges would be dropped while the export is answered
    // 200: push back first, so an exporter retries rather than losing acknowledged spans.
    return pending.pendingBuckets >= 0.9 * PENDING_BUCKETS || pending.pendingDependencies >= 0.9 * config.maxPendingDependencies ? 'busy' : undefined;
  };
  const receiver = createOtlpHttpReceiver({
    maxBodyBytes: config.maxBodyBytes,
    maxConcurrentRequests: config.maxConcurrentExports,
    onSpans: (spans) => inference.ingest(spans),
    isOverloaded: () => pushBack() !== undefined,
    ingestToken: config.ingestToken,
  });
  // The same path for OTLP/gRPC: one inference, one set of counters (merged in stats()).
  const grpcReceiver = createOtlpGrpcReceiver({ maxMessageBytes: config.maxBodyBytes, onSpans: (spans) => inference.ingest(spans), pushBack, ingestToken: config.ingestToken });

  const expiryEveryMs = Math.max(50, Math.min(1000, config.pairingTimeoutMs / 4));
  let server: Server | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;
  let rollupTimer: NodeJS.Timeout | undefined;
  let detectTimer: NodeJS.Timeout | undefined;
  let rollupRunning: Promise<void> | undefined;
  let rollupQueued: Promise<void> | undefined;

  /** Ages buckets in Neo4j and in the read model by one plan (timeline/tiers.ts). */
  function rollUp(): Promise<void> {
    // One at a time; a call during a run gets a run of its own after it (that run's `now` may
    // predate what was written since: the start-up roll-up, still under way, is no roll-up of now).
    if (rollupRunning) return (rollupQueued ??= rollupRunning.then(() => {
      rollupQueued = undefined;
      return rollUp();
    }));
    const now = clock();
    readModel.rollUp(now);
    // What the read model has, Neo4j gets first (a failed write is the flush loop's to retry), so
    // the roll-up ages the same minutes in both instead of leaving late-written ones for next time.
    rollupRunning = flushLoop.flush().catch(() => undefined)
      .then(() => rollup.run(now))
      .catch((error: Error) => log(`bucket roll-up failed (retried next minute): ${error.message}`))
      .finally(() => { rollupRunning = undefined; });
    return rollupRunning;
  }

  return {
    /** Creates the schema, then listens for OTLP. Resolves with the traces URL. */
    async start(): Promise<{ otlpUrl: string; otlpGrpcAddress: string }> {
      await ensureSchema(driver, config.neo4j.database);
      await writer.warmUp();
      const loaded = await loadReadModel(driver, config.neo4j.database, readModel);
      log(`read model loaded from Neo4j: ${loaded.buckets} buckets in ${Math.round(loaded.ms)} ms`);
      void rollUp();
      rollupTimer = setInterval(() => void rollUp(), ROLLUP_EVERY_MS);
      rollupTimer.unref();
      server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => receiver.handle(req, res));
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'EADDRINUSE' ? new Error(`OTLP port ${config.host}:${config.otlpPort} is already in use; set ORRERY_OTLP_PORT to another port`) : error));
        // A burst of exporters queues in the kernel instead of timing out on connect: Node's default
        // backlog is 511 connections; asked for more, Linux gives net.core.somaxconn (4096 here), what
        // the Go OpenTelemetry Collector's listeners get. Under overload each is then answered, 429 or 200.
        server!.listen({ port: config.otlpPort, host: config.host, backlog: 65_535 }, () => resolve());
      });
      // Expire halves between flushes too, so a virtual peer appears within the pairing timeout.
      expiryTimer = setInterval(() => inference.expire(), expiryEveryMs);
      expiryTimer.unref();
      publishLoop.start();
      flushLoop.start();
      if (detecting) void detection.run(true); // findings from what is already in the graph, before new traffic
      // Passes follow flushes, and with no traffic nothing is flushed; yet a finding whose cause
      // went quiet must still resolve (and its alerts with it): so passes run on a timer too
      // (not while Neo4j is failing writes: the pass would fail the same way, and say so every time).
      if (detecting) detectTimer = setInterval(() => {
        if (!flushLoop.stats().degraded) void detection.run();
      }, Math.max(1000, config.detectEveryMs));
      detectTimer?.unref();
      if (detecting) alerter?.start();
      const grpcPort = await grpcReceiver.listen(config.host, config.otlpGrpcPort);
      const { port } = server.address() as AddressInfo;
      log(`OTLP/HTTP receiver on http://${config.host}:${port}/v1/traces, OTLP/gRPC on ${config.host}:${grpcPort}`);
      return { otlpUrl: `http://${config.host}:${port}/v1/traces`, otlpGrpcAddress: `${config.host}:${grpcPort}` };
    },
    /** Expires what has waited past the pairing timeout, publishes and writes everything pending now. */
    async flush(): Promise<void> {
      await publishLoop.now();
      await flushLoop.flush();
    },
    /**
     * Spans from a source other than the receivers (a Kafka topic): the same inference and counters' path.
     * Returns false when the platform is pushing back (the caller should pause and retry, as exporters do).
     */
    ingest(spans: Span[]): boolean {
      if (pushBack() !== undefined) return false;
      inference.ingest(spans);
      return true;
    },
    /**
     * Resolves once everything ingested before the call is in Neo4j: every half then waiting has
     * paired or expired (one pairing timeout and an expiry tick later), its drain is published and the
     * buffer holding it written. Rejects when the write fails. A source that must not lose spans
     * (Kafka offsets) acknowledges them only after this.
     */
    async durable(): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, config.pairingTimeoutMs + expiryEveryMs + 10));
      // A backlog is written in pieces, and the buffer at its bound leaves the rest in the
      // aggregator: rounds go on until both are written (a failed write rejects flush() itself).
      for (let round = 0; round < 1000; round++) {
        await publishLoop.now();
        await flushLoop.flush();
        if (flushLoop.stats().degraded) throw new Error(`Neo4j write failed: ${flushLoop.stats().lastError ?? 'unknown error'}`);
        if (flushLoop.stats().unwritten) continue;
        if (aggregator.stats().pendingDependencies === 0 || unwritten.stats().buckets < PENDING_BUCKETS / 2) return;
      }
    },
    /** Runs a detector pass now (after any pass under way). */
    detect(): Promise<void> {
      return detection.run(true);
    },
    async stop(): Promise<void> {
      if (expiryTimer) clearInterval(expiryTimer);
      if (rollupTimer) clearInterval(rollupTimer);
      if (detectTimer) clearInterval(detectTimer);
      await rollupQueued;
      await rollupRunning;
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections();
      await grpcReceiver.close();
      // Unpaired halves are resolved now rather than lost with the process.
      inference.expireAll();
      shapes.expireAll();
      await publishLoop.stop();
      await publishLoop.now();
      await flushLoop.stop();
      // A buffer at its bound (Neo4j was behind) left the rest in the aggregator: one more round.
      if (aggregator.stats().pendingDependencies > 0) {
        await publishLoop.now();
        await flushLoop.flush().catch(() => undefined);
      }
      await shapeStore.write(shapes.takeChanged()).catch((error: Error) => log(`workflow shapes not written: ${error.message}`));
      await detection.idle();
      await alerter?.stop();
    },
    /** The observed graph in memory (what GraphQL reads when it runs in this process). */
    readModel,
    /** Runs the bucket roll-up and retention now (tests; it also runs every minute). */
    rollUp,
    stats() {
      return {
        receiver: mergeReceiverStats(receiver.stats(), grpcReceiver.stats()), grpc: grpcReceiver.stats(), inference: inference.stats(), aggregator: aggregator.stats(),
        flush: { ...flushLoop.stats(), unwritten: flushLoop.stats().unwritten || !unwritten.isEmpty() }, unwrittenDelta: unwritten.stats(), detection: detection.stats(),
        rollup: rollup.stats(), readModel: { buckets: readModel.bucketCount() },
        alerts: alerter?.stats() ?? [],
      };
    },
    /** What the last catalog read found wrong, naming file, entity and field. */
    catalogProblems() {
      return detection.catalogProblems();
    },
  };
}

export type Collector = ReturnType<typeof createCollector>;

/** OTLP/HTTP's and OTLP/gRPC's counters as one: refusals keyed by HTTP status or gRPC status name. */
function mergeReceiverStats(http: ReceiverStats, grpc: ReceiverStats): ReceiverStats {
  return {
    requests: http.requests + grpc.requests,
    acceptedSpans: http.acceptedSpans + grpc.acceptedSpans,
    rejectedSpans: http.rejectedSpans + grpc.rejectedSpans,
    refused: { ...http.refused, ...grpc.refused },
    recentErrors: [...grpc.recentErrors, ...http.recentErrors].slice(0, 10),
  };
}
