// The OTLP/gRPC receiver on a real HTTP/2 port, called by @grpc/grpc-js's own client as an SDK's
// exporter would: the status codes the OTLP specification names, and the receiver serving on.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { connect } from 'node:http2';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Span } from '../model/span.ts';
import { encodeProtobufTraces } from '../testing/encode-protobuf.ts';
import { createOtlpGrpcReceiver, TRACE_EXPORT_PATH, type OtlpGrpcReceiverOptions, type PushBack } from './otlp-grpc-receiver.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(options: Partial<OtlpGrpcReceiverOptions> = {}) {
  const received: Span[] = [];
  const receiver = createOtlpGrpcReceiver({ maxMessageBytes: 1024 * 1024, onSpans: (spans) => received.push(...spans), ...options });
  const port = await receiver.listen('127.0.0.1', 0);
  cleanup.push(() => receiver.close());
  return { receiver, received, address: `127.0.0.1:${port}` };
}

type Answer = { error: grpc.ServiceError | null; response?: Buffer };

function call(address: string, body: Buffer, options: { path?: string; gzip?: boolean } = {}): Promise<Answer> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), options.gzip ? { 'grpc.default_compression_algorithm': 2 } : {});
  cleanup.push(() => client.close());
  return new Promise((resolve) => {
    client.makeUnaryRequest(options.path ?? TRACE_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, body, new grpc.Metadata(), { deadline: Date.now() + 10_000 },
      (error, response) => resolve({ error: error ?? null, response }));
  });
}

const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
function traces(spans: Array<{ name: string; startMs?: number }>): Buffer {
  const now = Date.now();
  return Buffer.from(encodeProtobufTraces({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeSpans: [{ spans: spans.map((s, i) => ({
        traceId: '0af7651916cd43dd8448eb211c80319c', spanId: `b7ad6b71692033${String(10 + i)}`, name: s.name, kind: 3,
        startTimeUnixNano: ns(s.startMs ?? now), endTimeUnixNano: ns(now + 5),
        attributes: [{ key: 'peer.service', value: { stringValue: 'payments' } }],
      })) }],
    }],
  }));
}

/** rejected_spans and error_message of an ExportTraceServiceResponse. */
function partialSuccess(response: Buffer): { rejected: number; message: string } {
  const reader = protobuf.Reader.create(response);
  let rejected = 0;
  let message = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1) { reader.skipType(tag & 7); continue; }
    const end = reader.uint32() + reader.pos;
    while (reader.pos < end) {
      const inner = reader.uint32();
      if (inner >>> 3 === 1) rejected = Number(reader.int64());
      else if (inner >>> 3 === 2) message = reader.string();
      else reader.skipType(inner & 7);
    }
  }
  return { rejected, message };
}

/** The retry delay, s, of the RetryInfo in a grpc-status-details-bin trailer. */
function retryDelayS(error: grpc.ServiceError): number | undefined {
  const [details] = error.metadata.get('grpc-status-details-bin') as Buffer[];
  if (!details) return undefined;
  const status = protobuf.Reader.create(details);
  while (status.pos < status.len) {
    const tag = status.uint32();
    if (tag >>> 3 !== 3) { status.skipType(tag & 7); continue; }
    const any = protobuf.Reader.create(status.bytes());
    let typeUrl = '';
    let value: Uint8Array = new Uint8Array();
    while (any.pos < any.len) {
      const t = any.uint32();
      if (t >>> 3 === 1) typeUrl = any.string();
      else if (t >>> 3 === 2) value = any.bytes();
      else any.skipType(t & 7);
    }
    if (typeUrl !== 'type.googleapis.com/google.rpc.RetryInfo') continue;
    const info = protobuf.Reader.create(value);
    info.uint32(); // retry_delay
    const duration = protobuf.Reader.create(info.bytes());
    duration.uint32(); // seconds
    return Number(duration.int64());
  }
  return undefined;
}

describe('OTLP/gRPC receiver', () => {
  it('takes an export, plain and gzip-compressed, and hands its spans to inference', async () => {
    const { address, received, receiver } = await start();
    const plain = await call(address, traces([{ name: 'GET /pay' }]));
    expect(plain.error).toBeNull();
    expect(partialSuccess(plain.response!)).toEqual({ rejected: 0, message: '' });
    const gzipped = await call(address, traces([{ name: 'GET /refund' }]), { gzip: true });
    expect(gzipped.error).toBeNull();
    expect(received.map((s) => [s.resource.serviceName, s.name])).toEqual([['checkout', 'GET /pay'], ['checkout', 'GET /refund']]);
    expect(receiver.stats()).toMatchObject({ requests: 2, acceptedSpans: 2, rejectedSpans: 0 });
  });

  it('answers partial success naming why spans were refused, and keeps the rest', async () => {
    const { address, received } = await start();
    const answer = await call(address, traces([{ name: 'good' }, { name: 'no start time', startMs: 0 }]));
    expect(answer.error).toBeNull();
    expect(partialSuccess(answer.response!)).toEqual({ rejected: 1, message: '1 span(s): startTimeUnixNano is missing or zero' });
    expect(received.map((s) => s.name)).toEqual(['good']);
  });

  it('answers INVALID_ARGUMENT for a message that is not protobuf, and serves on', async () => {
    const { address, receiver } = await start();
    const answer = await call(address, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(answer.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(answer.error?.details).toMatch(/./);
    expect((await call(address, traces([{ name: 'after' }]))).error).toBeNull();
    expect(receiver.stats().refused).toEqual({ INVALID_ARGUMENT: 1 });
  });

  it('refuses a message over the size limit, and a gzip bomb that would inflate past it, with RESOURCE_EXHAUSTED', async () => {
    const { address, received } = await start({ maxMessageBytes: 64 * 1024 });
    const oversized = await call(address, Buffer.concat([traces([{ name: 'x'.repeat(100 * 1024) }])]));
    expect(oversized.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // 64 MB of zeros is 64 KB gzipped: under the limit on the wire, far over it inflated. Framed by
    // hand over HTTP/2 (compressed flag set), as a hostile client would send it.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const frame = Buffer.alloc(5);
    frame[0] = 1;
    frame.writeUInt32BE(bomb.length, 1);
    const session = connect(`http://${address}`);
    cleanup.push(() => { session.close(); });
    const stream = session.request({ ':method': 'POST', ':path': TRACE_EXPORT_PATH, 'content-type': 'application/grpc', 'grpc-encoding': 'gzip', te: 'trailers' });
    const grpcStatus = new Promise<string | undefined>((resolve) => {
      let status: string | undefined;
      stream.on('response', (headers) => { status ??= headers['grpc-status'] as string | undefined; });
      stream.on('trailers', (trailers) => { status = trailers['grpc-status'] as string | undefined; });
      stream.on('close', () => resolve(status));
      stream.resume();
    });
    stream.end(Buffer.concat([frame, bomb]));
    const inflated = { error: { code: Number(await grpcStatus) } };
    expect(inflated.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(received).toEqual([]);
    expect((await call(address, traces([{ name: 'after' }]))).error).toBeNull();
  });

  it('answers UNIMPLEMENTED for a method it does not serve', async () => {
    const { address } = await start();
    const answer = await call(address, Buffer.alloc(0), { path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export' });
    expect(answer.error?.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it('pushes back as the specification says: RESOURCE_EXHAUSTED with RetryInfo when busy, UNAVAILABLE when it cannot store', async () => {
    let pushBack: PushBack = 'busy';
    const { address, received, receiver } = await start({ pushBack: () => pushBack });
    const busy = await call(address, traces([{ name: 'a' }]));
    expect(busy.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(retryDelayS(busy.error!)).toBe(5);
    pushBack = 'unavailable';
    const away = await call(address, traces([{ name: 'b' }]));
    expect(away.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(away.error?.details).toMatch(/Neo4j unreachable/);
    pushBack = undefined;
    expect((await call(address, traces([{ name: 'c' }]))).error).toBeNull();
    expect(received.map((s) => s.name)).toEqual(['c']);
    expect(receiver.stats().refused).toEqual({ RESOURCE_EXHAUSTED: 1, UNAVAILABLE: 1 });
  });
});
