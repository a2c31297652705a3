// OTLP/HTTP trace receiver: POST /v1/traces, protobuf or JSON, optionally gzip-compressed.
// It validates and decodes, hands valid spans on synchronously (inference is in-memory and
// fast; Neo4j writes happen later on the flush timer, never on this path), and answers as the
// OTLP specification says: partial success for refused spans, 400 for an unreadable body,
// 413/415 for bodies it will not read, 429/503 with Retry-After when it must push back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type { DecodedTraces, Span } from '../model/span.ts';
import { OtlpDecodeError } from '../otlp/decode-error.ts';
import { decodeJsonTraces } from '../otlp/decode-json.ts';
import { decodeProtobufTraces } from '../otlp/decode-protobuf.ts';
import { bearerCheck, refusalMessage } from '../auth/bearer-token.ts';
import { CONTENT_TYPE, exportResponse, RPC_CODE, statusResponse, type WireFormat } from './otlp-response.ts';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export interface ReceiverStats {
  requests: number;
  acceptedSpans: number;
  rejectedSpans: number;
  /** Requests refused whole, by HTTP status. */
  refused: Record<string, number>;
  /** The last few reasons for refusals, newest first. */
  recentErrors: string[];
}

export interface OtlpHttpReceiverOptions {
  maxBodyBytes: number;
  /** Requests decoded at once; beyond it exporters get 429 and retry later. */
  maxConcurrentRequests?: number;
  onSpans: (spans: Span[]) => void;
  /** When true (e.g. Neo4j unreachable and buffers full), exporters get 503 and retry later. */
  isOverloaded?: () => boolean;
  /** ORRERY_INGEST_TOKEN: when set, exports without `Authorization: Bearer <it>` get 401 (counted under refused["401"]). */
  ingestToken?: string | undefined;
}

class HttpRefusal extends Error {
  readonly status: number;
  readonly rpcCode: number;
  readonly retryAfterS: number | undefined;
  constructor(status: number, rpcCode: number, message: string, retryAfterS?: number) {
    super(message);
    this.status = status;
    this.rpcCode = rpcCode;
    this.retryAfterS = retryAfterS;
  }
}

export function createOtlpHttpReceiver(options: OtlpHttpReceiverOptions) {
  const maxConcurrent = options.maxConcurrentRequests ?? 64;
  let inFlight = 0;
  const stats: ReceiverStats = { requests: 0, acceptedSpans: 0, rejectedSpans: 0, refused: {}, recentErrors: [] };
  const auth = options.ingestToken ? bearerCheck(options.ingestToken) : undefined;

  function refuse(res: ServerResponse, format: WireFormat, refusal: HttpRefusal): void {
    stats.refused[refusal.status] = (stats.refused[refusal.status] ?? 0) + 1;
    stats.recentErrors.unshift(`${refusal.status}: ${refusal.message}`);
    stats.recentErrors.length = Math.min(stats.recentErrors.length, 10);
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[format] };
    if (refusal.retryAfterS !== undefined) headers['retry-after'] = String(refusal.retryAfterS);
    if (refusal.status === 401) headers['www-authenticate'] = 'Bearer realm="orrery-ingest"';
    res.writeHead(refusal.status, headers).end(statusResponse(format, refusal.rpcCode, refusal.message));
  }

  async function handleExport(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format: WireFormat | undefined = mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf' ? 'protobuf' : mediaType === 'application/json' ? 'json' : undefined;
    if (auth) {
      // Before anything about the body is read or judged; the header's value is never logged.
      const verdict = auth.check(req.headers.authorization);
      if (verdict !== 'ok') {
        req.resume();
        return refuse(res, format ?? 'json', new HttpRefusal(401, 16 /* google.rpc.Code UNAUTHENTICATED */, refusalMessage(verdict, 'ORRERY_INGEST_TOKEN')));
      }
    }
    if (!format) {
      req.resume();
      const message = `unsupported Content-Type ${JSON.stringify(mediaType || '(none)')}: send application/x-protobuf or application/json`;
      return refuse(res, 'json', new HttpRefusal(415, RPC_CODE.INVALID_ARGUMENT, message));
    }
    try {
      if (options.isOverloaded?.()) {
        req.resume();
        throw new HttpRefusal(503, RPC_CODE.UNAVAILABLE, 'the collector cannot store data right now (Neo4j unreachable and buffers full); retry later', 10);
      }
      if (inFlight >= maxConcurrent) {
        req.resume();
        throw new HttpRefusal(429, RPC_CODE.RESOURCE_EXHAUSTED, `more than ${maxConcurrent} export requests in progress; retry later`, 1);
      }
      inFlight++;
      try {
        const body = await readBody(req, options.maxBodyBytes);
        const decoded = decode(format, body);
        if (decoded.spans.length > 0) options.onSpans(decoded.spans);
        stats.acceptedSpans += decoded.spans.length;
        stats.rejectedSpans += decoded.rejected.length;
        res.writeHead(200, { 'content-type': CONTENT_TYPE[format] }).end(exportResponse(format, decoded.rejected.length, summariseRejections(decoded)));
      } finally {
        inFlight--;
      }
    } catch (error) {
      if (error instanceof HttpRefusal) return refuse(res, format, error);
      if (error instanceof OtlpDecodeError) return refuse(res, format, new HttpRefusal(400, RPC_CODE.INVALID_ARGUMENT, error.message));
      throw error;
    }
  }

  return {
    /** Node http request handler; never throws. */
    handle(req: IncomingMessage, res: ServerResponse): void {
      stats.requests++;
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/v1/traces') {
        req.resume();
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 5, message: `no route ${path}: OTLP traces go to POST /v1/traces` }));
        return;
      }
      if (req.method !== 'POST') {
        req.resume();
        res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(JSON.stringify({ code: 12, message: 'use POST for /v1/traces' }));
        return;
      }
      handleExport(req, res).catch((error: unknown) => {
        stats.refused['500'] = (stats.refused['500'] ?? 0) + 1;
        stats.recentErrors.unshift(`500: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 13, message: `internal error: ${(error as Error).message}` }));
      });
    },
    stats: (): ReceiverStats => ({ ...stats, refused: { ...stats.refused }, recentErrors: [...stats.recentErrors] }),
  };
}

function decode(format: WireFormat, body: Buffer): DecodedTraces {
  return format === 'protobuf' ? decodeProtobufTraces(body) : decodeJsonTraces(body.toString('utf8'));
}

export function summariseRejections(decoded: DecodedTraces): string {
  if (decoded.rejected.length === 0) return '';
  const reasons = new Map<string, number>();
  for (const r of decoded.rejected) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  return [...reasons].map(([reason, n]) => `${n} span(s): ${reason}`).join('; ');
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toString().trim().toLowerCase();
  if (!['identity', 'gzip', 'deflate', ''].includes(encoding)) {
    req.resume();
    throw new HttpRefusal(415, RPC_CODE.INVALID_ARGUMENT, `unsupported Content-Encoding ${JSON.stringify(encoding)}: send gzip or none`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new HttpRefusal(413, RPC_CODE.INVALID_ARGUMENT, `body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw new HttpRefusal(413, RPC_CODE.INVALID_ARGUMENT, `body exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks, size);
  if (encoding !== 'gzip' && encoding !== 'deflate') return raw;
  try {
    // maxOutputLength stops a small "zip bomb" from inflating past the body limit.
    return encoding === 'gzip' ? await gunzipAsync(raw, { maxOutputLength: maxBytes }) : await inflateAsync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new HttpRefusal(413, RPC_CODE.INVALID_ARGUMENT, `decompressed body exceeds the limit of ${maxBytes} bytes`);
    throw new HttpRefusal(400, RPC_CODE.INVALID_ARGUMENT, `body is not valid ${encoding}: ${(error as Error).message}`);
  }
}
