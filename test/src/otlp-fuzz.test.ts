// Bad input through the real OTLP/HTTP receiver (issue 13, "Bad input, measured"): 800
// fuzzed requests, mutated protobuf and JSON bodies of the real fixtures, random bytes, wrong
// content types and encodings, broken gzip, lying Content-Length. Every answer is a 200 (with
// partial success when spans were refused) or a 4xx whose google.rpc.Status body says why, never a
// 5xx; afterwards the receiver still takes a valid export, and its spans become an edge.
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeProtobufTraces } from '../../collector/src/testing/encode-protobuf.ts';
import type { Platform } from '../../tools/platform.ts';
import { eventually, startTestPlatform } from './support/platform.ts';

type Json = Record<string, unknown>;

const FIXTURES = join(import.meta.dirname, '../../collector/fixtures');
const requests: Json[] = readdirSync(FIXTURES).flatMap((file) => (JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { requests: Json[] }).requests);
const encoded = requests.map((r) => encodeProtobufTraces(r));
const texts = requests.map((r) => JSON.stringify(r));

let platform: Platform;

beforeAll(async () => {
  // A small body limit, so 413 is among the answers too.
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_MAX_BODY_BYTES: '65536' });
});
afterAll(async () => platform?.stop());

interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** A raw HTTP request, so Content-Length and Content-Encoding can lie. */
function post(body: Buffer, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(platform.otlpUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // A declared length longer than the body: the server may answer early or the socket may close.
    req.on('error', (error) => resolve({ status: -1, contentType: '', body: Buffer.from(error.message) }));
    req.end(body);
  });
}

/** google.rpc.Status { int32 code = 1; string message = 2; } */
function statusMessage(answer: Answer): string {
  if (answer.contentType.startsWith('application/json')) return String((JSON.parse(answer.body.toString()) as { message?: unknown }).message ?? '');
  const reader = protobuf.Reader.create(answer.body);
  let message = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 2) message = reader.string();
    else reader.skipType(tag & 7);
  }
  return message;
}

function flipBytes(body: Uint8Array, edits: ReadonlyArray<{ at: number; value: number; cut: boolean }>): Buffer {
  let bytes = Buffer.from(body);
  for (const e of edits) {
    if (bytes.length === 0) break;
    const at = e.at % bytes.length;
    if (e.cut) bytes = bytes.subarray(0, at);
    else bytes[at] = e.value;
  }
  return Buffer.from(bytes);
}

const edits = fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), cut: fc.boolean() }), { minLength: 1, maxLength: 4 });
const fixture = fc.integer({ min: 0, max: requests.length - 1 });

/** One fuzzed export: the body and headers an exporter (or an attacker) might send. */
const exportRequest: fc.Arbitrary<{ body: Buffer; headers: Record<string, string> }> = fc.oneof<fc.Arbitrary<{ body: Buffer; headers: Record<string, string> }>[]>(
  fc.tuple(fixture, edits).map(([i, e]) => ({ body: flipBytes(encoded[i]!, e), headers: { 'content-type': 'application/x-protobuf' } })),
  fc.tuple(fixture, edits).map(([i, e]) => ({ body: flipBytes(Buffer.from(texts[i]!), e), headers: { 'content-type': 'application/json' } })),
  fc.tuple(fixture, edits).map(([i, e]) => ({ body: flipBytes(gzipSync(encoded[i]!), e), headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' } })),
  fc.tuple(fixture, fc.constantFrom('deflate', 'gzip', 'br', 'zstd', 'GZIP', 'identity, gzip')).map(([i, enc]) => ({ body: Buffer.from(texts[i]!), headers: { 'content-type': 'application/json', 'content-encoding': enc } })),
  fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('application/x-protobuf', 'application/json', 'application/protobuf', 'text/plain', 'application/json; charset=latin1', '', 'multipart/form-data; boundary=x')).map(([b, ct]) => {
    const headers: Record<string, string> = ct ? { 'content-type': ct } : {};
    return { body: Buffer.from(b), headers };
  }),
  // A body past the 64 KiB limit, declared honestly or as gzip that inflates past it.
  fc.constantFrom<{ body: Buffer; headers: Record<string, string> }>(
    { body: Buffer.alloc(70_000, 0x0a), headers: { 'content-type': 'application/x-protobuf' } },
    { body: gzipSync(Buffer.alloc(5_000_000, 0x20)), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
  ),
);

const counts = new Map<number, number>();

describe('the OTLP/HTTP receiver under fuzzed requests', () => {
  it('answers every request 200 or 4xx with a reason, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(exportRequest, async ({ body, headers }) => {
        const answer = await post(body, headers);
        counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
        expect(answer.status === 200 || (answer.status >= 400 && answer.status < 500), `status ${answer.status}: ${answer.body.toString().slice(0, 200)}`).toBe(true);
        if (answer.status !== 200) expect(statusMessage(answer).length).toBeGreaterThan(10);
      }),
      { numRuns: 800 },
    );
    process.stderr.write(`[otlp-fuzz] answers by status: ${JSON.stringify(Object.fromEntries([...counts].sort()))}\n`);
    // The fuzzing reached every kind of answer, not only the first check.
    for (const status of [200, 400, 413, 415]) expect(counts.get(status) ?? 0, `answers ${JSON.stringify([...counts])}`).toBeGreaterThan(0);
    const stats = platform.collector.stats().receiver;
    expect(stats.refused['500'] ?? 0).toBe(0);
  });

  it('still takes a valid export afterwards, and its spans make the edge', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const body = (service: string, spans: unknown[]) => ({ resourceSpans: [{ resource: { attributes: [attr('service.name', service)] }, scopeSpans: [{ spans }] }] });
    const trace = 'fa11afa11afa11afa11afa11afa11afa';
    const client = { traceId: trace, spanId: 'fa11afa11afa11a1', name: 'GET', kind: 3, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 5_000_000n), attributes: [attr('http.request.method', 'GET')] };
    const server = { traceId: trace, spanId: 'fa11afa11afa11a2', parentSpanId: client.spanId, name: 'GET /x', kind: 2, startTimeUnixNano: String(now + 1_000_000n), endTimeUnixNano: String(now + 4_000_000n), attributes: [attr('http.route', '/x')] };
    for (const [service, span] of [['fuzz-after-caller', client], ['fuzz-after-callee', server]] as const) {
      const answer = await post(Buffer.from(encodeProtobufTraces(body(service, [span]))), { 'content-type': 'application/x-protobuf' });
      expect(answer.status).toBe(200);
    }
    await eventually(async () => {
      const edge = [...platform.collector.readModel.allEdges()].find((e) => e.from === 'fuzz-after-caller' && e.to === 'fuzz-after-callee');
      expect(edge?.calls).toBe(1);
    });
  });
});
