// The plumbing every demo process shares: a JSON-over-HTTP server on loopback with a /health
// route, JSON calls to peers, and exiting with the estate that started it. No tracing set-up
// here: instrumented processes get theirs from `--import agents/src/register.ts` only.
import http from 'node:http';
import { trace } from '@opentelemetry/api';

export interface Reply {
  status: number;
  body?: unknown;
}

export interface RequestInfo {
  url: URL;
  params: string[];
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Route template as reported in http.route, e.g. `/prices/{sku}`; `{x}` matches one segment. */
  template: string;
  handle: (request: RequestInfo) => Promise<Reply> | Reply;
}

const MAX_BODY_BYTES = 1_000_000;

export function readPort(): number {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT must be a TCP port, got "${process.env.PORT}"`);
  return port;
}

/** The base URL of a peer process, from DEMO_PEERS (a JSON object name -> URL set by the estate). */
export function peerUrl(name: string): string {
  const peers = JSON.parse(process.env.DEMO_PEERS ?? '{}') as Record<string, string>;
  const url = peers[name];
  if (!url) throw new Error(`DEMO_PEERS has no URL for "${name}"`);
  return url;
}

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function randomBetween(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

export function chance(probability: number): boolean {
  return Math.random() < probability;
}

/** Starts the process's HTTP server; resolves once it listens. */
export function serve(name: string, routes: Route[], port = readPort()): Promise<http.Server> {
  const compiled = [
    ...routes,
    { method: 'GET', template: '/health', handle: () => ({ status: 200, body: { service: name, status: 'ok' } }) } satisfies Route,
  ].map((route) => ({
    route,
    pattern: new RegExp(`^${route.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/]+?\}/g, '([^/]+)')}$`),
  }));

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let reply: Reply;
      const match = compiled
        .filter((c) => c.route.method === req.method)
        .map((c) => ({ ...c, params: c.pattern.exec(url.pathname) }))
        .find((c) => c.params !== null);
      if (!match?.params) {
        reply = { status: 404, body: { error: `no route for ${req.method} ${url.pathname}` } };
      } else {
        // Semconv server span name is "{method} {http.route}"; plain node:http cannot know the route.
        const span = trace.getActiveSpan();
        span?.setAttribute('http.route', match.route.template);
        span?.updateName(`${match.route.method} ${match.route.template}`);
        try {
          const body = req.method === 'POST' ? await readJson(req) : undefined;
          reply = await match.route.handle({ url, params: match.params.slice(1).map(decodeURIComponent), body });
        } catch (error) {
          span?.recordException(error as Error);
          reply = { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
        }
      }
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    })();
  });
  // Peers poll and call constantly over keep-alive; idle sockets should not pile up.
  server.keepAliveTimeout = 5000;

  exitWithEstate(() => server.close());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? undefined : JSON.parse(text));
      } catch {
        reject(new Error('request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
}

/** One JSON call to a peer; rejects only when no HTTP answer came (refused, reset, timeout). */
export async function callJson<T = unknown>(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 15000,
): Promise<JsonResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = { error: text };
  }
  return { status: response.status, body: parsed as T };
}

let exitHooked = false;
/**
 * A demo process lives only as long as the estate that spawned it: when the IPC channel to the
 * parent closes (the parent stopped or died, even by SIGKILL) it terminates itself with SIGTERM,
 * which also gives the agent its chance to flush.
 */
export function exitWithEstate(beforeExit: () => void = () => {}): void {
  if (exitHooked || !process.connected) return;
  exitHooked = true;
  process.on('disconnect', () => {
    try {
      beforeExit();
    } finally {
      process.kill(process.pid, 'SIGTERM');
    }
  });
}
