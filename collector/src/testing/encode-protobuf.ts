// Encodes an OTLP/JSON ExportTraceServiceRequest as OTLP/protobuf, field numbers from
// opentelemetry-proto. For tests and benchmarks: the same scenario in both wire formats.
import protobuf from 'protobufjs/minimal.js';

type Json = Record<string, any>;
const LEN = 2;
const VARINT = 0;
const I64 = 1;

const hexBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

/** A decimal int64 as protobufjs's Long (the `long` package it bundles), exact beyond 2^53. */
export const longOf = (decimal: string): protobuf.Long => (protobuf.util.Long as unknown as { fromString(value: string): protobuf.Long }).fromString(decimal);

/**
 * Called at the end of every message written (the request, each ResourceSpans, Resource,
 * ScopeSpans, Span, KeyValue, AnyValue, Link, Status), so a test can add fields a decoder must
 * skip unread: `message` names the message, as in opentelemetry-proto.
 */
export type UnknownFieldWriter = (w: protobuf.Writer, message: string) => void;
let unknown: UnknownFieldWriter | undefined;

function writeNanos(w: protobuf.Writer, field: number, nanos: string): void {
  const value = BigInt(nanos);
  w.uint32((field << 3) | I64).fixed32(Number(value & 0xffffffffn)).fixed32(Number(value >> 32n));
}

function writeAnyValue(w: protobuf.Writer, v: Json): void {
  if (v.stringValue !== undefined) w.uint32((1 << 3) | LEN).string(v.stringValue);
  else if (v.boolValue !== undefined) w.uint32((2 << 3) | VARINT).bool(v.boolValue);
  // A decimal string beyond 2^53 is written exactly (Long.fromString), as SDKs write their int64s.
  else if (v.intValue !== undefined) w.uint32((3 << 3) | VARINT).int64(longOf(String(v.intValue)));
  else if (v.doubleValue !== undefined) w.uint32((4 << 3) | I64).double(v.doubleValue);
  else if (v.arrayValue !== undefined) {
    w.uint32((5 << 3) | LEN).fork();
    for (const item of v.arrayValue.values ?? []) {
      w.uint32((1 << 3) | LEN).fork();
      writeAnyValue(w, item);
      unknown?.(w, 'AnyValue');
      w.ldelim();
    }
    w.ldelim();
  } else if (v.kvlistValue !== undefined) {
    w.uint32((6 << 3) | LEN).fork();
    writeAttributes(w, 1, v.kvlistValue.values);
    w.ldelim();
  } else if (v.bytesValue !== undefined) w.uint32((7 << 3) | LEN).bytes(Uint8Array.from(Buffer.from(v.bytesValue, 'base64')));
}

function writeAttributes(w: protobuf.Writer, field: number, attributes: Json[] | undefined): void {
  for (const kv of attributes ?? []) {
    w.uint32((field << 3) | LEN).fork();
    w.uint32((1 << 3) | LEN).string(kv.key);
    w.uint32((2 << 3) | LEN).fork();
    writeAnyValue(w, kv.value);
    unknown?.(w, 'AnyValue');
    w.ldelim();
    unknown?.(w, 'KeyValue');
    w.ldelim();
  }
}

function writeSpan(w: protobuf.Writer, s: Json): void {
  w.uint32((1 << 3) | LEN).bytes(hexBytes(s.traceId));
  w.uint32((2 << 3) | LEN).bytes(hexBytes(s.spanId));
  if (s.parentSpanId) w.uint32((4 << 3) | LEN).bytes(hexBytes(s.parentSpanId));
  w.uint32((5 << 3) | LEN).string(s.name ?? '');
  if (s.kind) w.uint32((6 << 3) | VARINT).int32(s.kind);
  writeNanos(w, 7, s.startTimeUnixNano);
  writeNanos(w, 8, s.endTimeUnixNano);
  writeAttributes(w, 9, s.attributes);
  for (const link of s.links ?? []) {
    w.uint32((13 << 3) | LEN).fork();
    w.uint32((1 << 3) | LEN).bytes(hexBytes(link.traceId));
    w.uint32((2 << 3) | LEN).bytes(hexBytes(link.spanId));
    writeAttributes(w, 4, link.attributes);
    unknown?.(w, 'Link');
    w.ldelim();
  }
  if (s.status?.code) {
    w.uint32((15 << 3) | LEN).fork();
    w.uint32((3 << 3) | VARINT).int32(s.status.code);
    unknown?.(w, 'Status');
    w.ldelim();
  }
}

/** `withUnknown` adds fields no decoder knows at the end of every message (see UnknownFieldWriter). */
export function encodeProtobufTraces(request: Json, withUnknown?: UnknownFieldWriter): Uint8Array<ArrayBuffer> {
  unknown = withUnknown;
  try {
    const w = protobuf.Writer.create();
    for (const rs of request.resourceSpans ?? []) {
      w.uint32((1 << 3) | LEN).fork();
      w.uint32((1 << 3) | LEN).fork();
      writeAttributes(w, 1, rs.resource?.attributes);
      unknown?.(w, 'Resource');
      w.ldelim();
      for (const ss of rs.scopeSpans ?? []) {
        w.uint32((2 << 3) | LEN).fork();
        for (const s of ss.spans ?? []) {
          w.uint32((2 << 3) | LEN).fork();
          writeSpan(w, s);
          unknown?.(w, 'Span');
          w.ldelim();
        }
        unknown?.(w, 'ScopeSpans');
        w.ldelim();
      }
      unknown?.(w, 'ResourceSpans');
      w.ldelim();
    }
    unknown?.(w, 'ExportTraceServiceRequest');
    return w.finish() as Uint8Array<ArrayBuffer>; // a Buffer over a plain ArrayBuffer, never shared memory
  } finally {
    unknown = undefined;
  }
}
