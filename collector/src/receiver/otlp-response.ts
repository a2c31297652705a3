// OTLP/HTTP response bodies (OTLP specification, "OTLP/HTTP Response"): success carries an
// ExportTraceServiceResponse, optionally with partial_success; failures carry a google.rpc.Status.
// Each is encoded in the request's own format.
import protobuf from 'protobufjs/minimal.js';

export type WireFormat = 'protobuf' | 'json';

export const CONTENT_TYPE: Record<WireFormat, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

export function exportResponse(format: WireFormat, rejectedSpans: number, errorMessage: string): Uint8Array | string {
  if (format === 'json') {
    // proto3 JSON spells int64 as a string.
    return JSON.stringify(rejectedSpans > 0 ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {});
  }
  const writer = protobuf.Writer.create();
  if (rejectedSpans > 0) {
    writer.uint32((1 << 3) | 2).fork(); // partial_success
    writer.uint32((1 << 3) | 0).int64(rejectedSpans); // rejected_spans
    writer.uint32((2 << 3) | 2).string(errorMessage); // error_message
    writer.ldelim();
  }
  return writer.finish();
}

/** google.rpc.Status codes used here. */
export const RPC_CODE = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14, UNIMPLEMENTED: 12 } as const;

export function statusResponse(format: WireFormat, code: number, message: string): Uint8Array | string {
  if (format === 'json') return JSON.stringify({ code, message });
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 0).int32(code);
  writer.uint32((2 << 3) | 2).string(message);
  return writer.finish();
}
