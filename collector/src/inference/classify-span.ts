// Where a span becomes an interaction candidate: the rules that read a span's kind and
// semantic-convention attributes and say what it is evidence of. Pure; span-inference.ts pairs
// the candidates across spans, and span-outcomes.ts names what each shape becomes.
//
// Order matters and follows the conventions' precedence: a human step, then messaging (a
// PRODUCER/CONSUMER span, or a CLIENT span with messaging.system), then SERVER, AI, database,
// and finally plain CLIENT calls.
import type { Span } from '../model/span.ts';
import type { ComponentRef } from '../model/interaction.ts';
import { callerOf, databaseName, databaseSystem, peerOf } from './component-identity.ts';
import { destinationOf, messagingSystemOf, namesDestination } from './messaging-destination.ts';
import { hasAny, readNumber, readString } from './semconv.ts';

/** Span names of connection management, as drivers and pools name it (matched on the last word). */
const CONNECTION_MANAGEMENT = /(?:^|[.\s_:-])(?:connect|reset_session|rows|ping|close|release|acquire|checkout|checkin)$/i;

export type SpanRole =
  /** Outgoing synchronous call; the callee is another service's span below it, or a virtual peer. */
  | {
      role: 'client';
      /** Undefined when the span names no peer at all. */
      peer: ComponentRef | undefined;
      /** The peer named is the emitting service itself: the span is that component being called. */
      selfPeer: boolean;
      protocol: string;
      operation: string | undefined;
    }
  /** Incoming synchronous call; its parent span id names the caller's span. */
  | { role: 'server'; protocol: string; operation: string | undefined; caller: ComponentRef | undefined }
  /** A call to a database, AI provider or human step: the other side never sends spans. */
  | {
      role: 'one-sided';
      peer: ComponentRef;
      dependency: 'DATABASE' | 'SYNC';
      protocol: string;
      operation: string | undefined;
      outcome: 'databaseCall' | 'aiCall' | 'humanStep';
      /** peer.service names the emitting service: a component traced under its own service.name. */
      selfPeer: boolean;
    }
  | {
      role: 'producer';
      /** Undefined when the span names no destination; it can still pair with its consumers. */
      queue: ComponentRef | undefined;
      protocol: string;
      /** A batch `send` whose messages were each made by a `create` span it links to. */
      batchSend: boolean;
    }
  | {
      role: 'consumer';
      queue: ComponentRef | undefined;
      protocol: string;
      /** The producer named by peer.service when the producer sends no spans. */
      caller: ComponentRef | undefined;
      /** Messages this span took: its links, messaging.batch.message_count, or 1. */
      messages: number;
    }
  /** A span that moves no message and makes no call: a settle or ack, a pool checkout or session reset. */
  | { role: 'bookkeeping'; outcome: 'messagingBookkeeping' | 'connectionManagement' }
  /** Work inside one service: evidence of the service only. */
  | { role: 'internal' };

export function classifySpan(span: Span): SpanRole {
  const a = span.attributes;
  const service = span.resource.serviceName;

  const humanTask = readString(a, 'humanTask');
  if (humanTask) {
    return { role: 'one-sided', peer: { name: humanTask, kind: 'HUMAN', virtual: true }, dependency: 'SYNC', protocol: 'human', operation: span.name, outcome: 'humanStep', selfPeer: false };
  }

  const messagingSystem = messagingSystemOf(a);
  if (span.kind === 'PRODUCER' || span.kind === 'CONSUMER' || (messagingSystem && span.kind === 'CLIENT')) {
    const messaging = classifyMessaging(span, messagingSystem);
    if (messaging) return messaging;
  }

  if (span.kind === 'SERVER') return { role: 'server', protocol: protocolOf(a), operation: serverOperation(span), caller: callerOf(a) };

  const aiProvider = readString(a, 'genAiProvider');
  if (aiProvider && span.kind !== 'CONSUMER') {
    const model = readString(a, 'genAiModel');
    const operation = [readString(a, 'genAiOperation'), model].filter(Boolean).join(' ') || span.name;
    return { role: 'one-sided', peer: { name: aiProvider, kind: 'AI', virtual: true }, dependency: 'SYNC', protocol: 'gen_ai', operation, outcome: 'aiCall', selfPeer: false };
  }

  const dbSystem = readString(a, 'dbSystem');
  if (dbSystem && span.kind !== 'CONSUMER' && span.kind !== 'PRODUCER') {
    // Drivers and pools trace their connection management too (otelsql's sql.connector.connect,
    // sql.conn.reset_session and sql.rows; node-postgres' pg-pool.connect): spans naming no
    // operation and no query, with a connection-management name. They are not calls to the
    // database; counting them would double or triple its call count.
    if (!readString(a, 'dbOperation') && !hasAny(a, 'dbQuery') && CONNECTION_MANAGEMENT.test(span.name)) {
      return { role: 'bookkeeping', outcome: 'connectionManagement' };
    }
    return {
      role: 'one-sided', peer: { name: databaseName(a, dbSystem, service), kind: 'DATABASE', virtual: true }, dependency: 'DATABASE',
      protocol: databaseSystem(dbSystem), operation: readString(a, 'dbOperation'), outcome: 'databaseCall', selfPeer: readString(a, 'peerService') === service,
    };
  }

  if (span.kind === 'CLIENT') {
    const peer = peerOf(a);
    return { role: 'client', peer, selfPeer: peer?.kind === 'SERVICE' && peer.name === service, protocol: protocolOf(a), operation: clientOperation(span) };
  }
  return { role: 'internal' };
}

/**
 * Messaging spans. Operation names across versions: `send`/`publish` (older), `create`,
 * `receive`, `process`/`deliver` (older), `settle`. Before semconv 1.17 a CLIENT or PRODUCER span
 * without messaging.operation was a send ("MUST NOT be set" for send).
 */
function classifyMessaging(span: Span, system: string | undefined): SpanRole | undefined {
  const a = span.attributes;
  const protocol = system?.toLowerCase() ?? 'messaging';
  const operation = readString(a, 'messagingOperation')?.toLowerCase();
  // Before semconv 1.17 a send carried no operation; a CLIENT span with neither operation nor
  // destination (queue.declare, confirm.select, waitForConfirms) is broker bookkeeping.
  const sends = operation === 'send' || operation === 'publish' || operation === 'create' || (operation === undefined && (span.kind === 'PRODUCER' || namesDestination(a)));
  const receives = operation === 'receive' || operation === 'process' || operation === 'deliver';

  if (span.kind === 'CONSUMER' || (span.kind === 'CLIENT' && receives)) {
    const batch = readNumber(a, 'messagingBatchCount');
    return { role: 'consumer', queue: destinationOf(a, system, 'receive'), protocol, caller: callerOf(a), messages: Math.max(1, span.links.length, batch ?? 0) };
  }
  if (span.kind === 'PRODUCER' || (span.kind === 'CLIENT' && sends)) {
    return { role: 'producer', queue: destinationOf(a, system, 'send'), protocol, batchSend: operation !== 'create' && span.links.length > 0 };
  }
  // A PRODUCER/CONSUMER span always takes one of the branches above; what is left are CLIENT
  // spans that settle, ack or administer.
  return span.kind === 'CLIENT' ? { role: 'bookkeeping', outcome: 'messagingBookkeeping' } : undefined;
}

function protocolOf(a: Span['attributes']): string {
  const rpc = readString(a, 'rpcSystem');
  if (rpc) return rpc;
  if (readString(a, 'httpMethod') || readString(a, 'urlFull') || readString(a, 'httpRoute')) return 'http';
  return 'unknown';
}

function serverOperation(span: Span): string | undefined {
  const a = span.attributes;
  const rpcMethod = readString(a, 'rpcMethod');
  if (rpcMethod) return [readString(a, 'rpcService'), rpcMethod].filter(Boolean).join('/');
  const route = readString(a, 'httpRoute');
  const method = readString(a, 'httpMethod');
  if (route) return method ? `${method} ${route}` : route;
  return span.name || undefined;
}

function clientOperation(span: Span): string | undefined {
  const a = span.attributes;
  const rpcMethod = readString(a, 'rpcMethod');
  if (rpcMethod) return [readString(a, 'rpcService'), rpcMethod].filter(Boolean).join('/');
  return span.name || undefined;
}
