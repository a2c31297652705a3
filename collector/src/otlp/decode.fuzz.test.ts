// Property-based fuzzing of the OTLP decoders (issue 13, "Bad input, measured"): thousands of
// generated bodies and of mutations of the real scenario fixtures (as JSON text, as JSON values,
// and as the protobuf encoding of them) must each end in one of two ways: decoded spans that hold
// the Span invariants the inference relies on, or an OtlpDecodeError whose message is a reason
// (never a TypeError or RangeError from inside the decoder, wrapped or not).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodedTraces } from '../model/span.ts';
import { encodeProtobufTraces } from '../testing/encode-protobuf.ts';
import { OtlpDecodeError } from './decode-error.ts';
import { decodeJsonTraces } from './decode-json.ts';
import { decodeProtobufTraces } from './decode-protobuf.ts';

type Json = Record<string, unknown>;

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const requests: Json[] = readdirSync(FIXTURES).flatMap((file) => (JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { requests: Json[] }).requests);
const jsonTexts = requests.map((r) => JSON.stringify(r));
const encoded = requests.map((r) => encodeProtobufTraces(r));

/** What a JavaScript engine says when code goes wrong, as opposed to a reason about the input. */
const ENGINE_ERROR = /Cannot read prop|is not a function|is not iterable|undefined is not|null is not|Maximum call stack|Invalid array length|Cannot convert|is not defined/;

const SPAN_KINDS = new Set(['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']);

/** The body decoded to spans the inference can trust, or was refused with a typed, worded reason. */
function checkOutcome(decode: () => DecodedTraces): 'decoded' | 'refused' {
  let decoded: DecodedTraces;
  try {
    decoded = decode();
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw new Error(`decoder crashed instead of refusing: ${(error as Error)?.stack ?? String(error)}`);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message).not.toMatch(ENGINE_ERROR);
    return 'refused';
  }
  for (const span of decoded.spans) {
    const shown = () => JSON.stringify({ ...span, resource: span.resource.serviceName });
    if (!Number.isFinite(span.startTimeUnixMs) || !Number.isFinite(span.endTimeUnixMs) || typeof span.name !== 'string' || !SPAN_KINDS.has(span.kind)) {
      throw new Error(`decoded a span the inference cannot trust: ${shown()}`);
    }
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    if (span.parentSpanId !== undefined) expect(span.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof span.resource.serviceName).toBe('string');
    for (const link of span.links) expect(link.spanId).toMatch(/^[0-9a-f]{16}$/);
  }
  for (const r of decoded.rejected) {
    expect(r.reason.length).toBeGreaterThan(0);
    expect(r.reason).not.toMatch(ENGINE_ERROR);
  }
  return 'decoded';
}

// ---- byte-level mutations of a protobuf body ----

type ByteMutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'varint'; at: number; value: number };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x0a, 0x12, 0x1a, 0x7f, 0x80, 0xff) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  // A length prefix or tag overwritten with a huge or odd varint: the classic way to read past the end.
  fc.record({ op: fc.constant('varint' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(0, 1, 127, 128, 0x7fffffff, 0xffffffff), fc.nat()) }),
);

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function mutateBytes(body: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  let bytes = Array.from(body);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
    switch (m.op) {
      case 'flip':
        if (at < bytes.length) bytes[at]! ^= 1 << m.bit;
        break;
      case 'set':
        if (at < bytes.length) bytes[at] = m.value;
        break;
      case 'insert':
        bytes.splice(at, 0, ...m.bytes);
        break;
      case 'delete':
        bytes.splice(at, m.length);
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'varint':
        bytes.splice(at, Math.min(varint(m.value).length, bytes.length - at), ...varint(m.value));
        break;
    }
  }
  return Uint8Array.from(bytes);
}

// ---- mutations of a JSON value: a field replaced by anything, removed, or an array emptied ----

interface ValueMutation {
  /** Chooses the node among all nodes (modulo their number). */
  pick: number;
  action: 'replace' | 'remove' | 'duplicate';
  value: unknown;
}

const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, '', '0', '-1', 'NaN', '1e400', '18446744073709551616', 'zz', 'SPAN_KIND_BOGUS', [], {}, true, -1, 1.5, 2 ** 64, '00000000000000000000000000000000'),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[0-9a-fA-F]{0,34}$/),
);

const valueMutation: fc.Arbitrary<ValueMutation> = fc.record({ pick: fc.nat(), action: fc.constantFrom('replace' as const, 'remove' as const, 'duplicate' as const), value: jsonValue });

function mutateValue(root: Json, mutation: ValueMutation): Json {
  const copy = structuredClone(root);
  const slots: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((child, i) => (slots.push({ parent: node, key: i }), walk(child)));
    else if (node && typeof node === 'object') for (const [k, child] of Object.entries(node)) slots.push({ parent: node as Record<string, unknown>, key: k }), walk(child);
  };
  walk(copy);
  if (slots.length === 0) return copy;
  const { parent, key } = slots[mutation.pick % slots.length]!;
  if (mutation.action === 'replace') (parent as Record<string | number, unknown>)[key] = mutation.value;
  else if (mutation.action === 'remove') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
  return copy;
}

// ---- character-level mutations of JSON text ----

const textMutation = fc.record({
  at: fc.nat(),
  remove: fc.integer({ min: 0, max: 8 }),
  insert: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\\u0000', '\ud800', '-', '1e999', 'null')),
});

function mutateText(text: string, mutations: ReadonlyArray<{ at: number; remove: number; insert: string }>): string {
  let out = text;
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    out = out.slice(0, at) + m.insert + out.slice(at + m.remove);
  }
  return out;
}

const fixtureIndex = fc.integer({ min: 0, max: requests.length - 1 });

// About 21,000 inputs, ~7 s on an idle 2-core machine; the timeout leaves room for a loaded one.
describe('OTLP decoders under fuzzing', { timeout: 60_000 }, () => {
  it('JSON: a status code that is null reads UNSET; an object, array or boolean refuses the span (found by this fuzzing: a TypeError, so a 500)', () => {
    const withCode = (code: unknown) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', kind: 2, startTimeUnixNano: '1763700000000000000', endTimeUnixNano: '1763700000100000000', status: { code } }] }] }] });
    expect(decodeJsonTraces(withCode(null)).spans[0]!.status).toBe('UNSET');
    for (const code of [{}, [], true]) expect(decodeJsonTraces(withCode(code)).rejected).toEqual([{ reason: 'status.code must be an integer or a StatusCode name' }]);
  });

  it('protobuf: random bytes are refused with a reason or decode, never crash', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => void checkOutcome(() => decodeProtobufTraces(bytes))), { numRuns: 3000 });
  });

  it('protobuf: mutated encodings of every real fixture are refused with a reason or decode, never crash', () => {
    const seen = { decoded: 0, refused: 0 };
    fc.assert(
      fc.property(fixtureIndex, fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (i, mutations) => {
        seen[checkOutcome(() => decodeProtobufTraces(mutateBytes(encoded[i]!, mutations)))]++;
      }),
      { numRuns: 4000 },
    );
    // Both ways out are exercised: the fuzzing reaches past the first byte.
    expect(seen.decoded).toBeGreaterThan(100);
    expect(seen.refused).toBeGreaterThan(100);
  });

  it('protobuf: fixtures whose JSON values were mutated, then encoded, decode or are refused', () => {
    fc.assert(
      fc.property(fixtureIndex, valueMutation, (i, mutation) => {
        let body: Uint8Array;
        try {
          body = encodeProtobufTraces(mutateValue(requests[i]!, mutation));
        } catch {
          return; // the test encoder only encodes what fits the schema
        }
        checkOutcome(() => decodeProtobufTraces(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('JSON: arbitrary JSON and arbitrary text are refused with a reason or decode, never crash', () => {
    fc.assert(fc.property(fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 200 })), (text) => void checkOutcome(() => decodeJsonTraces(text))), { numRuns: 3000 });
  });

  it('JSON: OTLP-shaped values with fields of every wrong type decode or are refused', () => {
    const span = fc.record({
      traceId: jsonValue, spanId: jsonValue, parentSpanId: jsonValue, name: jsonValue, kind: jsonValue,
      startTimeUnixNano: jsonValue, endTimeUnixNano: jsonValue, status: fc.oneof(jsonValue, fc.record({ code: jsonValue })),
      attributes: fc.oneof(jsonValue, fc.array(fc.record({ key: jsonValue, value: fc.oneof(jsonValue, fc.record({ stringValue: jsonValue }), fc.record({ arrayValue: fc.record({ values: jsonValue }) })) }), { maxLength: 4 })),
      links: fc.oneof(jsonValue, fc.array(fc.record({ traceId: jsonValue, spanId: jsonValue }), { maxLength: 3 })),
    }, { requiredKeys: [] });
    const body = fc.record({
      resourceSpans: fc.oneof(jsonValue, fc.array(fc.record({
        resource: fc.oneof(jsonValue, fc.record({ attributes: fc.oneof(jsonValue, fc.array(fc.record({ key: jsonValue, value: fc.oneof(jsonValue, fc.record({ stringValue: jsonValue })) }), { maxLength: 3 })) })),
        scopeSpans: fc.oneof(jsonValue, fc.array(fc.record({ spans: fc.oneof(jsonValue, fc.array(span, { maxLength: 4 })) }, { requiredKeys: [] }), { maxLength: 3 })),
      }, { requiredKeys: [] }), { maxLength: 3 })),
    }, { requiredKeys: [] });
    fc.assert(fc.property(body, (value) => void checkOutcome(() => decodeJsonTraces(JSON.stringify(value)))), { numRuns: 3000 });
  });

  it('JSON: mutated fixtures (values and text) decode or are refused, never crash', () => {
    fc.assert(
      fc.property(fixtureIndex, fc.array(valueMutation, { minLength: 1, maxLength: 3 }), (i, mutations) => {
        const value = mutations.reduce((v, m) => mutateValue(v, m), requests[i]!);
        checkOutcome(() => decodeJsonTraces(JSON.stringify(value)));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fixtureIndex, fc.array(textMutation, { minLength: 1, maxLength: 4 }), (i, mutations) => void checkOutcome(() => decodeJsonTraces(mutateText(jsonTexts[i]!, mutations)))),
      { numRuns: 3000 },
    );
  });
});
