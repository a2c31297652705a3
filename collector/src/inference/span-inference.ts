// Where spans become interactions. Each span is classified once (classify-span.ts); one-sided
// spans (databases, AI providers, human steps, publish/consume) yield an interaction at once,
// while the halves of a synchronous call and of an asynchronous handoff wait in pairing stores
// until their partner arrives — from any request, any service, in any order — or expire.
//
// Pairing rules (DESIGN.md §2.3):
//  - CLIENT span + the SERVER span whose parent it is          -> SYNC caller -> callee
//  - CLIENT span that expires unpaired                         -> SYNC caller -> virtual peer
//  - PRODUCER span + CONSUMER that links to it or is its child -> ASYNC producer -> consumer
// Every span that yields no edge is counted under a named reason in stats().
//
// A waiting half keeps only what its interaction needs (ids, service, times, status and what
// classification said), never the span's attribute maps: halves outlive young-generation GC,
// and keeping them small is most of the collector's memory at high span rates.
import type { Span } from '../model/span.ts';
import type { ComponentRef, ComponentSighting, Interaction } from '../model/interaction.ts';
import { classifySpan } from './classify-span.ts';
import { createPairingStore, type PairingStoreStats } from './pairing-store.ts';
import { createRecentIds, spanIdentity } from './recent-ids.ts';
import { createWorkflowTracker, type WorkflowRun } from './workflow-tracker.ts';

export interface SpanInferenceOptions {
  /** How long a half waits for its partner (ORRERY_PAIRING_TIMEOUT_MS). */
  pairingTimeoutMs: number;
  /** Bound on waiting halves per store; beyond it new halves are refused and counted. */
  maxPendingSpans: number;
  clock: () => number;
  onInteraction: (interaction: Interaction) => void;
  onComponent: (sighting: ComponentSighting) => void;
  /** A published message no consumer was seen to take within the pairing timeout. */
  onUnconsumedMessage?: (publish: Interaction) => void;
  /** A workflow run (trace from an entry point) whose window closed: how it ended. */
  onWorkflowRun?: (run: WorkflowRun) => void;
}

export interface SpanInferenceStats {
  spans: number;
  duplicateSpans: number;
  syncPaired: number;
  asyncPaired: number;
  oneSided: number;
  /** CLIENT spans whose callee never reported: became an edge to a virtual component. */
  clientsToVirtualPeers: number;
  /** CLIENT spans that were the transport of a database/AI/messaging call already counted. */
  clientsFoldedIntoParent: number;
  /** SERVER spans with a parent whose CLIENT half never arrived (uninstrumented caller). */
  serversWithoutClient: number;
  /** Consumer spans none of whose references (links, parent) ever met a producer. */
  consumersWithoutProducer: number;
  /** Published messages that no consumer took within the timeout. */
  unconsumedMessages: number;
  /** Consumer spans without a destination name: no CONSUME edge can be named. */
  consumersWithoutDestination: number;
  stores: Record<'clients' | 'servers' | 'producers' | 'consumers', PairingStoreStats>;
  workflows: { pendingTraces: number; droppedTraces: number; tracesWithoutRoot: number };
}

/** What a waiting half keeps of its span. */
interface Half {
  traceId: string;
  parentSpanId: string | undefined;
  service: string;
  startTimeUnixMs: number;
  endTimeUnixMs: number;
  error: boolean;
}

interface ClientHalf extends Half {
  peer: ComponentRef;
  protocol: string;
  operation: string | undefined;
}

interface ServerHalf extends Half {
  protocol: string;
  operation: string | undefined;
}

interface ProducerHalf extends Half {
  queue: ComponentRef;
  protocol: string;
  consumers: number;
}

interface ConsumerHalf extends Half {
  paired: boolean;
  /** References still waiting; the consumer counts as unpaired when the last one expires unmatched. */
  refsWaiting: number;
}

const half = (span: Span): Half => ({
  traceId: span.traceId,
  parentSpanId: span.parentSpanId,
  service: span.resource.serviceName,
  startTimeUnixMs: span.startTimeUnixMs,
  endTimeUnixMs: span.endTimeUnixMs,
  error: span.status === 'ERROR',
});
const serviceRef = (name: string): ComponentRef => ({ name, kind: 'SERVICE', virtual: false });
const duration = (h: Half): number => Math.max(0, h.endTimeUnixMs - h.startTimeUnixMs);
const spanKey = (traceId: string, spanId: string): string => traceId + spanId;

export function createSpanInference(options: SpanInferenceOptions) {
  const { clock, onInteraction } = options;
  const counts = {
    spans: 0, duplicateSpans: 0, syncPaired: 0, asyncPaired: 0, oneSided: 0,
    clientsToVirtualPeers: 0, clientsFoldedIntoParent: 0, serversWithoutClient: 0,
    consumersWithoutProducer: 0, unconsumedMessages: 0, consumersWithoutDestination: 0,
  };
  const storeOptions = { ttlMs: options.pairingTimeoutMs, maxEntries: options.maxPendingSpans, clock };
  // Ids remembered for one to two pairing windows (10-20 s by default): a retried export arrives
  // within seconds.
  const seenSpans = createRecentIds({ windowMs: options.pairingTimeoutMs, maxIds: options.maxPendingSpans * 4, clock });
  // Database, AI and messaging spans, whose HTTP CLIENT children are their transport, not a second dependency.
  const semanticSpans = createRecentIds({ windowMs: options.pairingTimeoutMs, maxIds: options.maxPendingSpans * 2, clock });
  const workflows = createWorkflowTracker({
    windowMs: options.pairingTimeoutMs,
    maxTraces: options.maxPendingSpans,
    clock,
    onRun: (run) => options.onWorkflowRun?.(run),
  });

  const clients = createPairingStore<ClientHalf>({
    ...storeOptions,
    onExpire: (_key, client) => {
      if (client.parentSpanId && semanticSpans.has(spanIdentity(client.traceId, client.parentSpanId))) {
        counts.clientsFoldedIntoParent++;
        return;
      }
      counts.clientsToVirtualPeers++;
      onInteraction({
        from: serviceRef(client.service), to: client.peer, kind: 'SYNC', protocol: client.protocol, operation: client.operation,
        traceId: client.traceId, timeUnixMs: client.startTimeUnixMs, durationMs: duration(client),
        callerError: undefined, calleeError: client.error,
      });
    },
  });
  const servers = createPairingStore<ServerHalf>({ ...storeOptions, onExpire: () => { counts.serversWithoutClient++; } });
  const producers = createPairingStore<ProducerHalf>({
    ...storeOptions,
    onExpire: (_key, producer) => {
      if (producer.consumers > 0) return;
      counts.unconsumedMessages++;
      options.onUnconsumedMessage?.(publishInteraction(producer));
    },
  });
  // Several consumers may wait on one producer (fan-out, or a link and a parent naming it).
  const consumers = createPairingStore<ConsumerHalf[]>({
    ...storeOptions,
    onExpire: (_key, waiting) => {
      for (const consumer of waiting) {
        consumer.refsWaiting--;
        if (consumer.refsWaiting === 0 && !consumer.paired) counts.consumersWithoutProducer++;
      }
    },
  });

  function pairSync(client: ClientHalf, server: ServerHalf): void {
    counts.syncPaired++;
    onInteraction({
      from: serviceRef(client.service), to: serviceRef(server.service), kind: 'SYNC',
      protocol: client.protocol !== 'unknown' ? client.protocol : server.protocol,
      operation: server.operation ?? client.operation,
      traceId: client.traceId, timeUnixMs: client.startTimeUnixMs, durationMs: duration(client),
      callerError: client.error, calleeError: server.error,
    });
  }

  function pairAsync(producer: ProducerHalf, consumer: Half): void {
    counts.asyncPaired++;
    producer.consumers++;
    onInteraction({
      from: serviceRef(producer.service), to: serviceRef(consumer.service), kind: 'ASYNC', protocol: producer.protocol,
      operation: producer.queue.name, traceId: producer.traceId, timeUnixMs: producer.startTimeUnixMs,
      durationMs: Math.max(0, consumer.startTimeUnixMs - producer.endTimeUnixMs),
      callerError: producer.error, calleeError: consumer.error,
    });
  }

  function publishInteraction(producer: ProducerHalf): Interaction {
    return {
      from: serviceRef(producer.service), to: producer.queue, kind: 'PUBLISH', protocol: producer.protocol, operation: producer.queue.name,
      traceId: producer.traceId, timeUnixMs: producer.startTimeUnixMs, durationMs: duration(producer), callerError: undefined, calleeError: producer.error,
    };
  }

  /** The producers a consumer refers to: each link, and its parent (a consumer may be the producer's child). */
  function producerRefs(span: Span): string[] {
    const refs = span.links.map((link) => spanKey(link.traceId, link.spanId));
    if (span.parentSpanId) refs.push(spanKey(span.traceId, span.parentSpanId));
    return [...new Set(refs)];
  }

  function ingestSpan(span: Span): void {
    const identity = spanIdentity(span.traceId, span.spanId);
    if (seenSpans.seenBefore(identity)) {
      counts.duplicateSpans++;
      return;
    }
    counts.spans++;
    workflows.observe(span);
    const role = classifySpan(span);
    switch (role.role) {
      case 'client': {
        const key = spanKey(span.traceId, span.spanId);
        const client: ClientHalf = { ...half(span), peer: role.peer, protocol: role.protocol, operation: role.operation };
        const server = servers.take(key);
        if (server) pairSync(client, server);
        else clients.put(key, client);
        return;
      }
      case 'server': {
        if (!span.parentSpanId) return; // an entry point: called from outside the traced estate
        const callerKey = spanKey(span.traceId, span.parentSpanId);
        const server: ServerHalf = { ...half(span), protocol: role.protocol, operation: role.operation };
        const client = clients.take(callerKey);
        if (client) pairSync(client, server);
        else servers.put(callerKey, server);
        return;
      }
      case 'one-sided': {
        counts.oneSided++;
        semanticSpans.add(identity);
        onInteraction({
          from: serviceRef(span.resource.serviceName), to: role.peer, kind: role.dependency, protocol: role.protocol, operation: role.operation,
          traceId: span.traceId, timeUnixMs: span.startTimeUnixMs, durationMs: Math.max(0, span.endTimeUnixMs - span.startTimeUnixMs),
          callerError: undefined, calleeError: span.status === 'ERROR',
        });
        return;
      }
      case 'producer': {
        semanticSpans.add(identity);
        const key = spanKey(span.traceId, span.spanId);
        const producer: ProducerHalf = { ...half(span), queue: role.queue, protocol: role.protocol, consumers: 0 };
        onInteraction(publishInteraction(producer));
        for (const waiting of consumers.take(key) ?? []) {
          waiting.paired = true;
          waiting.refsWaiting--;
          pairAsync(producer, waiting);
        }
        // Kept until expiry even when consumed: more consumer groups may still read the message.
        producers.put(key, producer);
        return;
      }
      case 'consumer': {
        semanticSpans.add(identity);
        if (role.queue) {
          onInteraction({
            from: role.queue, to: serviceRef(span.resource.serviceName), kind: 'CONSUME', protocol: role.protocol, operation: role.queue.name,
            traceId: span.traceId, timeUnixMs: span.startTimeUnixMs, durationMs: Math.max(0, span.endTimeUnixMs - span.startTimeUnixMs),
            callerError: undefined, calleeError: span.status === 'ERROR',
          });
        } else counts.consumersWithoutDestination++;
        const consumer: ConsumerHalf = { ...half(span), paired: false, refsWaiting: 0 };
        for (const ref of producerRefs(span)) {
          const producer = producers.peek(ref);
          if (producer) {
            consumer.paired = true;
            pairAsync(producer, consumer);
          } else {
            const waiting = consumers.peek(ref);
            if (waiting) waiting.push(consumer);
            else if (!consumers.put(ref, [consumer])) continue; // store full: counted as dropped there
            consumer.refsWaiting++;
          }
        }
        if (!consumer.paired && consumer.refsWaiting === 0) counts.consumersWithoutProducer++;
        return;
      }
      case 'internal':
        return;
    }
  }

  return {
    /** Classifies and pairs a batch; one sighting per emitting service per batch. */
    ingest(spans: readonly Span[]): void {
      const sightings = new Map<Span['resource'], number>();
      for (const span of spans) {
        ingestSpan(span);
        const latest = sightings.get(span.resource);
        if (latest === undefined || span.endTimeUnixMs > latest) sightings.set(span.resource, span.endTimeUnixMs);
      }
      for (const [resource, timeUnixMs] of sightings) {
        options.onComponent({
          ...serviceRef(resource.serviceName), namespace: resource.namespace, version: resource.version, environment: resource.environment, timeUnixMs,
        });
      }
    },
    /** Expires halves older than the pairing timeout; call on a timer. */
    expire(): void {
      clients.expire();
      servers.expire();
      producers.expire();
      consumers.expire();
      workflows.expire();
    },
    /** Resolves every waiting half now, as if its timeout had passed (shutdown). */
    expireAll(): void {
      clients.expireAll();
      servers.expireAll();
      producers.expireAll();
      consumers.expireAll();
      workflows.expireAll();
    },
    stats(): SpanInferenceStats {
      return {
        ...counts,
        stores: { clients: clients.stats(), servers: servers.stats(), producers: producers.stats(), consumers: consumers.stats() },
        workflows: workflows.stats(),
      };
    },
  };
}

export type SpanInference = ReturnType<typeof createSpanInference>;
