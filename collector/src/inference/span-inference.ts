// Where spans become interactions. Each span is classified once (classify-span.ts), remembered
// in the span index (which service sent it, what role it played), and related to its parent and
// to the children that arrived before it — from any request, any service, in any order.
//
// Rules (DESIGN.md §2.3; every span's fate is named in span-outcomes.ts):
//  - CLIENT span + a span of another service whose parent it is      -> SYNC caller -> callee
//    (the callee is a SERVER span, or a component traced under its own service.name)
//  - CLIENT span that expires unpaired                                -> SYNC caller -> virtual peer,
//    or the service paired calls to its address found there (endpoint-directory.ts)
//  - PRODUCER span + CONSUMER that links to it or is its child         -> ASYNC producer -> consumer
//  - any other span whose parent belongs to another service           -> parent's service -> span's
//    service (parent -> child inference: every service boundary a trace crosses is an edge)
//  - database, AI and human spans                                     -> one-sided edges at once
//  - a CLIENT span inside a database/AI/messaging/CLIENT span of its own service is transport;
//    nested spans of one operation (CLIENT in CLIENT, PRODUCER in PRODUCER, process in receive)
//    count once.
//
// A span waiting for its partner is one small Pending record, referenced from the stores it
// waits in: `clients` (a CLIENT waiting for its callee), `producers` (a message waiting for
// consumers), `consumers` (a consumer waiting for a producer it links to) and `children` (a span
// waiting for its parent). It keeps only what its interaction needs, never the span's
// attributes: halves outlive young-generation GC, and their size is most of the memory.
import type { Span } from '../model/span.ts';
import type { ComponentRef, ComponentSighting, DependencyKind, Interaction } from '../model/interaction.ts';
import { classifySpan, type SpanRole } from './classify-span.ts';
import { unknownPeerOf } from './component-identity.ts';
import { createEndpointDirectory } from './endpoint-directory.ts';
import { createPairingStore, type Expiring, type PairingStoreStats } from './pairing-store.ts';
import { createRecentIds, spanIdentity } from './recent-ids.ts';
import { answered, createSpanIndex, foldsTransport, placeholder, ROLE, roleOf, serviceOf, type IndexedSpan, type RoleCode } from './span-index.ts';
import { emptyOutcomeCounts, type OutcomeCounts, type SpanOutcome } from './span-outcomes.ts';
import { createWorkflowTracker, type WorkflowRun } from './workflow-tracker.ts';

export interface SpanInferenceOptions {
  /** How long a half waits for its partner (ORRERY_PAIRING_TIMEOUT_MS). */
  pairingTimeoutMs: number;
  /** Bound on waiting halves per store; beyond it new halves are refused and counted. */
  maxPendingSpans: number;
  clock: () => number;
  /**
   * Each observed call or handoff. The object is reused from one call to the next (inference
   * emits one per edge-making span, and allocating each was measurable GC): read it, never keep it.
   */
  onInteraction: (interaction: Interaction) => void;
  onComponent: (sighting: ComponentSighting) => void;
  /** A published message no consumer was seen to take within the pairing timeout (reused object too). */
  onUnconsumedMessage?: (publish: Interaction) => void;
  /** A workflow run (trace from an entry point) whose window closed: how it ended. */
  onWorkflowRun?: (run: WorkflowRun) => void;
}

export interface SpanInferenceStats {
  /** Spans ingested, duplicates excluded. */
  spans: number;
  duplicateSpans: number;
  /** Every accepted span's fate (span-outcomes.ts); duplicates included. */
  outcomes: OutcomeCounts;
  /** Spans still waiting for a partner: spans + duplicates − Σ outcomes. */
  pendingSpans: number;
  syncPaired: number;
  asyncPaired: number;
  /** Edges inferred from a parent span in another service (parent -> child inference). */
  parentChildCrossings: number;
  oneSided: number;
  clientsToVirtualPeers: number;
  clientsFoldedIntoParent: number;
  serversWithoutClient: number;
  /** Consumer spans none of whose references (links, parent) ever met a producer. */
  consumersWithoutProducer: number;
  /** Published messages that no consumer took within the timeout. */
  unconsumedMessages: number;
  /** Producer or consumer spans without a destination that never met their other half. */
  consumersWithoutDestination: number;
  stores: Record<'clients' | 'producers' | 'consumers' | 'children', PairingStoreStats>;
  /** `probes`: runs of health and readiness checks (GET /health, /readyz, ...), counted and not listed as workflows. */
  workflows: { pendingTraces: number; droppedTraces: number; tracesWithoutRoot: number; probes: number };
}

/** What is kept of a span that waits. One shape for every role, so V8 keeps it monomorphic. */
interface Pending extends Expiring {
  /** The next span waiting for the same parent (the children store keeps an intrusive list). */
  nextSibling: Pending | undefined;
  traceId: string;
  identity: number;
  parentKey: number | undefined;
  service: string;
  serviceId: number;
  startTimeUnixMs: number;
  endTimeUnixMs: number;
  error: boolean;
  role: SpanRole;
  settled: boolean;
  /** CLIENT: its parent is a transport owner of the same service (a DB, AI, messaging or CLIENT span). */
  parentFolds: boolean;
  /** CLIENT: an inner CLIENT span of the same service reached the callee for it. */
  nestedPaired: boolean;
  /** CLIENT: this span reached its callee (paired as the caller). */
  reachedCallee: boolean;
  /** Its parent is in another service: it is the callee side of a crossing, or of a CLIENT's call. */
  calleeOf: 'none' | 'crossing' | 'pair';
  /** PRODUCER/CONSUMER: the second span of one message (wrapper, or process inside receive). */
  nested: boolean;
  /** CONSUMER: references (links, parent) still waiting for a producer. */
  refsWaiting: number;
  /** CONSUMER: made a CONSUME edge. PRODUCER: made a PUBLISH edge. */
  madeEdge: boolean;
  /** CONSUMER: paired with at least one producer. PRODUCER: consumers that took it. */
  pairs: number;
}

const duration = (h: Pending): number => Math.max(0, h.endTimeUnixMs - h.startTimeUnixMs);

function roleCode(role: SpanRole): RoleCode {
  switch (role.role) {
    case 'internal': return ROLE.internal;
    case 'server': return ROLE.server;
    case 'client': return ROLE.client;
    case 'one-sided': return role.dependency === 'DATABASE' ? ROLE.database : ROLE.aiOrHuman;
    case 'producer': return ROLE.producer;
    case 'consumer': return ROLE.consumer;
    case 'bookkeeping': return ROLE.bookkeeping;
  }
}

/** Spans whose CLIENT children are their transport. A CONSUMER's are not: they are work done for the message. */
function ownsTransport(role: SpanRole, span: Span): boolean {
  return role.role !== 'internal' && role.role !== 'server' && (role.role !== 'consumer' || span.kind === 'CLIENT');
}

export function createSpanInference(options: SpanInferenceOptions) {
  const { clock, onInteraction } = options;
  const outcomes = emptyOutcomeCounts();
  const counts = { spans: 0, syncPaired: 0, asyncPaired: 0, parentChildCrossings: 0, consumersWithoutProducer: 0, unconsumedMessages: 0 };
  // Spans remembered for one to two pairing windows: a child arriving within the pairing
  // timeout of its parent finds it, and a retried export (seconds later) is recognised.
  const index = createSpanIndex({ windowMs: options.pairingTimeoutMs, maxSpans: options.maxPendingSpans * 4, maxServices: 100_000, clock });
  // (producer, consumer service) pairs already counted: a receive and a process span of one message are one handoff.
  const handoffs = createRecentIds({ windowMs: options.pairingTimeoutMs, maxIds: options.maxPendingSpans * 2, clock });
  // Which service answers at each address a paired CLIENT span named: a late or sampled-out SERVER
  // span then still leaves its call on the real edge. Fifteen minutes outlives any exporter delay
  // and is short against an address being handed to another service.
  const endpoints = createEndpointDirectory({ memoryMs: 15 * 60_000, maxAddresses: 50_000, clock });
  const workflows = createWorkflowTracker({
    windowMs: options.pairingTimeoutMs,
    maxTraces: options.maxPendingSpans,
    clock,
    onRun: (run) => options.onWorkflowRun?.(run),
  });

  // One ComponentRef per service, shared by every interaction naming it.
  const serviceRefs: ComponentRef[] = [];
  function serviceRef(name: string, serviceId = index.serviceId(name)): ComponentRef {
    if (serviceId === 0) return { name, kind: 'SERVICE', virtual: false };
    return (serviceRefs[serviceId] ??= { name, kind: 'SERVICE', virtual: false });
  }
  const refOf = (p: Pending): ComponentRef => serviceRef(p.service, p.serviceId);

  // The one Interaction handed to every callback (see onInteraction).
  const interaction: Interaction = {
    from: { name: '', kind: 'SERVICE', virtual: false }, to: { name: '', kind: 'SERVICE', virtual: false }, kind: 'SYNC', protocol: '',
    operation: undefined, traceId: '', timeUnixMs: 0, durationMs: 0, callerError: undefined, calleeError: false,
  };

  function settle(p: Pending, outcome: SpanOutcome): void {
    if (p.settled) return;
    p.settled = true;
    outcomes[outcome]++;
  }

  function fill(from: ComponentRef, to: ComponentRef, kind: DependencyKind, protocol: string, operation: string | undefined, at: Pending, durationMs: number, callerError: boolean | undefined, calleeError: boolean): Interaction {
    const i = interaction;
    i.from = from; i.to = to; i.kind = kind; i.protocol = protocol; i.operation = operation; i.traceId = at.traceId;
    i.timeUnixMs = at.startTimeUnixMs; i.durationMs = durationMs; i.callerError = callerError; i.calleeError = calleeError;
    return i;
  }

  function emit(from: ComponentRef, to: ComponentRef, kind: DependencyKind, protocol: string, operation: string | undefined, at: Pending, durationMs: number, callerError: boolean | undefined, calleeError: boolean): void {
    onInteraction(fill(from, to, kind, protocol, operation, at, durationMs, callerError, calleeError));
  }

  const pendingOptions = { maxEntries: options.maxPendingSpans, clock };
  const clients = createPairingStore<Pending>({ ...pendingOptions, onExpire: (_key, client) => clientExpired(client) });
  const producers = createPairingStore<Pending>({
    ...pendingOptions,
    onExpire: (key, producer) => {
      if (key !== producer.identity) return; // an alias of a nested producer: the message is judged once
      if (producer.pairs === 0 && producer.madeEdge) {
        counts.unconsumedMessages++;
        options.onUnconsumedMessage?.(publishInteraction(producer));
      }
      settle(producer, producer.pairs > 0 ? 'published' : 'messageWithoutDestination');
    },
  });
  // Several consumers may wait on one producer (fan-out, consumer groups).
  const consumers = createPairingStore<{ expiresAtMs: number; waiting: Pending[] }>({
    ...pendingOptions,
    onExpire: (_key, { waiting }) => {
      for (const consumer of waiting) {
        consumer.refsWaiting--;
        consumerMaybeDone(consumer);
      }
    },
  });
  // Spans waiting for their parent, as an intrusive list per parent (the first to wait heads it).
  const children = createPairingStore<Pending>({
    ...pendingOptions,
    onExpire: (_key, first) => {
      for (let child: Pending | undefined = first; child; child = child.nextSibling) parentNeverArrived(child);
    },
  });

  function publishInteraction(producer: Pending): Interaction {
    const role = producer.role as Extract<SpanRole, { role: 'producer' }>;
    return fill(refOf(producer), role.queue!, 'PUBLISH', role.protocol, role.queue!.name, producer, duration(producer), undefined, producer.error);
  }

  // ---- pairing ----------------------------------------------------------------------------

  /** A CLIENT span and the span of another service it called (or the SERVER span below it). */
  function pairSync(client: Pending, callee: Pending, kind: DependencyKind, calleeProtocol: string, calleeOperation: string | undefined): void {
    const role = client.role as Extract<SpanRole, { role: 'client' }>;
    counts.syncPaired++;
    client.reachedCallee = true;
    index.markAnswered(client.identity);
    settle(client, 'pairedCall');
    if (client.parentKey === undefined && (callee.role.role === 'server' || callee.role.role === 'consumer')) {
      workflows.reachedFromRootCall(client.traceId, client.identity, {
        identity: callee.identity, service: callee.service, operation: calleeOperation ?? role.operation ?? 'call',
        failed: callee.error, startTimeUnixMs: callee.startTimeUnixMs,
      });
    }
    if (callee.role.role === 'server' && role.peer?.kind === 'EXTERNAL' && callee.serviceId !== 0) endpoints.learn(role.peer.name, callee.serviceId);
    emit(refOf(client), refOf(callee), kind, role.protocol !== 'unknown' ? role.protocol : calleeProtocol,
      calleeOperation ?? role.operation, client, duration(client), client.error, callee.error);
    // The outer CLIENT of a nested pair (an SDK call around its HTTP request) is now explained.
    if (client.parentKey !== undefined) {
      const outer = clients.peek(client.parentKey);
      if (outer && outer.serviceId === client.serviceId) outer.nestedPaired = true;
    }
  }

  function pairAsync(producer: Pending, consumer: Pending): void {
    // One message handed to one consuming service counts once, whichever of its spans says so.
    if (handoffs.seenBefore((producer.identity % 2 ** 40) * 8192 + (consumer.serviceId & 8191))) return;
    const role = producer.role as Extract<SpanRole, { role: 'producer' }>;
    counts.asyncPaired++;
    producer.pairs++;
    consumer.pairs++;
    emit(refOf(producer), refOf(consumer), 'ASYNC', role.protocol, role.queue?.name, producer,
      Math.max(0, consumer.startTimeUnixMs - producer.endTimeUnixMs), producer.error, consumer.error);
    if (!role.queue) settle(producer, 'published');
  }

  /** Parent -> child inference: a boundary no pair explains is still a dependency. */
  function crossing(parentServiceId: number, child: Pending, kind: DependencyKind, protocol: string, operation: string | undefined): void {
    counts.parentChildCrossings++;
    child.calleeOf = 'crossing';
    emit(serviceRef(index.serviceName(parentServiceId)!, parentServiceId), refOf(child), kind, protocol, operation, child, duration(child), undefined, child.error);
  }

  // ---- a span meets its parent ------------------------------------------------------------

  /**
   * `child`'s parent is known (in the index). `deferred` is true when the child waited for it
   * in the children store rather than finding it on arrival.
   */
  function meetParent(parentKey: number, parent: IndexedSpan, child: Pending, deferred: boolean): void {
    const parentServiceId = serviceOf(parent);
    const parentRole = roleOf(parent);
    const known = parentServiceId !== 0 && child.serviceId !== 0;
    const sameService = known && parentServiceId === child.serviceId;
    const otherService = known && parentServiceId !== child.serviceId;
    const role = child.role;

    if (role.role === 'consumer' && deferred) decideConsume(child, parent);

    // A CLIENT span's callee: always its SERVER child; any span of another service below it is
    // that component traced under its own service.name. One call is one edge: the first callee
    // span to arrive pairs with it, any other callee span of the same call adds nothing.
    if (parentRole === ROLE.client && (role.role === 'server' || otherService)) {
      const caller = clients.peek(parentKey);
      if (caller && !caller.settled) {
        clients.take(parentKey);
        if (otherService) child.calleeOf = 'pair';
        const asItself = role.role === 'server' || (role.role === 'one-sided' && role.selfPeer);
        const kind = role.role === 'one-sided' && role.selfPeer ? role.dependency : 'SYNC';
        pairSync(caller, child, kind, asItself ? protocolOf(role) : 'unknown', role.role === 'server' ? role.operation : undefined);
        calleeSettled(child);
        if (role.role === 'consumer' && deferred) consumerRefDone(child);
        return;
      }
      if (answered(parent)) {
        if (otherService) child.calleeOf = 'pair';
        if (role.role === 'server' || role.role === 'internal') settle(child, 'pairedCall');
        else calleeSettled(child);
        if (role.role === 'consumer') deferred ? consumerRefDone(child) : consumerMaybeDone(child);
        return;
      }
    }

    switch (role.role) {
      case 'server':
        if (parentRole === ROLE.client) settle(child, 'serverWithoutClient'); // its CLIENT expired (became a virtual-peer edge) before it came
        else if (otherService) {
          crossing(parentServiceId, child, 'SYNC', role.protocol, role.operation);
          settle(child, 'parentChildCrossing');
        } else settle(child, 'internal');
        return;
      case 'consumer': {
        if (parentRole === ROLE.producer) {
          const producer = producers.peek(parentKey);
          if (producer) pairAsync(producer, child);
        } else if (otherService) {
          crossing(parentServiceId, child, 'ASYNC', role.protocol, role.queue?.name);
          child.pairs++;
        }
        if (deferred) consumerRefDone(child);
        else consumerMaybeDone(child);
        return;
      }
      case 'client':
        if (sameService && foldsTransport(parent)) child.parentFolds = true;
        else if (otherService) crossing(parentServiceId, child, 'SYNC', role.protocol, role.operation);
        return; // its own call decides its outcome (clientExpired / pairSync)
      case 'one-sided':
        if (otherService) {
          crossing(parentServiceId, child, role.selfPeer ? role.dependency : 'SYNC', role.protocol, role.operation);
          if (role.selfPeer) settle(child, 'parentChildCrossing');
        } else if (role.selfPeer) emitOneSided(child, role);
        return;
      case 'producer':
        if (otherService) crossing(parentServiceId, child, 'SYNC', role.protocol, role.queue?.name);
        return;
      case 'internal':
      case 'bookkeeping':
        if (otherService) {
          crossing(parentServiceId, child, 'SYNC', 'unknown', undefined);
          settle(child, 'parentChildCrossing');
        } else settle(child, role.role === 'internal' ? 'internal' : role.outcome);
        return;
    }
  }

  /** The callee span of a pair: settled as part of it, unless its own call is still to be decided. */
  function calleeSettled(callee: Pending): void {
    const role = callee.role;
    if (role.role === 'client' && role.peer && !role.selfPeer) return; // it calls something of its own
    if (role.role === 'consumer' || role.role === 'producer') return; // decided by its messages
    if (role.role === 'one-sided' && !role.selfPeer) return; // already counted as its own call
    if (role.role === 'client') return; // a peerless CLIENT is decided when it expires (it may still reach a callee)
    settle(callee, 'pairedCall');
  }

  function protocolOf(role: SpanRole): string {
    return 'protocol' in role ? role.protocol : 'unknown';
  }

  function parentNeverArrived(child: Pending): void {
    const role = child.role;
    switch (role.role) {
      case 'server':
        if (child.settled) return;
        if (role.caller) {
          emit(role.caller, refOf(child), 'SYNC', role.protocol, role.operation, child, duration(child), undefined, child.error);
          settle(child, 'uninstrumentedCaller');
        } else settle(child, 'serverWithoutClient');
        return;
      case 'consumer':
        emitConsume(child, role);
        consumerRefDone(child);
        return;
      case 'one-sided':
        if (role.selfPeer) settle(child, 'selfCall');
        return;
      case 'internal':
        settle(child, 'internal');
        return;
      case 'bookkeeping':
        settle(child, role.outcome);
        return;
      case 'client':
      case 'producer':
        return; // decided by their own stores
    }
  }

  // ---- outcomes decided at expiry ---------------------------------------------------------

  function clientExpired(client: Pending): void {
    if (client.settled) return;
    const role = client.role as Extract<SpanRole, { role: 'client' }>;
    if (client.nestedPaired) return settle(client, 'nestedSpan');
    // The component itself being called (traced under its own service.name): its caller's edge is the call.
    if (client.calleeOf !== 'none' && (!role.peer || role.selfPeer)) return settle(client, client.calleeOf === 'pair' ? 'pairedCall' : 'parentChildCrossing');
    if (client.parentFolds) return settle(client, 'nestedTransport');
    if (role.selfPeer) return settle(client, 'selfCall');
    const knownAt = role.peer?.kind === 'EXTERNAL' ? endpoints.serviceAt(role.peer.name) : 0;
    if (knownAt !== 0 && knownAt !== client.serviceId) {
      emit(refOf(client), serviceRef(index.serviceName(knownAt)!, knownAt), 'SYNC', role.protocol, role.operation, client, duration(client), undefined, client.error);
      return settle(client, 'callToKnownAddress');
    }
    const peer = role.peer ?? unknownPeerOf(client.service);
    emit(refOf(client), peer, 'SYNC', role.protocol, role.operation, client, duration(client), undefined, client.error);
    settle(client, 'callToVirtualPeer');
  }

  function consumerRefDone(consumer: Pending): void {
    consumer.refsWaiting--;
    consumerMaybeDone(consumer);
  }

  function consumerMaybeDone(consumer: Pending): void {
    if (consumer.settled || consumer.refsWaiting > 0) return;
    const role = consumer.role as Extract<SpanRole, { role: 'consumer' }>;
    let madeEdge = consumer.madeEdge || consumer.pairs > 0;
    if (consumer.pairs === 0) {
      if (consumer.madeEdge || consumer.nested) counts.consumersWithoutProducer++;
      // A producer that sends no spans but is named (a partner system, a SaaS webhook).
      if (role.caller && !consumer.nested) {
        emit(role.caller, refOf(consumer), 'ASYNC', role.protocol, role.queue?.name, consumer, 0, undefined, consumer.error);
        if (!madeEdge) return settle(consumer, 'uninstrumentedCaller');
        madeEdge = true;
      }
    }
    // The second span of one delivery, whichever of the two happened to pair first.
    if (consumer.nested) return settle(consumer, 'nestedSpan');
    settle(consumer, madeEdge ? 'consumed' : 'messageWithoutDestination');
  }

  function emitOneSided(p: Pending, role: Extract<SpanRole, { role: 'one-sided' }>): void {
    emit(refOf(p), role.peer, role.dependency, role.protocol, role.operation, p, duration(p), undefined, p.error);
    settle(p, role.outcome);
  }

  // ---- a span's own role ------------------------------------------------------------------

  /** The first of the spans that waited for this one (an intrusive list) that `test` accepts. */
  function findChild(waiting: Pending | undefined, test: (child: Pending) => boolean): Pending | undefined {
    for (let child = waiting; child; child = child.nextSibling) if (test(child)) return child;
    return undefined;
  }

  function ownRole(p: Pending, span: Span, parent: IndexedSpan | undefined, waiting: Pending | undefined): void {
    const role = p.role;
    switch (role.role) {
      case 'client':
        // An inner CLIENT of this service that already reached the callee did the call for it.
        if (findChild(waiting, (c) => c.role.role === 'client' && c.serviceId === p.serviceId && c.reachedCallee)) p.nestedPaired = true;
        if (!clients.put(p.identity, p)) settle(p, 'dropped');
        return;
      case 'one-sided':
        // Traced under its own name (peer.service = service.name): the caller is its parent's service.
        if (role.selfPeer && p.parentKey !== undefined) return;
        if (role.selfPeer) return settle(p, 'selfCall');
        // A driver's spans nest (a pool's connect around the connect, an ORM call around its
        // query): one call. The first of the pair seen counts; the other is its transport.
        if (parent !== undefined && serviceOf(parent) === p.serviceId && roleOf(parent) === roleCode(role)) return settle(p, 'nestedTransport');
        if (findChild(waiting, (c) => c.role.role === 'one-sided' && !c.role.selfPeer && c.serviceId === p.serviceId && roleCode(c.role) === roleCode(role))) {
          return settle(p, 'nestedTransport');
        }
        emitOneSided(p, role);
        return;
      case 'producer':
        ownProducer(p, role, span, parent, waiting);
        return;
      case 'consumer':
        ownConsumer(p, role, span, parent);
        return;
      case 'server':
        if (p.parentKey !== undefined) return;
        if (role.caller) {
          emit(role.caller, refOf(p), 'SYNC', role.protocol, role.operation, p, duration(p), undefined, p.error);
          settle(p, 'uninstrumentedCaller');
        } else settle(p, 'entryPoint');
        return;
      case 'internal':
        if (p.parentKey === undefined) settle(p, 'entryPoint');
        return;
      case 'bookkeeping':
        if (p.parentKey === undefined) settle(p, role.outcome);
        return;
    }
  }

  function ownProducer(p: Pending, role: Extract<SpanRole, { role: 'producer' }>, span: Span, parent: IndexedSpan | undefined, waiting: Pending | undefined): void {
    // One message, two PRODUCER spans (an instrumentation wrapping another): the one seen first
    // carries the message; the other becomes an alias of it, so consumers of either pair once.
    const inner = p.serviceId === 0 ? undefined : findChild(waiting, (c) => c.role.role === 'producer' && c.serviceId === p.serviceId);
    const outer = parent !== undefined && roleOf(parent) === ROLE.producer && serviceOf(parent) === p.serviceId ? producers.peek(p.parentKey!) : undefined;
    const message = inner ?? outer;
    if (message) {
      p.nested = true;
      settle(p, 'nestedSpan');
      producers.put(p.identity, message);
      for (const consumer of consumers.take(p.identity)?.waiting ?? []) {
        pairAsync(message, consumer);
        consumerRefDone(consumer);
      }
      return;
    }
    // A batch send whose messages were each made (and counted) by a create span it links to.
    if (role.batchSend && span.links.some((l) => isProducerOf(spanIdentity(l.traceId, l.spanId), p.serviceId))) {
      settle(p, 'nestedSpan');
      return;
    }
    if (role.queue) {
      p.madeEdge = true;
      onInteraction(publishInteraction(p));
      settle(p, 'published');
    }
    // Kept until expiry even when consumed: more consumer groups may still read the message.
    if (!producers.put(p.identity, p)) {
      settle(p, 'dropped');
      return;
    }
    for (const consumer of consumers.take(p.identity)?.waiting ?? []) {
      pairAsync(p, consumer);
      consumerRefDone(consumer);
    }
  }

  function decideConsume(p: Pending, parent: IndexedSpan): void {
    if (roleOf(parent) === ROLE.consumer && serviceOf(parent) === p.serviceId && p.serviceId !== 0) p.nested = true;
    else emitConsume(p, p.role as Extract<SpanRole, { role: 'consumer' }>);
  }

  function emitConsume(p: Pending, role: Extract<SpanRole, { role: 'consumer' }>): void {
    if (!role.queue) return;
    p.madeEdge = true;
    for (let i = 0; i < role.messages; i++) onInteraction(fill(role.queue, refOf(p), 'CONSUME', role.protocol, role.queue.name, p, duration(p), undefined, p.error));
  }

  function isProducerOf(identity: number, serviceId: number): boolean {
    const entry = index.get(identity);
    return entry !== undefined && roleOf(entry) === ROLE.producer && serviceOf(entry) === serviceId;
  }

  function ownConsumer(p: Pending, role: Extract<SpanRole, { role: 'consumer' }>, span: Span, parent: IndexedSpan | undefined): void {
    // A process span inside its receive span is the same delivery: the receive counts the
    // messages. Whether the parent is a receive is known only once it arrives, so a consumer
    // whose parent is still to come waits for it before counting (meetParent / parentNeverArrived).
    if (parent !== undefined) decideConsume(p, parent);
    else if (p.parentKey === undefined) emitConsume(p, role);
    for (const link of span.links) {
      const ref = spanIdentity(link.traceId, link.spanId);
      if (ref === p.parentKey) continue; // the parent is met through meetParent
      const producer = producers.peek(ref);
      if (producer) pairAsync(producer, p);
      else {
        const list = consumers.peek(ref);
        if (list) list.waiting.push(p);
        else if (!consumers.put(ref, { expiresAtMs: deadline, waiting: [p] })) continue; // store full: counted as dropped there
        p.refsWaiting++;
      }
    }
  }

  // ---- ingest -----------------------------------------------------------------------------

  /** When spans of the batch being ingested stop waiting (the clock is read once per batch). */
  let deadline = 0;

  function ingestSpan(span: Span): boolean {
    const identity = spanIdentity(span.traceId, span.spanId);
    const prior = index.get(identity);
    if (prior !== undefined && !placeholder(prior)) {
      outcomes.duplicate++;
      return false;
    }
    counts.spans++;
    workflows.observe(span);
    const role = classifySpan(span);
    const serviceId = index.serviceId(span.resource.serviceName);
    index.set(identity, serviceId, roleCode(role), ownsTransport(role, span));
    const parentKey = span.parentSpanId === undefined ? undefined : spanIdentity(span.traceId, span.parentSpanId);
    const parentEntry = parentKey === undefined ? undefined : index.get(parentKey);
    const parent = parentEntry === undefined || placeholder(parentEntry) ? undefined : parentEntry;
    const p: Pending = {
      expiresAtMs: deadline, nextSibling: undefined,
      traceId: span.traceId, identity, parentKey, service: span.resource.serviceName, serviceId,
      startTimeUnixMs: span.startTimeUnixMs, endTimeUnixMs: span.endTimeUnixMs, error: span.status === 'ERROR', role,
      settled: false, parentFolds: false, nestedPaired: false, reachedCallee: false, calleeOf: 'none', nested: false,
      refsWaiting: 0, madeEdge: false, pairs: 0,
    };
    // Children that arrived before their parent (exporters send children first: they end first).
    const waiting = prior !== undefined ? children.take(identity) : undefined;
    ownRole(p, span, parent, waiting);
    // Each child reads this span's entry afresh: an earlier child may have marked it answered.
    for (let child: Pending | undefined = waiting; child; child = child.nextSibling) meetParent(identity, index.get(identity)!, child, true);
    if (parentKey !== undefined) {
      if (parent !== undefined) meetParent(parentKey, parent, p, false);
      else {
        const first = children.peek(parentKey);
        if (first) {
          // After the first: the first waited longest and keeps the list's place in expiry order.
          p.nextSibling = first.nextSibling;
          first.nextSibling = p;
        } else if (!children.put(parentKey, p)) {
          if (role.role !== 'client' && role.role !== 'producer') settle(p, 'dropped');
          return false;
        } else index.markAwaited(parentKey);
        if (role.role === 'consumer') p.refsWaiting++;
      }
    }
    if (role.role === 'consumer') consumerMaybeDone(p);
    return parentKey === undefined && (role.role === 'server' || role.role === 'internal' || role.role === 'consumer');
  }

  return {
    /** Classifies and pairs a batch; one sighting per emitting service per batch. */
    ingest(spans: readonly Span[]): void {
      deadline = clock() + options.pairingTimeoutMs;
      const sightings = new Map<Span['resource'], { timeUnixMs: number; entryPoint: boolean }>();
      for (const span of spans) {
        const entryPoint = ingestSpan(span);
        const latest = sightings.get(span.resource);
        if (latest === undefined) sightings.set(span.resource, { timeUnixMs: span.endTimeUnixMs, entryPoint });
        else {
          if (span.endTimeUnixMs > latest.timeUnixMs) latest.timeUnixMs = span.endTimeUnixMs;
          if (entryPoint) latest.entryPoint = true;
        }
      }
      for (const [resource, seen] of sightings) {
        options.onComponent({
          ...serviceRef(resource.serviceName), namespace: resource.namespace, version: resource.version, environment: resource.environment,
          timeUnixMs: seen.timeUnixMs, entryPoint: seen.entryPoint,
        });
      }
    },
    /** Expires halves older than the pairing timeout; call on a timer. */
    expire(): void {
      // Children first: a parent that never came decides a SERVER's fate before its callers' stores run.
      children.expire();
      clients.expire();
      consumers.expire();
      producers.expire();
      workflows.expire();
    },
    /** Resolves every waiting half now, as if its timeout had passed (shutdown). */
    expireAll(): void {
      children.expireAll();
      clients.expireAll();
      consumers.expireAll();
      producers.expireAll();
      workflows.expireAll();
    },
    stats(): SpanInferenceStats {
      const settled = Object.values(outcomes).reduce((a, b) => a + b, 0);
      return {
        spans: counts.spans,
        duplicateSpans: outcomes.duplicate,
        outcomes: { ...outcomes },
        pendingSpans: counts.spans + outcomes.duplicate - settled,
        syncPaired: counts.syncPaired,
        asyncPaired: counts.asyncPaired,
        parentChildCrossings: counts.parentChildCrossings,
        oneSided: outcomes.databaseCall + outcomes.aiCall + outcomes.humanStep,
        clientsToVirtualPeers: outcomes.callToVirtualPeer,
        clientsFoldedIntoParent: outcomes.nestedTransport,
        serversWithoutClient: outcomes.serverWithoutClient,
        consumersWithoutProducer: counts.consumersWithoutProducer,
        unconsumedMessages: counts.unconsumedMessages,
        consumersWithoutDestination: outcomes.messageWithoutDestination,
        stores: { clients: clients.stats(), producers: producers.stats(), consumers: consumers.stats(), children: children.stats() },
        workflows: workflows.stats(),
      };
    },
  };
}

export type SpanInference = ReturnType<typeof createSpanInference>;
