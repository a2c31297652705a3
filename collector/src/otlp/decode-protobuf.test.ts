// The protobuf decoder against the test encoder (../testing/encode-protobuf.ts) and the JSON
// decoder: fast-check requests with every AnyValue type (int64s at and beyond 2^53, negatives as
// ten-byte varints, doubles, bytes, nested arrays and kvlists), links valid and not, and fields no
// decoder knows — of every wire type, at the end of every message — must decode from protobuf
// exactly as the same request decodes from JSON. Plus what the decoder's shortcuts must not change:
// one ServiceResource per distinct resource, and truncated int64s refused with a reason.
import fc from 'fast-check';
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import type { DecodedTraces } from '../model/span.ts';
import { encodeProtobufTraces, longOf, type UnknownFieldWriter } from '../testing/encode-protobuf.ts';
import { INFERENCE_ATTRIBUTES, PRESENCE_ATTRIBUTES } from '../inference/semconv.ts';
import { OtlpDecodeError } from './decode-error.ts';
import { decodeJsonTraces } from './decode-json.ts';
import { decodeProtobufTraces, readInt64 } from './decode-protobuf.ts';

type Json = Record<string, unknown>;

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const int64 = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('0', '-1', '9007199254740993', '-9007199254740993', '4294967296', '-4294967297', '268435456', '34359738368', '9223372036854775807', '-9223372036854775808'),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
);

const anyValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((stringValue) => ({ stringValue })),
    fc.boolean().map((boolValue) => ({ boolValue })),
    int64.map((intValue) => ({ intValue })),
    // -0 is 0 in JSON text; infinities and NaN have no JSON spelling.
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => ({ doubleValue: Object.is(d, -0) ? 0 : d })),
    fc.uint8Array({ maxLength: 6 }).map((b) => ({ bytesValue: Buffer.from(b).toString('base64') })),
    fc.array(tie('value'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc.array(fc.record({ key: text, value: tie('value') }), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
    fc.constant({}),
  ),
})).value;

const inferenceKeys = [...INFERENCE_ATTRIBUTES];
const spanKey = fc.oneof(fc.constantFrom(...inferenceKeys, ...PRESENCE_ATTRIBUTES), text);
const attributes = (key: fc.Arbitrary<string>) => fc.array(fc.record({ key, value: anyValue }), { maxLength: 6 });
const nanos = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n });

const span = fc.record({
  traceId: fc.oneof({ weight: 9, arbitrary: hex(16) }, { weight: 1, arbitrary: fc.constant('0'.repeat(32)) }),
  spanId: fc.oneof({ weight: 9, arbitrary: hex(8) }, { weight: 1, arbitrary: hex(4) }),
  parentSpanId: fc.option(fc.oneof(hex(8), fc.constant('0'.repeat(16))), { nil: undefined }),
  name: text,
  kind: fc.integer({ min: 0, max: 6 }),
  start: nanos,
  duration: fc.bigInt({ min: -5n, max: 10n ** 10n }),
  attributes: attributes(spanKey),
  links: fc.array(fc.record({ traceId: fc.oneof(hex(16), hex(3)), spanId: hex(8), attributes: attributes(text) }), { maxLength: 2 }),
  code: fc.integer({ min: 0, max: 2 }),
}).map((s): Json => ({
  traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind,
  startTimeUnixNano: String(s.start), endTimeUnixNano: String(s.start + s.duration < 1n ? 1n : s.start + s.duration),
  attributes: s.attributes, links: s.links, status: { code: s.code },
}));

const request = fc.array(
  fc.record({
    // Service names from a small set: the same resource bytes recur, as they do across a service's requests.
    resource: fc.oneof(
      fc.constantFrom('checkout', 'cart').map((name) => [{ key: 'service.name', value: { stringValue: name } }, { key: 'service.version', value: { stringValue: '1.0' } }]),
      attributes(fc.oneof(fc.constantFrom('service.name', 'service.namespace', 'deployment.environment.name'), text)),
    ),
    scopes: fc.array(fc.array(span, { maxLength: 4 }), { maxLength: 2 }),
  }),
  { maxLength: 3 },
).map((blocks) => ({ resourceSpans: blocks.map((b) => ({ resource: { attributes: b.resource }, scopeSpans: b.scopes.map((spans) => ({ scope: { name: 'x' }, spans })) })) }));

/** Unknown fields of every wire type (VARINT, I64, LEN, SGROUP..EGROUP, I32), numbered past every known field. */
const unknownFields = fc.array(fc.record({ field: fc.integer({ min: 16, max: 536_870_911 }), wire: fc.constantFrom(0, 1, 2, 3, 5), value: fc.nat(), bytes: fc.uint8Array({ maxLength: 9 }) }), { minLength: 1, maxLength: 4 });

function writerOf(fields: Array<{ field: number; wire: number; value: number; bytes: Uint8Array }>): UnknownFieldWriter {
  let next = 0;
  return (w) => {
    const f = fields[next++ % fields.length]!;
    const tag = (n: number, wire: number) => w.uint32(((n << 3) | wire) >>> 0);
    if (f.wire === 0) tag(f.field, 0).uint64(f.value * 1_000_003);
    else if (f.wire === 1) tag(f.field, 1).fixed64(f.value);
    else if (f.wire === 2) tag(f.field, 2).bytes(f.bytes);
    else if (f.wire === 5) tag(f.field, 5).fixed32(f.value);
    else {
      tag(f.field, 3);
      tag(1, 0).uint32(f.value);
      tag(2, 2).bytes(f.bytes);
      tag(f.field, 4);
    }
  };
}

/** Spans with their resource spelled out, so two decodes compare field by field. */
const shown = (d: DecodedTraces) => ({ rejected: d.rejected, spans: d.spans.map(({ resource, ...s }) => ({ ...s, resource: { ...resource } })) });

describe('OTLP/protobuf decoding against the encoder and the JSON decoder', () => {
  it('decodes every request exactly as its JSON form decodes', () => {
    fc.assert(fc.property(request, (req) => {
      expect(shown(decodeProtobufTraces(encodeProtobufTraces(req)))).toEqual(shown(decodeJsonTraces(JSON.stringify(req))));
    }), { numRuns: 400 });
  });

  it('skips unknown fields of every wire type in every message, unread', () => {
    fc.assert(fc.property(request, unknownFields, (req, fields) => {
      expect(shown(decodeProtobufTraces(encodeProtobufTraces(req, writerOf(fields))))).toEqual(shown(decodeJsonTraces(JSON.stringify(req))));
    }), { numRuns: 300 });
  });

  it('gives every span of one resource, in any request, the same ServiceResource, and other resources their own', () => {
    const body = (service: string, version: string) => encodeProtobufTraces({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, { key: 'service.version', value: { stringValue: version } }] },
        scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', kind: 2, startTimeUnixNano: '1763700000000000000', endTimeUnixNano: '1763700000100000000' }] }],
      }],
    });
    const first = decodeProtobufTraces(body('cart', '1.0')).spans[0]!.resource;
    const again = decodeProtobufTraces(body('cart', '1.0')).spans[0]!.resource;
    const other = decodeProtobufTraces(body('cart', '1.1')).spans[0]!.resource;
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(other).toMatchObject({ serviceName: 'cart', version: '1.1' });
    expect(first).toMatchObject({ serviceName: 'cart', version: '1.0' });
  });

  it('reads a KeyValue whose value comes before its key (fields may come in any order)', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork(); // ResourceSpans
    w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).fork().uint32((2 << 3) | 2).fork().uint32((1 << 3) | 2).string('cart').ldelim().uint32((1 << 3) | 2).string('service.name').ldelim().ldelim();
    w.uint32((2 << 3) | 2).fork().uint32((2 << 3) | 2).fork(); // ScopeSpans, Span
    w.uint32((1 << 3) | 2).bytes(Buffer.from('5b8efff798038103d269b633813fc60c', 'hex')).uint32((2 << 3) | 2).bytes(Buffer.from('eee19b7ec3c1b174', 'hex'));
    w.uint32((7 << 3) | 1).fixed64(1_000_000).uint32((8 << 3) | 1).fixed64(2_000_000);
    w.uint32((9 << 3) | 2).fork().uint32((2 << 3) | 2).fork().uint32((1 << 3) | 2).string('/items/:id').ldelim().uint32((1 << 3) | 2).string('http.route').ldelim();
    w.uint32((9 << 3) | 2).fork().uint32((2 << 3) | 2).fork().uint32((1 << 3) | 2).string('Mozilla').ldelim().uint32((1 << 3) | 2).string('user_agent.original').ldelim();
    w.ldelim().ldelim().ldelim();
    const [span] = decodeProtobufTraces(w.finish()).spans;
    expect(span!.resource.serviceName).toBe('cart');
    expect(span!.attributes).toEqual({ 'http.route': '/items/:id' });
  });

  it('decodes more distinct strings than its caches hold, each right', () => {
    const spans = Array.from({ length: 20_000 }, (_, i) => ({
      traceId: (i + 1).toString(16).padStart(32, '0'), spanId: (i + 1).toString(16).padStart(16, '0'), name: `GET /items/${i}`, kind: 2,
      startTimeUnixNano: '1763700000000000000', endTimeUnixNano: '1763700000100000000', attributes: [{ key: 'http.route', value: { stringValue: `/items/${i % 9000}` } }],
    }));
    const req = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] }, scopeSpans: [{ spans }] }] };
    const decoded = decodeProtobufTraces(encodeProtobufTraces(req)).spans;
    expect(decoded.map((s) => [s.name, s.attributes['http.route']])).toEqual(spans.map((s, i) => [s.name, `/items/${i % 9000}`]));
    // The second pass meets strings the first left in the cache, and ones it cleared.
    expect(decodeProtobufTraces(encodeProtobufTraces(req)).spans.map((s) => s.name)).toEqual(spans.map((s) => s.name));
  });

  it('reads int64 varints as protobufjs writes them, and refuses one cut short', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
      const bytes = protobuf.Writer.create().int64(longOf(String(value))).finish();
      const reader = protobuf.Reader.create(Buffer.from(bytes));
      expect(readInt64(reader)).toBe(Number(value));
      expect(reader.pos).toBe(bytes.length);
      const cut = protobuf.Reader.create(Buffer.from(bytes.subarray(0, bytes.length - 1)));
      if (bytes.length > 1) expect(() => readInt64(cut)).toThrow(OtlpDecodeError);
    }), { numRuns: 2000 });
    const eleven = protobuf.Reader.create(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect(() => readInt64(eleven)).toThrow(/invalid varint/);
  });
});
