// The API's HTTP listener: GraphQL at /graphql (subscriptions over SSE), the web app at /.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetricsHandler } from '@orrery/collector/metrics/metrics-route.ts';
import type { ApiAccess } from './api-access.ts';
import { createStaticHandler } from './static-files.ts';
import type { OrreryYoga } from './yoga.ts';

export async function startApiServer(options: {
  yoga: OrreryYoga; host: string; port: number; webDistDir: string;
  /** GET /metrics, Prometheus text (collector/src/metrics/); absent where no collector runs in this process. */
  metrics?: () => string;
  /** ORRERY_API_TOKEN and the allowed origins (api-access.ts), checked on /graphql and /metrics; the app's files load without. */
  access?: ApiAccess;
}): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const serveStatic = createStaticHandler(options.webDistDir);
  const serveMetrics = options.metrics ? createMetricsHandler(options.metrics) : undefined;
  const server = createServer((req, res) => {
    if (serveMetrics && (req.url ?? '').split('?')[0] === '/metrics') {
      if (options.access && !options.access.admit(req, res)) return;
      serveMetrics(req, res);
      return;
    }
    if ((req.url ?? '').startsWith('/graphql')) {
      // The token and the origin are checked here, before yoga reads a byte of the body.
      if (options.access && !options.access.admit(req, res)) return;
      options.yoga(req, res);
      return;
    }
    serveStatic(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(error.message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`API port ${options.host}:${options.port} is already in use; set ORRERY_API_PORT to another port`) : error));
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
