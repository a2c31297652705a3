// Decodes an OTLP ExportTraceServiceRequest in protobuf (what the http/protobuf and grpc
// exporters send) into its OTLP/JSON form (ids as hex), so the throwaway receiver reads every
// protocol the agent speaks with one flattener. Only the fields the receiver keeps are read;
// the rest are skipped by wire type, as any protobuf reader does. Builtins only (agents/ imports
// nothing of ours), field numbers from opentelemetry-proto's trace.proto and common.proto.

type Json = Record<string, unknown>;

class Reader {
  private pos = 0;
  private readonly buf: Uint8Array;
  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      if (shift > 63n) throw new Error('varint longer than 10 bytes');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  }

  bytes(): Uint8Array {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) throw new Error('length-delimited field runs past the message');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  fixed64(): Uint8Array {
    if (this.pos + 8 > this.buf.length) throw new Error('truncated fixed64');
    const out = this.buf.subarray(this.pos, this.pos + 8);
    this.pos += 8;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.fixed64();
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }

  /** Calls `field` for each field of the message; unknown ones must call `skip`. */
  fields(field: (number: number, wireType: number) => void): void {
    while (!this.done) {
      const tag = Number(this.varint());
      field(tag >>> 3, tag & 7);
    }
  }
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const u64 = (b: Uint8Array) => Buffer.from(b).readBigUInt64LE(0).toString();

function anyValue(buf: Uint8Array): Json {
  const r = new Reader(buf);
  let out: Json = {};
  r.fields((n, w) => {
    if (n === 1 && w === 2) out = { stringValue: text(r.bytes()) };
    else if (n === 2 && w === 0) out = { boolValue: r.varint() !== 0n };
    else if (n === 3 && w === 0) out = { intValue: BigInt.asIntN(64, r.varint()).toString() };
    else if (n === 4 && w === 1) out = { doubleValue: Buffer.from(r.fixed64()).readDoubleLE(0) };
    else if (n === 5 && w === 2) out = { arrayValue: { values: repeated(r.bytes(), 1, anyValue) } };
    else if (n === 7 && w === 2) out = { bytesValue: Buffer.from(r.bytes()).toString('base64') };
    else r.skip(w);
  });
  return out;
}

/** Every occurrence of length-delimited field `number` in buf, each decoded by `decode`. */
function repeated(buf: Uint8Array, number: number, decode: (b: Uint8Array) => Json): Json[] {
  const r = new Reader(buf);
  const out: Json[] = [];
  r.fields((n, w) => (n === number && w === 2 ? out.push(decode(r.bytes())) : r.skip(w)));
  return out;
}

function keyValue(buf: Uint8Array): Json {
  const r = new Reader(buf);
  const out: Json = { key: '' };
  r.fields((n, w) => {
    if (n === 1 && w === 2) out.key = text(r.bytes());
    else if (n === 2 && w === 2) out.value = anyValue(r.bytes());
    else r.skip(w);
  });
  return out;
}

function span(buf: Uint8Array): Json {
  const r = new Reader(buf);
  const out: Json = { attributes: [], links: [] };
  r.fields((n, w) => {
    if (n === 1 && w === 2) out.traceId = hex(r.bytes());
    else if (n === 2 && w === 2) out.spanId = hex(r.bytes());
    else if (n === 4 && w === 2) out.parentSpanId = hex(r.bytes());
    else if (n === 5 && w === 2) out.name = text(r.bytes());
    else if (n === 6 && w === 0) out.kind = Number(r.varint());
    else if (n === 7 && w === 1) out.startTimeUnixNano = u64(r.fixed64());
    else if (n === 8 && w === 1) out.endTimeUnixNano = u64(r.fixed64());
    else if (n === 9 && w === 2) (out.attributes as Json[]).push(keyValue(r.bytes()));
    else if (n === 13 && w === 2) (out.links as Json[]).push(link(r.bytes()));
    else if (n === 15 && w === 2) {
      const status: Json = {};
      const s = new Reader(r.bytes());
      s.fields((sn, sw) => (sn === 3 && sw === 0 ? (status.code = Number(s.varint())) : s.skip(sw)));
      out.status = status;
    } else r.skip(w);
  });
  return out;
}

function link(buf: Uint8Array): Json {
  const r = new Reader(buf);
  const out: Json = {};
  r.fields((n, w) => {
    if (n === 1 && w === 2) out.traceId = hex(r.bytes());
    else if (n === 2 && w === 2) out.spanId = hex(r.bytes());
    else r.skip(w);
  });
  return out;
}

function scopeSpans(buf: Uint8Array): Json {
  const r = new Reader(buf);
  const out: Json = { spans: [] };
  r.fields((n, w) => {
    if (n === 1 && w === 2) {
      const scope: Json = {};
      const s = new Reader(r.bytes());
      s.fields((sn, sw) => (sn === 1 && sw === 2 ? (scope.name = text(s.bytes())) : s.skip(sw)));
      out.scope = scope;
    } else if (n === 2 && w === 2) (out.spans as Json[]).push(span(r.bytes()));
    else r.skip(w);
  });
  return out;
}

function resourceSpans(buf: Uint8Array): Json {
  const r = new Reader(buf);
  const out: Json = { scopeSpans: [] };
  r.fields((n, w) => {
    if (n === 1 && w === 2) out.resource = { attributes: repeated(r.bytes(), 1, keyValue) };
    else if (n === 2 && w === 2) (out.scopeSpans as Json[]).push(scopeSpans(r.bytes()));
    else r.skip(w);
  });
  return out;
}

/** ExportTraceServiceRequest (protobuf) -> its OTLP/JSON form; throws on a malformed message. */
export function decodeTraceRequest(buf: Uint8Array): { resourceSpans: Json[] } {
  return { resourceSpans: repeated(buf, 1, resourceSpans) };
}
