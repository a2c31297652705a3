// Encodes an OTLP/JSON ExportTraceServiceRequest as OTLP/protobuf, field numbers from
// opentelemetry-proto. For tests and benchmarks: the same scenario in both wire formats.
import protobuf from 'protobufjs/minimal.js';

type Json = Record<string, any>;
const LEN = 2;
const VARINT = 0;
const I64 = 1;

const hexBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

function writeNanos(w: protobuf.Writer, field: number, nanos: string): void {
  const value = BigInt(nanos);
  w.uint32((field << 3) | I64).fixed32(Number(value & 0xffffffffn)).fixed32(Number(value >> 32n));
}

function writeAnyValue(w: protobuf.Writer, v: Json): void {
  if (v.stringValue !== undefined) w.uint32((1 << 3) | LEN).string(v.stringValue);
  else if (v.boolValue !== undefined) w.uint32((2 << 3) | VARINT).bool(v.boolValue);
  else if (v.intValue !== undefined) w.uint32((3 << 3) | VARINT).int64(Number(v.intValue));
  else if (v.doubleValue !== undefined) w.uint32((4 << 3) | I64).double(v.doubleValue);
  else if (v.arrayValue !== undefined) {
    w.uint32((5 << 3) | LEN).fork();
    for (const item of v.arrayValue.values ?? []) {
      w.uint32((1 << 3) | LEN).fork();
      writeAnyValue(w, item);
      w.ldelim();
    }
    w.ldelim();
  }
}

function writeAttributes(w: protobuf.Writer, field: number, attributes: Json[] | undefined): void {
  for (const kv of attributes ?? []) {
    w.uint32((field << 3) | LEN).fork();
    w.uint32((1 << 3) | LEN).string(kv.key);
    w.uint32((2 << 3) | LEN).fork();
    writeAnyValue(w, kv.value);
    w.ldelim();
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
    w.ldelim();
  }
  if (s.status?.code) {
    w.uint32((15 << 3) | LEN).fork();
    w.uint32((3 << 3) | VARINT).int32(s.status.code);
    w.ldelim();
  }
}

export function encodeProtobufTraces(request: Json): Uint8Array<ArrayBuffer> {
  const w = protobuf.Writer.create();
  for (const rs of request.resourceSpans ?? []) {
    w.uint32((1 << 3) | LEN).fork();
    w.uint32((1 << 3) | LEN).fork();
    writeAttributes(w, 1, rs.resource?.attributes);
    w.ldelim();
    for (const ss of rs.scopeSpans ?? []) {
      w.uint32((2 << 3) | LEN).fork();
      for (const s of ss.spans ?? []) {
        w.uint32((2 << 3) | LEN).fork();
        writeSpan(w, s);
        w.ldelim();
      }
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish() as Uint8Array<ArrayBuffer>; // a Buffer over a plain ArrayBuffer, never shared memory
}
