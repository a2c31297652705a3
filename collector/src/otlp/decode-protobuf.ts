// OTLP/protobuf ExportTraceServiceRequest decoder, written from opentelemetry-proto
// (trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto).
// It reads straight into the collector's Span with protobufjs's low-level Reader: no generated
// message objects, events skipped unread, ids turned into hex without intermediate buffers.
// Unknown fields are skipped, as protobuf requires, so newer exporters still decode.
//
// Per span it allocates only what the Span keeps (the Span, its attributes, links when there are
// any): the fields are read into one scratch RawSpan reused from span to span, ids are hex from
// Buffer's native encoder (flat strings, no 16-piece ropes for the pairing hash to flatten),
// int64 values are read as numbers without protobufjs's Long, and a resource whose bytes were
// seen before (every request of a service repeats them) is the same ServiceResource, undecoded.
import protobuf from 'protobufjs/minimal.js';
import type { AttributeValue, Attributes, DecodedTraces, RejectedSpan, ServiceResource, Span, SpanLink, StatusCode } from '../model/span.ts';
import { OtlpDecodeError } from './decode-error.ts';
import { INFERENCE_ATTRIBUTES, PRESENCE_ATTRIBUTES } from '../inference/semconv.ts';
import { normaliseSpan, serviceResourceFrom, statusFromWire, type RawSpan } from './normalise.ts';

type Reader = protobuf.Reader;
const WIRE_LEN = 2;

export function decodeProtobufTraces(body: Uint8Array): DecodedTraces {
  // A Buffer gets protobufjs's BufferReader, whose strings decode natively.
  const reader = protobuf.Reader.create(Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  const out: DecodedTraces = { spans: [], rejected: [] };
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 1 && (tag & 7) === WIRE_LEN) readResourceSpans(reader, reader.uint32() + reader.pos, out);
      else reader.skipType(tag & 7);
    }
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    throw new OtlpDecodeError(`protobuf body is not an ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  return out;
}

function readResourceSpans(reader: Reader, end: number, out: DecodedTraces): void {
  let resource: ServiceResource | undefined;
  const scopeBlocks: Array<[number, number]> = [];
  // The resource may come after its scope spans on the wire, so spans are read once it is known.
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WIRE_LEN) resource = readResourceCached(reader);
    else if (field === 2 && (tag & 7) === WIRE_LEN) {
      const length = reader.uint32();
      scopeBlocks.push([reader.pos, reader.pos + length]);
      reader.skip(length);
    } else reader.skipType(tag & 7);
  }
  resource ??= serviceResourceFrom({});
  const afterBlock = reader.pos;
  for (const [start, blockEnd] of scopeBlocks) {
    reader.pos = start;
    readScopeSpans(reader, blockEnd, resource, out);
  }
  reader.pos = afterBlock;
}

// Resources by their encoded bytes. Every request of a service carries the same resource, and
// decoding its attributes whole was a twentieth of the collector's time; a resource seen before
// is now one hash and one native compare. Entries are copies (a view would keep the request body
// alive); the cache is bounded in entries and bytes, and emptied when full so it follows the
// services that are sending now. ServiceResource is never mutated after decoding, so sharing it
// across requests is safe (and lets span inference see one resource object per service).
const RESOURCE_CACHE_MAX_ENTRIES = 4096;
const RESOURCE_CACHE_MAX_BYTES = 2048;
const resourceCache = new Map<number, Array<{ bytes: Buffer; resource: ServiceResource }>>();
let resourceCacheSize = 0;

function readResourceCached(reader: Reader): ServiceResource {
  const length = reader.uint32();
  const start = reader.pos;
  const end = start + length;
  if (end > reader.len) throw new OtlpDecodeError('resource runs past the end of the body');
  if (length > RESOURCE_CACHE_MAX_BYTES) return serviceResourceFrom(readResource(reader, end));
  const buf = reader.buf as Buffer;
  let hash = length;
  for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + buf[i]!) | 0;
  const bucket = resourceCache.get(hash);
  if (bucket) {
    for (const entry of bucket) {
      if (entry.bytes.length === length && buf.compare(entry.bytes, 0, length, start, end) === 0) {
        reader.pos = end;
        return entry.resource;
      }
    }
  }
  const resource = serviceResourceFrom(readResource(reader, end));
  if (resourceCacheSize >= RESOURCE_CACHE_MAX_ENTRIES) {
    resourceCache.clear();
    resourceCacheSize = 0;
  }
  const entry = { bytes: Buffer.from(buf.subarray(start, end)), resource };
  const current = resourceCache.get(hash);
  if (current) current.push(entry);
  else resourceCache.set(hash, [entry]);
  resourceCacheSize++;
  return resource;
}

function readResource(reader: Reader, end: number): Attributes {
  const attributes: Attributes = {};
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WIRE_LEN) readKeyValue(reader, reader.uint32() + reader.pos, attributes);
    else reader.skipType(tag & 7);
  }
  return attributes;
}

function readScopeSpans(reader: Reader, end: number, resource: ServiceResource, out: DecodedTraces): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 2 && (tag & 7) === WIRE_LEN) {
      const span = normaliseSpan(readSpan(reader, reader.uint32() + reader.pos), resource, true);
      if (typeof span === 'string') out.rejected.push({ reason: span } satisfies RejectedSpan);
      else out.spans.push(span satisfies Span);
    }
    else reader.skipType(tag & 7);
  }
}

/** Links of a span that has none: shared, and never written to (normaliseSpan copies a span's links only when it has some). */
const NO_LINKS: SpanLink[] = Object.freeze([]) as unknown as SpanLink[];

/** The one RawSpan every span is read into: normaliseSpan copies out what the Span keeps before the next is read. */
const scratch: RawSpan = {
  traceId: '', spanId: '', parentSpanId: '', name: '', kind: undefined, startTimeUnixMs: 0, endTimeUnixMs: 0, status: 'UNSET', attributes: {}, links: NO_LINKS,
};

function readSpan(reader: Reader, end: number): RawSpan {
  const raw = scratch;
  raw.traceId = '';
  raw.spanId = '';
  raw.parentSpanId = '';
  raw.name = '';
  raw.kind = undefined;
  raw.startTimeUnixMs = 0;
  raw.endTimeUnixMs = 0;
  raw.status = 'UNSET';
  raw.attributes = {};
  raw.links = NO_LINKS;
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1: raw.traceId = readHexBytes(reader); break;
      case 2: raw.spanId = readHexBytes(reader); break;
      case 4: raw.parentSpanId = readHexBytes(reader); break;
      case 5: raw.name = readString(reader); break;
      case 6: raw.kind = reader.int32(); break;
      case 7: raw.startTimeUnixMs = readFixed64Ms(reader); break;
      case 8: raw.endTimeUnixMs = readFixed64Ms(reader); break;
      case 9: readKeyValue(reader, reader.uint32() + reader.pos, raw.attributes, true); break;
      case 13: {
        const link = readLink(reader, reader.uint32() + reader.pos);
        if (raw.links === NO_LINKS) raw.links = [link];
        else raw.links.push(link);
        break;
      }
      case 15: raw.status = readStatus(reader, reader.uint32() + reader.pos); break;
      default: reader.skipType(tag & 7);
    }
  }
  return raw;
}

function readLink(reader: Reader, end: number): SpanLink {
  const link: SpanLink = { traceId: '', spanId: '', attributes: {} };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1: link.traceId = readHexBytes(reader); break;
      case 2: link.spanId = readHexBytes(reader); break;
      case 4: readKeyValue(reader, reader.uint32() + reader.pos, link.attributes); break;
      default: reader.skipType(tag & 7);
    }
  }
  return link;
}

function readStatus(reader: Reader, end: number): StatusCode {
  let code: StatusCode = 'UNSET';
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 3) code = statusFromWire(reader.int32());
    else reader.skipType(tag & 7);
  }
  return code;
}

/** Reads one KeyValue into `into`; with `onlyInference`, values of other keys are skipped undecoded. */
function readKeyValue(reader: Reader, end: number, into: Record<string, AttributeValue>, onlyInference = false): void {
  let key: CachedKey | undefined;
  let value: AttributeValue = null;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WIRE_LEN) key = readKey(reader);
    // A value before its key (fields may come in any order) is decoded: whether it is wanted is not known yet.
    else if (field === 2 && (tag & 7) === WIRE_LEN && (!onlyInference || key === undefined || key.read !== SKIP)) {
      if (onlyInference && key !== undefined && key.read === PRESENCE) {
        reader.skipType(WIRE_LEN); // only its presence is read: the value (a query text) is skipped undecoded
        value = true;
      } else value = readAnyValue(reader, reader.uint32() + reader.pos);
    } else reader.skipType(tag & 7);
  }
  key ??= EMPTY_KEY;
  if (!onlyInference || key.read !== SKIP) into[key.key] = value;
}

/** What span decoding does with a key's value: skip it, decode it, or record only that it is there. */
const SKIP = 0;
const DECODE = 1;
const PRESENCE = 2;
interface CachedKey {
  key: string;
  read: typeof SKIP | typeof DECODE | typeof PRESENCE;
}
const keyOf = (key: string): CachedKey => ({ key, read: PRESENCE_ATTRIBUTES.has(key) ? PRESENCE : INFERENCE_ATTRIBUTES.has(key) ? DECODE : SKIP });
const EMPTY_KEY = keyOf('');

/**
 * Strings by their UTF-8 bytes, for the short ones that repeat from span to span: attribute keys
 * (decoding each anew made up a tenth of the decode time) and the values inference reads (routes,
 * methods, host names). A hit is one hash and one compare, and no new string for the GC. Entries
 * hold copies of the bytes (a view would keep the request body alive); `clearWhenFull` starts over
 * when the bound is reached, so a cache of high-cardinality values (URLs with ids) follows what
 * repeats now instead of keeping the first strings it ever saw.
 */
class Utf8Cache<T> {
  private readonly buckets = new Map<number, Array<{ bytes: Uint8Array; value: T }>>();
  private size = 0;
  private readonly maxEntries: number;
  private readonly clearWhenFull: boolean;
  private readonly make: (text: string) => T;
  constructor(maxEntries: number, clearWhenFull: boolean, make: (text: string) => T) {
    this.maxEntries = maxEntries;
    this.clearWhenFull = clearWhenFull;
    this.make = make;
  }

  read(buf: Buffer, start: number, end: number): T {
    const length = end - start;
    if (length === 0 || length > 64) return this.make(buf.toString('utf8', start, end));
    let hash = length;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + buf[i]!) | 0;
    const bucket = this.buckets.get(hash);
    if (bucket) {
      outer: for (const entry of bucket) {
        const bytes = entry.bytes;
        if (bytes.length !== length) continue;
        for (let i = 0; i < length; i++) if (bytes[i] !== buf[start + i]) continue outer;
        return entry.value;
      }
    }
    const value = this.make(buf.toString('utf8', start, end));
    if (this.size >= this.maxEntries) {
      if (!this.clearWhenFull) return value;
      this.buckets.clear();
      this.size = 0;
    }
    const entry = { bytes: Uint8Array.from(buf.subarray(start, end)), value };
    const current = this.buckets.get(hash);
    if (current) current.push(entry);
    else this.buckets.set(hash, [entry]);
    this.size++;
    return value;
  }
}

// Keys are few in any estate (they are the conventions' names): filled once, never cleared.
const keys = new Utf8Cache<CachedKey>(4096, false, keyOf);
const values = new Utf8Cache<string>(8192, true, (text) => text);

function readKey(reader: Reader): CachedKey {
  const length = reader.uint32();
  const start = reader.pos;
  const end = start + length;
  if (end > reader.len) throw new OtlpDecodeError('attribute key runs past the end of the body');
  reader.pos = end;
  return keys.read(reader.buf as Buffer, start, end);
}

/** A string field, through the value cache. */
function readString(reader: Reader): string {
  const length = reader.uint32();
  const start = reader.pos;
  const end = start + length;
  if (end > reader.len) throw new OtlpDecodeError('string runs past the end of the body');
  reader.pos = end;
  return values.read(reader.buf as Buffer, start, end);
}

function readAnyValue(reader: Reader, end: number): AttributeValue {
  let value: AttributeValue = null;
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1: value = readString(reader); break;
      case 2: value = reader.bool(); break;
      case 3: value = readInt64(reader); break;
      case 4: value = reader.double(); break;
      case 5: value = readArray(reader, reader.uint32() + reader.pos); break;
      case 6: {
        const kv: Record<string, AttributeValue> = {};
        const listEnd = reader.uint32() + reader.pos;
        while (reader.pos < listEnd) {
          const inner = reader.uint32();
          if (inner >>> 3 === 1) readKeyValue(reader, reader.uint32() + reader.pos, kv);
          else reader.skipType(inner & 7);
        }
        value = kv;
        break;
      }
      // Bytes values are shown as hex, as OTLP/JSON spells them.
      case 7: value = readHexBytes(reader); break;
      default: reader.skipType(tag & 7);
    }
  }
  return value;
}

function readArray(reader: Reader, end: number): AttributeValue[] {
  const values: AttributeValue[] = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) values.push(readAnyValue(reader, reader.uint32() + reader.pos));
    else reader.skipType(tag & 7);
  }
  return values;
}

function readHexBytes(reader: Reader): string {
  const length = reader.uint32();
  const start = reader.pos;
  if (start + length > reader.len) throw new OtlpDecodeError('id field runs past the end of the body');
  reader.pos += length;
  return (reader.buf as Buffer).toString('hex', start, start + length);
}

/** fixed64 nanoseconds since the epoch, read as two little-endian 32-bit halves (exceeds 2^53). */
function readFixed64Ms(reader: Reader): number {
  const low = reader.fixed32();
  const high = reader.fixed32();
  // ns = high · 2^32 + low = high · 4294 · 10^6 + (high · 967296 + low); every product below stays
  // under 2^53, so whole milliseconds and the sub-millisecond remainder are both exact.
  const rest = high * 967296 + low;
  return high * 4294 + Math.floor(rest / 1e6) + (rest % 1e6) / 1e6;
}

/**
 * An int64 varint as a number, without protobufjs's Long (its toString was most of an attribute's
 * decode time). Beyond 2^53 it rounds once, to the nearest double, as Number("<decimal>") does:
 * high · 2^32 is exact and only the addition rounds. Negative values are ten-byte two's complement.
 */
export function readInt64(reader: Reader): number {
  const buf = reader.buf;
  let pos = reader.pos;
  let lo = 0;
  let hi = 0;
  let b = 0;
  done: {
    // Bytes 1-4: bits 0-27.
    for (let shift = 0; shift < 28; shift += 7) {
      b = buf[pos++]!;
      lo |= (b & 127) << shift;
      if (b < 128) break done;
    }
    // Byte 5: bits 28-31 to the low word, 32-34 to the high word.
    b = buf[pos++]!;
    lo |= (b & 15) << 28;
    hi = (b & 127) >> 4;
    if (b < 128) break done;
    // Bytes 6-10: bits 35-63.
    for (let shift = 3; shift < 32; shift += 7) {
      b = buf[pos++]!;
      hi |= (b & 127) << shift;
      if (b < 128) break done;
    }
    throw new OtlpDecodeError('invalid varint encoding');
  }
  if (pos > reader.len) throw new OtlpDecodeError('int64 value runs past the end of the body');
  reader.pos = pos;
  return hi * 4294967296 + (lo >>> 0);
}
