// Where a span becomes an interaction candidate: the rules that read a span's kind and
// semantic-convention attributes and say what it is evidence of. Pure; see span-inference.ts
// for how candidates are paired across spans.
import type { Attributes, Span } from '../model/span.ts';
import type { ComponentRef } from '../model/interaction.ts';
import { readNumber, readString } from './semconv.ts';

export type SpanRole =
  /** Outgoing synchronous call; the callee is another service's SERVER span, or a virtual peer. */
  | { role: 'client'; peer: ComponentRef; protocol: string; operation: string | undefined }
  /** Incoming synchronous call; its parent span id names the caller's CLIENT span. */
  | { role: 'server'; protocol: string; operation: string | undefined }
  /** A call to a database, AI provider or human step: the other side never sends spans. */
  | { role: 'one-sided'; peer: ComponentRef; dependency: 'DATABASE' | 'SYNC'; protocol: string; operation: string | undefined }
  | { role: 'producer'; queue: ComponentRef; protocol: string }
  | { role: 'consumer'; queue: ComponentRef | undefined; protocol: string }
  /** Work inside one service: evidence of the service only. */
  | { role: 'internal' };

export function classifySpan(span: Span): SpanRole {
  const a = span.attributes;

  const humanTask = readString(a, 'humanTask');
  if (humanTask) {
    return { role: 'one-sided', peer: { name: humanTask, kind: 'HUMAN', virtual: true }, dependency: 'SYNC', protocol: 'human', operation: span.name };
  }

  const messagingSystem = readString(a, 'messagingSystem');
  if (messagingSystem && (span.kind === 'PRODUCER' || span.kind === 'CONSUMER' || span.kind === 'CLIENT')) {
    const queue = queueOf(a);
    const operation = readString(a, 'messagingOperation');
    if (span.kind === 'PRODUCER' || (span.kind === 'CLIENT' && isSendOperation(operation))) {
      if (queue) return { role: 'producer', queue, protocol: messagingSystem };
    } else if (span.kind === 'CONSUMER' || (span.kind === 'CLIENT' && isReceiveOperation(operation))) {
      return { role: 'consumer', queue, protocol: messagingSystem };
    }
    // settle / create-only client spans are bookkeeping around a handoff, not a dependency.
    return { role: 'internal' };
  }

  if (span.kind === 'SERVER') return { role: 'server', protocol: protocolOf(a), operation: serverOperation(span) };

  const aiProvider = readString(a, 'genAiProvider');
  if (aiProvider && span.kind !== 'CONSUMER') {
    const model = readString(a, 'genAiModel');
    const operation = [readString(a, 'genAiOperation'), model].filter(Boolean).join(' ') || span.name;
    return { role: 'one-sided', peer: { name: aiProvider, kind: 'AI', virtual: true }, dependency: 'SYNC', protocol: 'gen_ai', operation };
  }

  const dbSystem = readString(a, 'dbSystem');
  if (dbSystem && span.kind !== 'CONSUMER' && span.kind !== 'PRODUCER') {
    return { role: 'one-sided', peer: { name: databaseName(a, dbSystem), kind: 'DATABASE', virtual: true }, dependency: 'DATABASE', protocol: dbSystem, operation: readString(a, 'dbOperation') };
  }

  if (span.kind === 'CLIENT') return { role: 'client', peer: peerOf(a), protocol: protocolOf(a), operation: clientOperation(span) };
  return { role: 'internal' };
}

/**
 * A database is named from its system, server address and namespace so that two clusters with
 * the same database name never merge, and spans that omit the port are not split from those
 * that carry it (the port is shown only when the address is too).
 */
export function databaseName(a: Attributes, system: string): string {
  const address = readString(a, 'serverAddress') ?? readString(a, 'networkPeerAddress');
  const port = readNumber(a, 'serverPort');
  const namespace = readString(a, 'dbNamespace');
  const host = address ? (port ? `${address}:${port}` : address) : '';
  return `${system}://${host}${namespace ? `/${namespace}` : ''}`;
}

/**
 * The component a CLIENT span calls, from its peer attributes: `peer.service` names an
 * uninstrumented service; otherwise the address names an external endpoint.
 */
export function peerOf(a: Attributes): ComponentRef {
  const peerService = readString(a, 'peerService');
  if (peerService) return { name: peerService, kind: 'SERVICE', virtual: true };
  const address = readString(a, 'serverAddress') ?? hostOfUrl(readString(a, 'urlFull')) ?? readString(a, 'networkPeerAddress');
  if (address) {
    const port = readNumber(a, 'serverPort');
    return { name: port ? `${address}:${port}` : address, kind: 'EXTERNAL', virtual: true };
  }
  const rpcService = readString(a, 'rpcService');
  if (rpcService) return { name: rpcService, kind: 'EXTERNAL', virtual: true };
  return { name: 'unknown-peer', kind: 'EXTERNAL', virtual: true };
}

function queueOf(a: Attributes): ComponentRef | undefined {
  // The template names the logical destination when the concrete one is per-message.
  const name = readString(a, 'messagingDestinationTemplate') ?? readString(a, 'messagingDestination');
  return name ? { name, kind: 'QUEUE', virtual: true } : undefined;
}

function isSendOperation(op: string | undefined): boolean {
  return op === 'send' || op === 'publish' || op === 'create';
}

function isReceiveOperation(op: string | undefined): boolean {
  return op === 'receive' || op === 'process' || op === 'deliver';
}

function protocolOf(a: Attributes): string {
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

function hostOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}
