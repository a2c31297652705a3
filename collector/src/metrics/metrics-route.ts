// GET /metrics: the collector's counters and the service graph, rendered on each scrape (a
// scrape reads the read model's lifetime totals once: ~1 ms per 1,000 edges).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Collector } from '../collector.ts';
import { collectorFamilies } from './collector-metrics.ts';
import { EXPOSITION_CONTENT_TYPE, renderExposition } from './exposition.ts';
import { serviceGraphFamilies } from './service-graph.ts';

/** The exposition body for one collector, with this process's memory. */
export function renderCollectorMetrics(collector: Pick<Collector, 'stats' | 'readModel'>): string {
  const memory = process.memoryUsage();
  const proc = { residentBytes: memory.rss, heapUsedBytes: memory.heapUsed, startTimeSeconds: Math.round((Date.now() - process.uptime() * 1000) / 1000) };
  const model = collector.readModel;
  const isVirtual = (name: string) => model.component(name)?.virtual ?? true;
  return renderExposition([...collectorFamilies(collector.stats(), proc), ...serviceGraphFamilies(model.allEdges(), isVirtual)]);
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
