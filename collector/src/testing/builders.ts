// Small builders for tests: spans and OTLP/JSON requests with only what a scenario needs stated.
import type { Attributes, ServiceResource, Span, SpanKind, StatusCode } from '../model/span.ts';
import { serviceResourceFrom } from '../otlp/normalise.ts';

let nextId = 1;
export const spanId = (): string => (nextId++).toString(16).padStart(16, '0');
export const traceId = (): string => (nextId++).toString(16).padStart(32, 'a');

const resources = new Map<string, ServiceResource>();
export function resource(serviceName: string, extra: Attributes = {}): ServiceResource {
  const key = serviceName + JSON.stringify(extra);
  let r = resources.get(key);
  if (!r) {
    r = serviceResourceFrom({ 'service.name': serviceName, ...extra });
    resources.set(key, r);
  }
  return r;
}

export interface SpanSpec {
  service: string;
  kind: SpanKind;
  traceId: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  startMs?: number;
  durationMs?: number;
  status?: StatusCode;
  attributes?: Attributes;
  links?: Array<{ traceId: string; spanId: string }>;
}

export function span(spec: SpanSpec): Span {
  const start = spec.startMs ?? 1_700_000_000_000;
  return {
    traceId: spec.traceId,
    spanId: spec.spanId ?? spanId(),
    parentSpanId: spec.parentSpanId,
    name: spec.name ?? `${spec.kind.toLowerCase()} span`,
    kind: spec.kind,
    startTimeUnixMs: start,
    endTimeUnixMs: start + (spec.durationMs ?? 10),
    status: spec.status ?? 'UNSET',
    attributes: spec.attributes ?? {},
    links: (spec.links ?? []).map((l) => ({ ...l, attributes: {} })),
    resource: resource(spec.service),
  };
}

/** A manual clock for stores and inference. */
export function manualClock(startMs = 0) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}
