// OTLP/JSON ExportTraceServiceRequest decoder (OTLP specification, "JSON Protobuf Encoding"):
// lowerCamelCase field names (snake_case accepted too, as protobuf JSON parsers do), trace and
// span ids as hex strings (base64 accepted too, see hexId), int64 values as strings or numbers,
// enums as integers (their names accepted too).
import type { AttributeValue, Attributes, DecodedTraces, SpanLink } from '../model/span.ts';
import { OtlpDecodeError } from './decode-error.ts';
import { INFERENCE_ATTRIBUTES, PRESENCE_ATTRIBUTES } from '../inference/semconv.ts';
import { normaliseSpan, serviceResourceFrom, statusFromWire, type RawSpan } from './normalise.ts';

type Json = Record<string, unknown>;

export function decodeJsonTraces(body: string): DecodedTraces {
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch (error) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(request)) throw new OtlpDecodeError('body must be a JSON object with "resourceSpans"');
  const resourceSpans = field(request, 'resourceSpans', 'resource_spans') ?? [];
  if (!Array.isArray(resourceSpans)) throw new OtlpDecodeError('"resourceSpans" must be an array');

  const out: DecodedTraces = { spans: [], rejected: [] };
  for (const block of resourceSpans) {
    if (!isObject(block)) throw new OtlpDecodeError('each "resourceSpans" entry must be an object');
    const resourceJson = field(block, 'resource');
    const resource = serviceResourceFrom(isObject(resourceJson) ? readAttributes(field(resourceJson, 'attributes')) : {});
    // "instrumentationLibrarySpans" is the pre-1.0 name of "scopeSpans"; old exporters still send it.
    const scopes = field(block, 'scopeSpans', 'scope_spans') ?? field(block, 'instrumentationLibrarySpans') ?? [];
    if (!Array.isArray(scopes)) throw new OtlpDecodeError('"scopeSpans" must be an array');
    for (const scope of scopes) {
      const spans = isObject(scope) ? field(scope, 'spans') ?? [] : undefined;
      if (!Array.isArray(spans)) throw new OtlpDecodeError('"scopeSpans[].spans" must be an array');
      for (const spanJson of spans) {
        const raw = isObject(spanJson) ? readSpan(spanJson) : 'span must be a JSON object';
        const span = typeof raw === 'string' ? raw : normaliseSpan(raw, resource);
        if (typeof span === 'string') out.rejected.push({ reason: span });
        else out.spans.push(span);
      }
    }
  }
  return out;
}

function readSpan(json: Json): RawSpan | string {
  const startTimeUnixMs = nanosToMs(field(json, 'startTimeUnixNano', 'start_time_unix_nano'));
  const endTimeUnixMs = nanosToMs(field(json, 'endTimeUnixNano', 'end_time_unix_nano'));
  if (startTimeUnixMs === undefined) return 'startTimeUnixNano must be an integer (string or number)';
  if (endTimeUnixMs === undefined) return 'endTimeUnixNano must be an integer (string or number)';
  const kind = field(json, 'kind');
  if (kind !== undefined && typeof kind !== 'number' && typeof kind !== 'string') return 'kind must be an integer';
  const status = field(json, 'status');
  // proto3 JSON: null is the default (UNSET); anything but a number or a name is no status code.
  const code = isObject(status) ? (field(status, 'code') ?? undefined) : undefined;
  if (code !== undefined && typeof code !== 'number' && typeof code !== 'string') return 'status.code must be an integer or a StatusCode name';
  const linksJson = field(json, 'links') ?? [];
  const links: SpanLink[] = [];
  if (Array.isArray(linksJson)) {
    for (const link of linksJson) {
      if (!isObject(link)) continue;
      links.push({
        traceId: hexId(field(link, 'traceId', 'trace_id')),
        spanId: hexId(field(link, 'spanId', 'span_id')),
        attributes: readAttributes(field(link, 'attributes')),
      });
    }
  }
  const name = field(json, 'name');
  return {
    traceId: hexId(field(json, 'traceId', 'trace_id')),
    spanId: hexId(field(json, 'spanId', 'span_id')),
    parentSpanId: hexId(field(json, 'parentSpanId', 'parent_span_id')),
    name: typeof name === 'string' ? name : '',
    kind: kind as number | string | undefined,
    startTimeUnixMs,
    endTimeUnixMs,
    status: statusFromWire(code),
    attributes: readAttributes(field(json, 'attributes'), INFERENCE_ATTRIBUTES),
    links,
  };
}

/** With `keep`, only those keys are read (span attributes: see INFERENCE_ATTRIBUTES). */
function readAttributes(list: unknown, keep?: ReadonlySet<string>): Attributes {
  const attributes: Attributes = {};
  if (!Array.isArray(list)) return attributes;
  for (let i = 0; i < list.length; i++) {
    const kv: unknown = list[i];
    // An array has no string `key`: skipped here as any non-object is.
    if (typeof kv !== 'object' || kv === null) continue;
    const key = (kv as Json).key;
    if (typeof key !== 'string' || (keep && !keep.has(key))) continue;
    attributes[key] = keep && PRESENCE_ATTRIBUTES.has(key) ? true : readAnyValue((kv as Json).value);
  }
  return attributes;
}

function readAnyValue(value: unknown): AttributeValue {
  if (!isObject(value)) return null;
  const string = field(value, 'stringValue', 'string_value');
  if (typeof string === 'string') return string;
  const bool = field(value, 'boolValue', 'bool_value');
  if (typeof bool === 'boolean') return bool;
  const int = field(value, 'intValue', 'int_value');
  if (int !== undefined) return Number(int);
  const double = field(value, 'doubleValue', 'double_value');
  if (double !== undefined) return Number(double);
  const array = field(value, 'arrayValue', 'array_value');
  if (isObject(array)) return Array.isArray(array.values) ? array.values.map(readAnyValue) : [];
  const kvlist = field(value, 'kvlistValue', 'kvlist_value');
  if (isObject(kvlist)) return readAttributes(kvlist.values);
  // bytesValue is base64 in OTLP/JSON; shown as hex like the protobuf path.
  const bytes = field(value, 'bytesValue', 'bytes_value');
  if (typeof bytes === 'string') return Buffer.from(bytes, 'base64').toString('hex');
  return null;
}

/** int64/fixed64 nanoseconds, sent as a decimal string or a number, to epoch milliseconds. */
function nanosToMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value / 1e6 : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 20) return undefined;
  // Split while reading the digits: the whole nanosecond count exceeds 2^53, its milliseconds
  // (at most 14 digits) and the last six digits do not. Same result as converting the two slices.
  const split = value.length - 6;
  let ms = 0;
  let ns = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    if (i < split) ms = ms * 10 + digit;
    else ns = ns * 10 + digit;
  }
  return ms + ns / 1e6;
}

/**
 * Ids are hex in OTLP/JSON; upper case is tolerated and folded. Go's jsonpb and protobuf's
 * canonical JSON mapping write `bytes` as base64 instead, and files from those tools (Tempo's and
 * Jaeger's test traces, `otel-cli` dumps) are common: a 24- or 12-character base64 string is the
 * 16- or 8-byte id it encodes, and is read as such. Hex ids of those lengths cannot occur (they are
 * 32 and 16 characters). Anything else fails validation with the hex rule's message.
 */
function hexId(value: unknown): string {
  if (typeof value !== 'string') return '';
  if ((value.length === 24 || value.length === 12) && BASE64.test(value)) return Buffer.from(value, 'base64').toString('hex');
  return value.toLowerCase();
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function field(object: Json, name: string, altName?: string): unknown {
  const value = object[name];
  return value !== undefined || altName === undefined ? value : object[altName];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
