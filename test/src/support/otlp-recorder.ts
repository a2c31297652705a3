// Records what real OpenTelemetry exporters send, as OTLP/JSON export requests (the form of
// collector/fixtures/*.json), so conformance fixtures come from real instrumentations rather
// than from our own idea of them. Accepts OTLP/HTTP protobuf and JSON, gzip or not, answers as a
// collector would, and can forward every request unchanged to a real collector as well.
//
// Protobuf is decoded with a full schema (every field of opentelemetry-proto trace/v1, written
// from the specification), not with the collector's decoder, which skips what inference never
// reads. String values longer than MAX_STRING are cut (stack traces, SQL texts): fixtures stay
// readable and nothing inference reads is that long.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

const MAX_STRING = 300;

const OTLP_TRACE_SCHEMA = `
syntax = "proto3";
package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
  ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Status { string message = 2; int32 code = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14;
  Status status = 15;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
}`;

const ExportTraceServiceRequest = protobuf.parse(OTLP_TRACE_SCHEMA).root.lookupType('otlp.ExportTraceServiceRequest');

type Json = unknown;

/** An OTLP/JSON request from protobuf bytes: camelCase names, hex ids, 64-bit integers as strings. */
export function protobufToOtlpJson(body: Uint8Array): Json {
  const message = ExportTraceServiceRequest.decode(body);
  const object = ExportTraceServiceRequest.toObject(message, { longs: String, bytes: Array, defaults: false, oneofs: false });
  return tidy(object);
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

function tidy(value: Json, key?: string): Json {
  if (Array.isArray(value)) {
    if (key && ID_FIELDS.has(key)) return Buffer.from(value as number[]).toString('hex');
    if (key === 'bytesValue') return Buffer.from(value as number[]).toString('base64');
    return value.map((v) => tidy(v));
  }
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = tidy(v, k);
    return out;
  }
  if (typeof value === 'string' && value.length > MAX_STRING) return `${value.slice(0, MAX_STRING)}…`;
  return value;
}

/** OTLP/JSON as received, with the same cut of long strings as protobuf gets. */
function tidyJson(text: string): Json {
  return tidy(JSON.parse(text));
}

export interface OtlpRecorder {
  /** The traces URL to give exporters (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). */
  tracesUrl: string;
  /** The base URL (OTEL_EXPORTER_OTLP_ENDPOINT). */
  baseUrl: string;
  /** Every request received so far, in order, as OTLP/JSON. */
  requests(): Json[];
  /** Number of spans received so far. */
  spanCount(): number;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

function countSpans(request: Json): number {
  const r = request as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
  return (r.resourceSpans ?? []).reduce((n, rs) => n + (rs.scopeSpans ?? []).reduce((m, ss) => m + (ss.spans?.length ?? 0), 0), 0);
}

/**
 * Starts a recorder on a free loopback port. With `forwardTo` (a collector's traces URL) each
 * request is also sent on as received, and the exporter gets the collector's answer.
 */
export async function startOtlpRecorder(options: { forwardTo?: string } = {}): Promise<OtlpRecorder> {
  const received: Json[] = [];
  let spans = 0;
  const server: Server = createServer(async (req, res) => {
    try {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/traces')) {
        res.writeHead(404).end();
        return;
      }
      const body = await readBody(req);
      const type = req.headers['content-type'] ?? '';
      const request = type.includes('json') ? tidyJson(body.toString('utf8')) : protobufToOtlpJson(body);
      received.push(request);
      spans += countSpans(request);
      if (options.forwardTo) {
        const answer = await fetch(options.forwardTo, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? type });
        res.end(Buffer.from(await answer.arrayBuffer()));
        return;
      }
      // An empty ExportTraceServiceResponse: full success, in the request's own encoding.
      if (type.includes('json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String((error as Error).message));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    tracesUrl: `${baseUrl}/v1/traces`,
    requests: () => [...received],
    spanCount: () => spans,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
