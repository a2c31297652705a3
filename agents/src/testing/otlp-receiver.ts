// A throwaway OTLP receiver for tests and for watching what the agent sends: answers OTLP/HTTP
// POST /v1/traces (protobuf or JSON, gzip or not) and OTLP/gRPC TraceService/Export (plaintext
// HTTP/2, on its own port), and keeps every span, flattened. Anything else is answered 415/404
// (or a gRPC error status) and counted, never silently dropped.
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest } from './otlp-protobuf.ts';

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

export interface ReceivedSpan {
  service: string | undefined;
  resource: Record<string, AttributeValue>;
  scope: string | undefined;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP SpanKind: 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  links: Array<{ traceId: string; spanId: string }>;
  /** OTLP StatusCode: 0 UNSET, 1 OK, 2 ERROR. */
  statusCode: number;
  durationMs: number;
}

export const SPAN_KIND_NAMES: Record<number, string> = { 0: 'UNSPECIFIED', 1: 'INTERNAL', 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' };

export interface OtlpReceiver {
  /** Base endpoint for OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://127.0.0.1:43121. */
  endpoint: string;
  /** The gRPC endpoint for OTEL_EXPORTER_OTLP_ENDPOINT with OTEL_EXPORTER_OTLP_PROTOCOL=grpc, e.g. http://127.0.0.1:43122. */
  grpcEndpoint: string;
  spans: ReceivedSpan[];
  /** contentTypes holds each request's media type: application/json, application/x-protobuf or application/grpc. */
  requests: { accepted: number; rejected: number; contentTypes: Set<string> };
  /** Resolves once `predicate` holds for the spans received, or rejects after timeoutMs. */
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: unknown;
  bytesValue?: string;
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

function value(v: OtlpAnyValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  return null;
}

function attributes(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));
}

/** OTLP/JSON sends ids as hex (the spec), but be lenient with base64 from other encoders. */
function id(raw: string | undefined): string {
  if (!raw) return '';
  return /^[0-9a-f]+$/i.test(raw) ? raw.toLowerCase() : Buffer.from(raw, 'base64').toString('hex');
}

export function flattenTraces(body: unknown): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  const request = body as { resourceSpans?: Array<{ resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: Array<{ scope?: { name?: string }; spans?: Array<Record<string, unknown>> }> }> };
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        const start = BigInt(String(span.startTimeUnixNano ?? 0));
        const end = BigInt(String(span.endTimeUnixNano ?? 0));
        const parent = id(span.parentSpanId as string | undefined);
        out.push({
          service: typeof resource['service.name'] === 'string' ? resource['service.name'] : undefined,
          resource,
          scope: ss.scope?.name,
          traceId: id(span.traceId as string),
          spanId: id(span.spanId as string),
          parentSpanId: parent === '' ? undefined : parent,
          name: String(span.name ?? ''),
          kind: Number(span.kind ?? 0),
          attributes: attributes(span.attributes as OtlpKeyValue[] | undefined),
          links: ((span.links as Array<{ traceId: string; spanId: string }> | undefined) ?? []).map((l) => ({ traceId: id(l.traceId), spanId: id(l.spanId) })),
          statusCode: Number((span.status as { code?: number } | undefined)?.code ?? 0),
          durationMs: Number(end - start) / 1e6,
        });
      }
    }
  }
  return out;
}

const GRPC_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const HTTP_TYPES = new Set(['application/json', 'application/x-protobuf']);

export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests = { accepted: 0, rejected: 0, contentTypes: new Set<string>() };
  const waiters = new Set<() => void>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      requests.contentTypes.add(contentType);
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !HTTP_TYPES.has(contentType)) {
        requests.rejected++;
        res.writeHead(req.url === '/v1/traces' ? 415 : 404).end();
        return;
      }
      try {
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        const json = contentType === 'application/json';
        accept(json ? JSON.parse(raw.toString('utf8')) : decodeTraceRequest(raw));
        if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); // an empty ExportTraceServiceResponse
      } catch (error) {
        requests.rejected++;
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error) }));
      }
    });
  });

  const accept = (body: unknown) => {
    spans.push(...flattenTraces(body));
    requests.accepted++;
    for (const wake of waiters) wake();
  };

  // gRPC over plaintext HTTP/2: each request is one length-prefixed message (flag byte 1 =
  // compressed with the grpc-encoding named), answered with an empty message and grpc-status 0.
  const grpcServer = http2.createServer();
  const grpcSessions = new Set<http2.ServerHttp2Session>();
  grpcServer.on('session', (session) => {
    grpcSessions.add(session);
    session.on('close', () => grpcSessions.delete(session));
  });
  grpcServer.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', () => {});
    stream.on('end', () => {
      const contentType = String(headers['content-type'] ?? '').split(/[;+]/)[0]!.trim();
      requests.contentTypes.add(contentType);
      const fail = (code: number, message: string) => {
        requests.rejected++;
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) }, { endStream: true });
      };
      if (headers[':path'] !== GRPC_EXPORT_PATH) return fail(12, `unknown method ${String(headers[':path'])}`); // UNIMPLEMENTED
      try {
        const frame = Buffer.concat(chunks);
        if (frame.length < 5 || frame.readUInt32BE(1) !== frame.length - 5) throw new Error(`expected one gRPC message, got ${frame.length} bytes`);
        let message = frame.subarray(5);
        if (frame[0] === 1) {
          if (headers['grpc-encoding'] !== 'gzip') return fail(12, `grpc-encoding ${String(headers['grpc-encoding'])} not supported`);
          message = gunzipSync(message);
        }
        accept(decodeTraceRequest(message));
      } catch (error) {
        return fail(3, String(error)); // INVALID_ARGUMENT
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
  });

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => grpcServer.listen(0, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  const { port: grpcPort } = grpcServer.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${actual}`,
    grpcEndpoint: `http://127.0.0.1:${grpcPort}`,
    spans,
    requests,
    waitFor(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(spans)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`spans did not arrive within ${timeoutMs} ms (${spans.length} received)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: async () => {
      await Promise.all([
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
        new Promise<void>((resolve) => {
          grpcServer.close(() => resolve());
          // Clients keep their HTTP/2 sessions open; close() waits for them, so end them.
          for (const session of grpcSessions) session.destroy();
        }),
      ]);
    },
  };
}
