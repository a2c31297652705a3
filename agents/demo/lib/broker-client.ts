// Client of the demo message broker (orders-broker), instrumented the way messaging client
// libraries are: a PRODUCER span per publish with the trace context injected into the message
// headers, and per delivered message a CONSUMER span that starts a NEW trace linked to the
// producer's context (the semconv default for asynchronous hand-offs). The HTTP transport under
// them is not traced, as with Kafka or AMQP clients.
import { type Link, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { callJson, sleep } from './service.ts';
import { inSpan, markError, tracer, withoutTransportSpans } from './telemetry.ts';

export const MESSAGING_SYSTEM = 'orrery-broker';

export interface Message<T = unknown> {
  id: string;
  topic: string;
  headers: Record<string, string>;
  payload: T;
}

function serverAttributes(brokerUrl: string) {
  const url = new URL(brokerUrl);
  return { 'server.address': url.hostname, 'server.port': Number(url.port) };
}

export async function publish(brokerUrl: string, topic: string, payload: unknown): Promise<string> {
  const id = crypto.randomUUID();
  return inSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': MESSAGING_SYSTEM,
        'messaging.destination.name': topic,
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.operation': 'publish',
        'messaging.message.id': id,
        ...serverAttributes(brokerUrl),
      },
    },
    async () => {
      const headers: Record<string, string> = {};
      // Active context here is the PRODUCER span: the consumer links to exactly this span.
      propagation.inject(context.active(), headers);
      const response = await withoutTransportSpans(() =>
        callJson(brokerUrl, 'POST', `/topics/${encodeURIComponent(topic)}`, { id, headers, payload }, 5000),
      );
      if (response.status >= 300) throw new Error(`broker refused the message: HTTP ${response.status}`);
      return id;
    },
  );
}

export interface ConsumerOptions<T> {
  brokerUrl: string;
  topic: string;
  group: string;
  handle: (message: Message<T>) => Promise<void>;
  /** Long-poll wait per request. */
  waitMs?: number;
}

/** Consumes until stop() is called; each message is handled in its own CONSUMER span. */
export function consume<T>(options: ConsumerOptions<T>): { stop(): void } {
  let stopped = false;
  const waitMs = options.waitMs ?? 20000;
  const path = `/topics/${encodeURIComponent(options.topic)}/messages?group=${encodeURIComponent(options.group)}&waitMs=${waitMs}&max=20`;

  const loop = async () => {
    while (!stopped) {
      let messages: Message<T>[];
      try {
        const response = await withoutTransportSpans(() => callJson<{ messages: Message<T>[] }>(options.brokerUrl, 'GET', path, undefined, waitMs + 5000));
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        messages = response.body.messages;
      } catch {
        // Broker away: back off and poll again; the producer side is what reports the outage.
        await sleep(1000);
        continue;
      }
      for (const message of messages) await processOne(message);
    }
  };

  const processOne = async (message: Message<T>) => {
    const producer = trace.getSpanContext(propagation.extract(context.active(), message.headers));
    const links: Link[] = producer ? [{ context: producer }] : [];
    const span = tracer.startSpan(`process ${options.topic}`, {
      kind: SpanKind.CONSUMER,
      root: true,
      links,
      attributes: {
        'messaging.system': MESSAGING_SYSTEM,
        'messaging.destination.name': options.topic,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.operation': 'process',
        'messaging.consumer.group.name': options.group,
        'messaging.message.id': message.id,
        ...serverAttributes(options.brokerUrl),
      },
    });
    try {
      await context.with(trace.setSpan(context.active(), span), () => options.handle(message));
    } catch (error) {
      markError(span, error);
    } finally {
      span.end();
    }
  };

  void loop();
  return {
    stop() {
      stopped = true;
    },
  };
}
