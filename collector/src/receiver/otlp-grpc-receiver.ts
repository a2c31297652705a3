// OTLP/gRPC trace receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export, what the
// Python, .NET and Go SDKs and the OpenTelemetry Collector send by default (port 4317). It feeds
// the same decode and inference path as the HTTP receiver and answers as the OTLP specification
// says for gRPC: partial success for refused spans, INVALID_ARGUMENT for an unreadable message,
// RESOURCE_EXHAUSTED with a RetryInfo when busy (the only form of it exporters retry), UNAVAILABLE
// when Neo4j is away and buffers are full. @grpc/grpc-js does the transport: HTTP/2, gzip, the
// message-size limit (checked after decompression, so a gzip bomb is refused too), UNIMPLEMENTED
// for an unknown method.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import type { Span } from '../model/span.ts';
import { OtlpDecodeError } from '../otlp/decode-error.ts';
import { decodeProtobufTraces } from '../otlp/decode-protobuf.ts';
import { summariseRejections, type ReceiverStats } from './otlp-http-receiver.ts';
import { exportResponse } from './otlp-response.ts';
import { bearerCheck, refusalMessage } from '../auth/bearer-token.ts';

const MAX_CONCURRENT_STREAMS = 128;

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** Why the collector pushes back: busy (retry soon) or unable to store (Neo4j away, buffers full). */
export type PushBack = 'busy' | 'unavailable' | undefined;

export interface OtlpGrpcReceiverOptions {
  maxMessageBytes: number;
  onSpans: (spans: Span[]) => void;
  pushBack?: () => PushBack;
  /** ORRERY_INGEST_TOKEN: when set, calls without `authorization: Bearer <it>` metadata get UNAUTHENTICATED. */
  ingestToken?: string | undefined;
}

const identity = (b: Buffer) => b;
const TRACE_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: TRACE_EXPORT_PATH, requestStream: false, responseStream: false, originalName: 'export',
    // Bytes in and out: the message is decoded by our own decoder, with our own errors.
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  },
};

/**
 * google.rpc.Status carrying one google.rpc.RetryInfo, for the grpc-status-details-bin trailer:
 * OTLP exporters retry RESOURCE_EXHAUSTED only when it is there, after its retry_delay.
 */
export function retryInfoStatus(code: number, message: string, retryDelayS: number): Buffer {
  const retryInfo = protobuf.Writer.create();
  retryInfo.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 0).int64(retryDelayS).ldelim(); // retry_delay: Duration { seconds }
  const status = protobuf.Writer.create();
  status.uint32((1 << 3) | 0).int32(code);
  status.uint32((2 << 3) | 2).string(message);
  status.uint32((3 << 3) | 2).fork(); // details: Any
  status.uint32((1 << 3) | 2).string('type.googleapis.com/google.rpc.RetryInfo');
  status.uint32((2 << 3) | 2).bytes(retryInfo.finish());
  status.ldelim();
  return Buffer.from(status.finish());
}

export function createOtlpGrpcReceiver(options: OtlpGrpcReceiverOptions) {
  const stats: ReceiverStats = { requests: 0, acceptedSpans: 0, rejectedSpans: 0, refused: {}, recentErrors: [] };
  const auth = options.ingestToken ? bearerCheck(options.ingestToken) : undefined;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    // Decoding is synchronous, so calls never overlap in this process: HTTP/2's stream limit is
    // what bounds how many wait per connection.
    'grpc.max_concurrent_streams': MAX_CONCURRENT_STREAMS,
  });

  function refuse(callback: grpc.sendUnaryData<Buffer>, code: grpc.status, message: string, retryDelayS?: number): void {
    const name = grpc.status[code] ?? String(code);
    stats.refused[name] = (stats.refused[name] ?? 0) + 1;
    stats.recentErrors.unshift(`gRPC ${name}: ${message}`);
    stats.recentErrors.length = Math.min(stats.recentErrors.length, 10);
    const metadata = new grpc.Metadata();
    if (retryDelayS !== undefined) metadata.set('grpc-status-details-bin', retryInfoStatus(code, message, retryDelayS));
    callback({ code, details: message, metadata });
  }

  server.addService(TRACE_SERVICE, {
    Export(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      stats.requests++;
      if (auth) {
        const value = call.metadata.get('authorization')[0];
        const verdict = auth.check(typeof value === 'string' ? value : value?.toString('utf8'));
        if (verdict !== 'ok') return refuse(callback, grpc.status.UNAUTHENTICATED, refusalMessage(verdict, 'ORRERY_INGEST_TOKEN'));
      }
      const pushBack = options.pushBack?.();
      if (pushBack === 'unavailable') return refuse(callback, grpc.status.UNAVAILABLE, 'the collector cannot store data right now (Neo4j unreachable and buffers full); retry later');
      if (pushBack === 'busy') return refuse(callback, grpc.status.RESOURCE_EXHAUSTED, 'the collector is writing a backlog; retry later', 5);
      try {
        const decoded = decodeProtobufTraces(call.request);
        if (decoded.spans.length > 0) options.onSpans(decoded.spans);
        stats.acceptedSpans += decoded.spans.length;
        stats.rejectedSpans += decoded.rejected.length;
        callback(null, Buffer.from(exportResponse('protobuf', decoded.rejected.length, summariseRejections(decoded)) as Uint8Array));
      } catch (error) {
        if (error instanceof OtlpDecodeError) return refuse(callback, grpc.status.INVALID_ARGUMENT, error.message);
        refuse(callback, grpc.status.INTERNAL, `internal error: ${(error as Error).message}`);
      }
    },
  });

  return {
    /** Listens on host:port (0 = any free port); resolves with the port bound. */
    listen(host: string, port: number): Promise<number> {
      return new Promise((resolve, reject) => {
        server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
          if (error) {
            reject(/EADDRINUSE|address already in use/i.test(error.message) ? new Error(`OTLP/gRPC port ${host}:${port} is already in use; set ORRERY_OTLP_GRPC_PORT to another port`) : error);
            return;
          }
          resolve(bound);
        });
      });
    },
    /** Stops accepting calls and waits for those in progress (forced after 5 s). */
    close(): Promise<void> {
      return new Promise((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 5000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
    stats: (): ReceiverStats => ({ ...stats, refused: { ...stats.refused }, recentErrors: [...stats.recentErrors] }),
  };
}
