import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeProtobufTraces } from '../testing/encode-protobuf.ts';
import { OtlpDecodeError } from './decode-error.ts';
import { decodeJsonTraces } from './decode-json.ts';
import { decodeProtobufTraces } from './decode-protobuf.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const request = (spans: unknown[], service = 'svc') => ({
  resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }],
});
const validSpan = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'op', kind: 3, startTimeUnixNano: '1763700000123456789', endTimeUnixNano: '1763700000223456789' };

describe('OTLP decoding', () => {
  it('reads every scenario fixture the same from protobuf as from JSON', () => {
    for (const file of readdirSync(FIXTURES)) {
      const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { requests: Array<Record<string, unknown>> };
      for (const req of fixture.requests) {
        const fromJson = decodeJsonTraces(JSON.stringify(req));
        const fromProto = decodeProtobufTraces(encodeProtobufTraces(req));
        expect(fromProto.rejected).toEqual([]);
        expect(fromProto.spans.map(({ resource, ...s }) => ({ ...s, service: resource.serviceName }))).toEqual(
          fromJson.spans.map(({ resource, ...s }) => ({ ...s, service: resource.serviceName })),
        );
      }
    }
  });

  it('keeps nanosecond timestamps beyond 2^53 to the microsecond', () => {
    const [span] = decodeJsonTraces(JSON.stringify(request([validSpan]))).spans;
    expect(span!.startTimeUnixMs).toBeCloseTo(1763700000123.456789, 3);
    expect(span!.endTimeUnixMs - span!.startTimeUnixMs).toBeCloseTo(100, 3);
    const [fromProto] = decodeProtobufTraces(encodeProtobufTraces(request([validSpan]))).spans;
    expect(fromProto!.startTimeUnixMs).toBeCloseTo(1763700000123.456789, 3);
  });

  it('accepts int64 as number, enum names, snake_case fields and upper-case hex ids', () => {
    const odd = { trace_id: validSpan.traceId.toUpperCase(), span_id: validSpan.spanId, kind: 'SPAN_KIND_SERVER', start_time_unix_nano: 1763700000000000000, endTimeUnixNano: '1763700000000000001', status: { code: 'STATUS_CODE_ERROR' } };
    const { spans, rejected } = decodeJsonTraces(JSON.stringify(request([odd])));
    expect(rejected).toEqual([]);
    expect(spans[0]).toMatchObject({ traceId: validSpan.traceId, kind: 'SERVER', status: 'ERROR' });
  });

  it('reads base64 ids as protobuf JSON mappings write them (Go jsonpb, Tempo and Jaeger test traces)', () => {
    const base64 = { ...validSpan, traceId: Buffer.from(validSpan.traceId, 'hex').toString('base64'), spanId: Buffer.from(validSpan.spanId, 'hex').toString('base64'), parentSpanId: Buffer.from('00f067aa0ba902b7', 'hex').toString('base64') };
    const { spans, rejected } = decodeJsonTraces(JSON.stringify(request([base64])));
    expect(rejected).toEqual([]);
    expect(spans[0]).toMatchObject({ traceId: validSpan.traceId, spanId: validSpan.spanId, parentSpanId: '00f067aa0ba902b7' });
    // Not base64 of the right length: refused by the hex rule.
    expect(decodeJsonTraces(JSON.stringify(request([{ ...validSpan, spanId: 'eee19b7ec3c1' }]))).rejected[0]!.reason).toMatch(/spanId/);
  });

  it('refuses invalid spans with a reason and keeps the valid ones', () => {
    const { spans, rejected } = decodeJsonTraces(
      JSON.stringify(request([validSpan, { ...validSpan, traceId: '0'.repeat(32) }, { ...validSpan, spanId: 'abc' }, { ...validSpan, endTimeUnixNano: '1' }, { ...validSpan, kind: 9 }])),
    );
    expect(spans).toHaveLength(1);
    expect(rejected.map((r) => r.reason)).toEqual([
      'traceId is all zeros, which OTLP reserves as invalid',
      'spanId must be 8 bytes (16 hex characters), got 1.5',
      'endTimeUnixNano is before startTimeUnixNano',
      'kind 9 is not a SpanKind',
    ]);
  });

  it('names the service unknown_service when the resource has none, as the SDKs do', () => {
    const { spans } = decodeJsonTraces(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [validSpan] }] }] }));
    expect(spans[0]!.resource.serviceName).toBe('unknown_service');
  });

  it('throws a decode error naming the problem for unreadable bodies', () => {
    expect(() => decodeJsonTraces('{')).toThrow(OtlpDecodeError);
    expect(() => decodeJsonTraces('[]')).toThrow(/JSON object/);
    expect(() => decodeJsonTraces('{"resourceSpans": 5}')).toThrow(/must be an array/);
    expect(() => decodeProtobufTraces(new Uint8Array([0x0a, 0x05, 0x01]))).toThrow(OtlpDecodeError);
  });
});
