// Hand-made spans for what no auto-instrumentation covers here (SQLite, the broker, the AI call,
// the human step), written the way a client library's instrumentation would write them. Only
// @opentelemetry/api: the SDK itself comes from register.ts.
import {
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  context,
  createContextKey,
  trace,
} from '@opentelemetry/api';

export const tracer = trace.getTracer('orrery-demo', '1.0.0');

/**
 * The key @opentelemetry/core uses for suppressTracing(); context keys are `Symbol.for(name)`,
 * so this is the same key without depending on core. Used so that a library-level span (a
 * PRODUCER, a gen_ai CLIENT) is not doubled by the HTTP CLIENT span of its transport, as the
 * messaging and AI client instrumentations do.
 */
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

export function withoutTransportSpans<T>(fn: () => Promise<T>): Promise<T> {
  return context.with(context.active().setValue(SUPPRESS_TRACING_KEY, true), fn);
}

/** Marks a span failed the semconv way: status ERROR, error.type, and the exception event. */
export function markError(span: Span, error: unknown, errorType?: string): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  span.setAttribute('error.type', errorType ?? (err.name === 'Error' ? 'error' : err.name));
}

/** Runs fn inside an active span that ends when fn settles; a throw marks it failed and is rethrown. */
export async function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  const span = tracer.startSpan(name, options, parent ?? context.active());
  try {
    return await context.with(trace.setSpan(parent ?? context.active(), span), () => fn(span));
  } catch (error) {
    markError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function setAttributes(span: Span, attributes: Attributes): void {
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) span.setAttribute(key, value);
}
