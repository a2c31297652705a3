// GET /metrics: the counters and the service graph, rendered on each scrape (a scrape reads the
// read model's lifetime totals once: ~1 ms per 1,000 edges). What a process serves follows its
// role: `all` everything; `collector` what it ingests, writes and reads from Kafka (its read model
// holds its own share on top of what it loaded, so the service graph is the API's to serve);
// `api` its refusals, the detectors and the service graph of the graph it follows (tools/roles.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Collector } from '../collector.ts';
import type { KafkaSourceStats } from '../kafka/kafka-source.ts';
import type { ReadModel } from '../timeline/read-model.ts';
import { collectorFamilies, ingestFamilies, processFamilies, readModelFamilies, type ProcessLevels } from './collector-metrics.ts';
import { EXPOSITION_CONTENT_TYPE, renderExposition, type MetricFamily } from './exposition.ts';
import { kafkaFamilies } from './kafka-metrics.ts';
import { serviceGraphFamilies } from './service-graph.ts';

/** This process's memory and start time. */
export function processLevels(): ProcessLevels {
  const memory = process.memoryUsage();
  return { residentBytes: memory.rss, heapUsedBytes: memory.heapUsed, startTimeSeconds: Math.round((Date.now() - process.uptime() * 1000) / 1000) };
}

/** The observed graph in Tempo's service-graph names, from a read model's lifetime totals. */
export function serviceGraphOf(model: Pick<ReadModel, 'allEdges' | 'component'>): MetricFamily[] {
  const isVirtual = (name: string) => model.component(name)?.virtual ?? true;
  return serviceGraphFamilies(model.allEdges(), isVirtual);
}

/** What else a process counts: its Kafka consumer, the API's refusals (api/src/api-access.ts). */
export interface MoreMetrics {
  kafka?: { stats(): KafkaSourceStats } | undefined;
  families?: () => MetricFamily[];
}

/** The exposition body of an `all` process: one collector with its detectors, and the service graph. */
export function renderCollectorMetrics(collector: Pick<Collector, 'stats' | 'readModel'>, more: MoreMetrics = {}): string {
  return renderExposition([
    ...collectorFamilies(collector.stats(), processLevels()),
    ...(more.kafka ? kafkaFamilies(more.kafka.stats()) : []),
    ...(more.families?.() ?? []),
    ...serviceGraphOf(collector.readModel),
  ]);
}

/** The exposition body of an ORRERY_ROLE=collector process: no detectors run there, no service graph. */
export function renderCollectorRoleMetrics(collector: Pick<Collector, 'stats'>, more: MoreMetrics = {}): string {
  const stats = collector.stats();
  return renderExposition([
    ...ingestFamilies(stats),
    ...(more.kafka ? kafkaFamilies(more.kafka.stats()) : []),
    ...readModelFamilies(stats.readModel),
    ...(more.families?.() ?? []),
    ...processFamilies(processLevels()),
  ]);
}

/** A Node request handler for /metrics; `render` builds the body (renderCollectorMetrics). */
export function createMetricsHandler(render: () => string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('use GET for /metrics\n');
      return;
    }
    let body: string;
    try {
      body = render();
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics could not be rendered: ${(error as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/**
 * A listener serving /metrics alone (ORRERY_ROLE=collector, on ORRERY_API_PORT: that role serves
 * no GraphQL). `admit` checks the bearer token and origin first (api/src/api-access.ts), as on
 * the API; anything else is 404.
 */
export async function startMetricsServer(options: {
  host: string; port: number; render: () => string;
  admit?: (req: IncomingMessage, res: ServerResponse) => boolean;
}): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const serve = createMetricsHandler(options.render);
  const server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('this collector serves GET /metrics only (GraphQL and the map are ORRERY_ROLE=api\'s)\n');
      return;
    }
    if (options.admit && !options.admit(req, res)) return;
    serve(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`metrics port ${options.host}:${options.port} is already in use; set ORRERY_API_PORT to another port`) : error));
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
