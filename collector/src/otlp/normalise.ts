// Turns the pieces both decoders read into the collector's Span, validating on the way.
// One place decides what a valid span is, so protobuf and JSON accept and refuse the same input.
import type { Attributes, ServiceResource, Span, SpanKind, SpanLink, StatusCode } from '../model/span.ts';
import { readString } from '../inference/semconv.ts';
import { invalidHexIdReason, invalidIdReason } from './ids.ts';

const SPAN_KINDS: readonly SpanKind[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: readonly StatusCode[] = ['UNSET', 'OK', 'ERROR'];

export function spanKindFromWire(value: number | string | undefined): SpanKind | undefined {
  if (value === undefined) return 'UNSPECIFIED';
  if (typeof value === 'number') return SPAN_KINDS[value];
  const name = value.startsWith('SPAN_KIND_') ? value.slice('SPAN_KIND_'.length) : value;
  return SPAN_KINDS.includes(name as SpanKind) ? (name as SpanKind) : undefined;
}

export function statusFromWire(value: number | string | undefined): StatusCode {
  if (value === undefined) return 'UNSET';
  if (typeof value === 'number') return STATUS_CODES[value] ?? 'UNSET';
  const name = value.startsWith('STATUS_CODE_') ? value.slice('STATUS_CODE_'.length) : value;
  return STATUS_CODES.includes(name as StatusCode) ? (name as StatusCode) : 'UNSET';
}

export function serviceResourceFrom(attributes: Attributes): ServiceResource {
  return {
    // The SDK default when a service is unnamed (OTel resource semantic conventions).
    serviceName: readString(attributes, 'serviceName') ?? 'unknown_service',
    namespace: readString(attributes, 'serviceNamespace'),
    version: readString(attributes, 'serviceVersion'),
    environment: readString(attributes, 'deploymentEnvironment'),
    attributes,
  };
}

export interface RawSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number | string | undefined;
  startTimeUnixMs: number;
  endTimeUnixMs: number;
  status: StatusCode;
  attributes: Attributes;
  links: SpanLink[];
}

/**
 * A valid Span, or the reason this one is refused. The Span takes `raw`'s attributes and links
 * arrays, not copies (a decoder may reuse `raw` itself for the next span). `hexIds`: the ids were
 * made by a hex encoder from bytes (protobuf), so only their length and all-zero rule need checking.
 */
export function normaliseSpan(raw: RawSpan, resource: ServiceResource, hexIds = false): Span | string {
  const idReason = hexIds ? invalidHexIdReason : invalidIdReason;
  const badId = idReason(raw.traceId, 16, 'traceId') ?? idReason(raw.spanId, 8, 'spanId');
  if (badId) return badId;
  let parentSpanId: string | undefined;
  // An empty or all-zero parent means "root span" in the wild, though only empty is canonical.
  if (raw.parentSpanId !== '' && raw.parentSpanId !== '0000000000000000') {
    const badParent = idReason(raw.parentSpanId, 8, 'parentSpanId');
    if (badParent) return badParent;
    parentSpanId = raw.parentSpanId;
  }
  const kind = spanKindFromWire(raw.kind);
  if (!kind) return `kind ${String(raw.kind)} is not a SpanKind`;
  if (!(raw.startTimeUnixMs > 0)) return 'startTimeUnixNano is missing or zero';
  if (!(raw.endTimeUnixMs >= raw.startTimeUnixMs)) return 'endTimeUnixNano is before startTimeUnixNano';
  // A link to an invalid context carries no usable reference; the span itself stays valid.
  let links = raw.links;
  if (links.length > 0) {
    const invalidLink = (link: SpanLink) => idReason(link.traceId, 16, 'link.traceId') !== undefined || idReason(link.spanId, 8, 'link.spanId') !== undefined;
    if (links.some(invalidLink)) links = links.filter((link) => !invalidLink(link));
  }
  return {
    traceId: raw.traceId,
    spanId: raw.spanId,
    parentSpanId,
    name: raw.name,
    kind,
    startTimeUnixMs: raw.startTimeUnixMs,
    endTimeUnixMs: raw.endTimeUnixMs,
    status: raw.status,
    attributes: raw.attributes,
    links,
    resource,
  };
}
