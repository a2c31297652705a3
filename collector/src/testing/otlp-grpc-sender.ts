// An OTLP/gRPC exporter's call, for the bench and tests: one unary TraceService/Export of an
// encoded ExportTraceServiceRequest over @grpc/grpc-js, answering the gRPC status it got.
import * as grpc from '@grpc/grpc-js';
import { TRACE_EXPORT_PATH } from '../receiver/otlp-grpc-receiver.ts';

export interface GrpcAnswer {
  /** grpc.status: 0 OK, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, ... */
  code: number;
  details: string;
  response: Buffer | undefined;
}

export function createOtlpGrpcSender(address: string, options: { gzip?: boolean } = {}) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), options.gzip ? { 'grpc.default_compression_algorithm': 2 } : {});
  const identity = (b: Buffer) => b;
  return {
    send(body: Uint8Array, timeoutMs = 30_000): Promise<GrpcAnswer> {
      return new Promise((resolve) => {
        client.makeUnaryRequest(TRACE_EXPORT_PATH, identity, identity, Buffer.from(body.buffer, body.byteOffset, body.byteLength), new grpc.Metadata(), { deadline: Date.now() + timeoutMs },
          (error, response) => resolve({ code: error?.code ?? 0, details: error?.details ?? '', response }));
      });
    },
    close: () => client.close(),
  };
}
