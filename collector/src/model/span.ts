// The collector's normalised span: what every decoder produces and all inference consumes.
// Wire details (bytes vs hex ids, fixed64 nanoseconds, enum spellings) end at the decoders.

export type SpanKind = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type StatusCode = 'UNSET' | 'OK' | 'ERROR';

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | null;
export type Attributes = Record<string, AttributeValue>;

/** The emitting system, shared by every span of one ResourceSpans block. */
export interface ServiceResource {
  serviceName: string;
  namespace: string | undefined;
  version: string | undefined;
  environment: string | undefined;
  attributes: Attributes;
}

export interface SpanLink {
  /** 32 lower-case hex characters. */
  traceId: string;
  /** 16 lower-case hex characters. */
  spanId: string;
  attributes: Attributes;
}

export interface Span {
  /** 32 lower-case hex characters, never all zero. */
  traceId: string;
  /** 16 lower-case hex characters, never all zero. */
  spanId: string;
  /** Absent on a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKind;
  /** Unix epoch milliseconds with sub-millisecond fraction (double keeps ~0.25 µs here). */
  startTimeUnixMs: number;
  endTimeUnixMs: number;
  status: StatusCode;
  attributes: Attributes;
  links: SpanLink[];
  resource: ServiceResource;
}

/** Why a span was refused at the boundary; counted and reported back through OTLP partial success. */
export interface RejectedSpan {
  reason: string;
}

export interface DecodedTraces {
  spans: Span[];
  rejected: RejectedSpan[];
}
