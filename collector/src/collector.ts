// The collector process's wiring: OTLP receiver -> span inference -> aggregation -> flush loop
// -> Neo4j. Pure stages are created here and connected by callbacks; only this file and the
// store/receiver edges touch I/O.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Driver } from 'neo4j-driver';
import type { OrreryConfig } from './config.ts';
import { createGraphAggregator, type GraphDelta } from './aggregate/graph-aggregator.ts';
import { createSpanInference } from './inference/span-inference.ts';
import { createOtlpHttpReceiver } from './receiver/otlp-http-receiver.ts';
import { createFlushLoop } from './store/flush-loop.ts';
import { createGraphWriter } from './store/graph-writer.ts';
import { ensureSchema } from './store/neo4j-schema.ts';
import { createDetectionLoop } from './detection-loop.ts';
import { selectAlerts } from './alerting/select-alerts.ts';
import { createWebhookAlerter } from './alerting/webhook-alerter.ts';
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
}

export function createCollector(options: CollectorOptions) {
  const { config, driver } = options;
  const log = options.log ?? ((line: string) => console.error(`[collector] ${line}`));
  const clock = options.clock ?? Date.now;

  // A new dependency asks for an early flush: it is what freshness is about (span -> edge on the map).
  const aggregator = createGraphAggregator({
    maxDependencies: config.maxPendingDependencies,
    maxComponents: config.maxPendingDependencies,
    onNewDependency: () => flushLoop.flushSoon(),
    clock,
    maxClockSkewMs: config.maxClockSkewMs,
  });
  const inference = createSpanInference({
    pairingTimeoutMs: config.pairingTimeoutMs,
    maxPendingSpans: config.maxPendingSpans,
    clock,
    onInteraction: (interaction) => aggregator.addInteraction(interaction),
    onComponent: (sighting) => aggregator.addSighting(sighting),
    onUnconsumedMessage: (publish) => aggregator.addUnconsumed(publish),
    onWorkflowRun: (run) => aggregator.addWorkflowRun(run),
  });
  const alerter = config.alertWebhookUrl ? createWebhookAlerter({ url: config.alertWebhookUrl, log }) : undefined;
  const detection = createDetectionLoop({
    driver,
    database: config.neo4j.database,
    catalogPath: config.catalogPath,
    detectorOptions: { handoffTimeoutMs: config.handoffTimeoutMs, staleAfterMs: config.staleAfterMs },
    minIntervalMs: config.detectEveryMs,
    resolveAfterMs: config.resolveAfterMs,
    clock,
    log,
    onChanges: (changes, findings) => {
      alerter?.send(selectAlerts(changes.opened, findings));
      options.onFindingsChanged?.(changes, findings);
    },
  });
  const writer = createGraphWriter(driver, config.neo4j.database, config.collectorId);
  const flushLoop = createFlushLoop({
    aggregator,
    writer,
    flushMs: config.flushMs,
    beforeFlush: () => inference.expire(),
    afterFlush: async (delta) => {
      await options.afterFlush?.(delta);
      // Not awaited: a detector pass must never hold up the next flush.
      void detection.run();
    },
    log,
  });
  const receiver = createOtlpHttpReceiver({
    maxBodyBytes: config.maxBodyBytes,
    onSpans: (spans) => inference.ingest(spans),
    // Push back only when writes are failing and the pending edge set is nearly full.
    isOverloaded: () => flushLoop.stats().degraded && aggregator.stats().pendingDependencies >= config.maxPendingDependencies * 0.9,
  });

  let server: Server | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;

  return {
    /** Creates the schema, then listens for OTLP. Resolves with the traces URL. */
    async start(): Promise<{ otlpUrl: string }> {
      await ensureSchema(driver, config.neo4j.database);
      await writer.warmUp();
      server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => receiver.handle(req, res));
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'EADDRINUSE' ? new Error(`OTLP port ${config.host}:${config.otlpPort} is already in use; set ORRERY_OTLP_PORT to another port`) : error));
        server!.listen(config.otlpPort, config.host, () => resolve());
      });
      // Expire halves between flushes too, so a virtual peer appears within the pairing timeout.
      expiryTimer = setInterval(() => inference.expire(), Math.max(50, Math.min(1000, config.pairingTimeoutMs / 4)));
      expiryTimer.unref();
      flushLoop.start();
      void detection.run(true); // findings from what is already in the graph, before new traffic
      const { port } = server.address() as AddressInfo;
      log(`OTLP/HTTP receiver on http://${config.host}:${port}/v1/traces`);
      return { otlpUrl: `http://${config.host}:${port}/v1/traces` };
    },
    /** Expires what has waited past the pairing timeout and writes everything pending now. */
    async flush(): Promise<void> {
      inference.expire();
      await flushLoop.flush();
    },
    /** Runs a detector pass now (after any pass under way). */
    detect(): Promise<void> {
      return detection.run(true);
    },
    async stop(): Promise<void> {
      if (expiryTimer) clearInterval(expiryTimer);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections();
      // Unpaired halves are resolved now rather than lost with the process.
      inference.expireAll();
      await flushLoop.stop();
      await detection.idle();
      await alerter?.idle();
    },
    stats() {
      return {
        receiver: receiver.stats(), inference: inference.stats(), aggregator: aggregator.stats(), flush: flushLoop.stats(), detection: detection.stats(),
        alerts: alerter?.stats() ?? { sent: 0, failed: 0, dropped: 0, queued: 0 },
      };
    },
    /** What the last catalog read found wrong, naming file, entity and field. */
    catalogProblems() {
      return detection.catalogProblems();
    },
  };
}

export type Collector = ReturnType<typeof createCollector>;
