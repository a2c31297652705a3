// Every accepted span ends in exactly one outcome, counted under its name in collectorStatus:
// either it is evidence of an edge, or it is counted under the reason it makes none. This table
// is the one place a reader checks inference against the semantic conventions; README.md in
// collector/ and the scenario fixtures (`expect.outcomes`) use these names.
//
// Invariant (tested): spans accepted = Σ outcomes + spans still waiting for a partner.

export interface OutcomeRule {
  /** The span shape, in semantic-convention terms. */
  shape: string;
  /** The edge it becomes, or undefined when it becomes none (and why). */
  edge: string | undefined;
}

export const SPAN_OUTCOMES = {
  pairedCall: {
    shape: 'CLIENT span and the span of another service whose parent it is (a SERVER span, or a component traced under its own service.name)',
    edge: 'SYNC caller -> callee (both spans are counted)',
  },
  callToVirtualPeer: {
    shape: 'CLIENT span no instrumented callee answered within the pairing timeout',
    edge: 'SYNC caller -> virtual peer named from service.peer.name/peer.service, server.address, url.full, network.peer.address or rpc.service; with none, a per-caller unknown peer',
  },
  callToKnownAddress: {
    shape: 'CLIENT span no callee answered within the pairing timeout, to an address where recent paired calls found one service (its SERVER span came late or was sampled out)',
    edge: 'SYNC caller -> that service',
  },
  databaseCall: {
    shape: 'span with db.system.name / db.system (not CONSUMER or PRODUCER)',
    edge: 'DATABASE service -> system://host[:port]/namespace',
  },
  aiCall: { shape: 'span with gen_ai.provider.name / gen_ai.system', edge: 'SYNC service -> AI provider' },
  humanStep: { shape: 'span with orrery.human.task', edge: 'SYNC service -> HUMAN task' },
  published: {
    shape: 'PRODUCER span, or messaging CLIENT span whose operation is send/publish (or absent, as semconv before 1.17 spelled send)',
    edge: 'PUBLISH service -> destination; ASYNC producer -> consumer once a consumer references it',
  },
  consumed: {
    shape: 'CONSUMER span, or messaging CLIENT span whose operation is receive/process/deliver',
    edge: 'CONSUME destination -> service; ASYNC producer -> consumer for each producer it links to or is the child of',
  },
  parentChildCrossing: {
    shape: 'span whose parent belongs to another service, with no CLIENT/SERVER or PRODUCER/CONSUMER pair explaining the crossing',
    edge: "SYNC (ASYNC for messaging) parent's service -> this span's service",
  },
  uninstrumentedCaller: {
    shape: 'SERVER or CONSUMER span with no traced caller, naming its caller by peer.service or a client.address host name',
    edge: 'SYNC (ASYNC for CONSUMER) virtual caller -> service',
  },
  internal: { shape: 'span inside one service (parent in the same service, or INTERNAL)', edge: undefined },
  entryPoint: {
    shape: 'root SERVER, CONSUMER or INTERNAL span naming no caller (a client.address that is an IP names nobody)',
    edge: undefined,
  },
  serverWithoutClient: {
    shape: 'SERVER span whose parent span never arrived within the pairing timeout (the caller was sampled out or reports elsewhere)',
    edge: undefined,
  },
  nestedTransport: {
    shape: 'CLIENT span inside a database, AI, producer, messaging-client or CLIENT span of the same service (HTTP under a DB driver, dns.lookup under an HTTP call); of a database or AI span nested in one of its own kind (a pool connect around a connect), the one seen second',
    edge: undefined,
  },
  nestedSpan: {
    shape: 'the second span of one operation: an outer CLIENT whose inner CLIENT reached the callee, a PRODUCER wrapping a PRODUCER, a process span inside its receive span',
    edge: undefined,
  },
  messageWithoutDestination: {
    shape: 'producer or consumer span that names no destination and never met its other half',
    edge: undefined,
  },
  messagingBookkeeping: {
    shape: 'messaging span that moves no message (settle, ack, create-only, broker admin)',
    edge: undefined,
  },
  connectionManagement: {
    shape: 'database span naming no operation and no query, named for connection management (pool connect, session reset, row iteration)',
    edge: undefined,
  },
  selfCall: {
    shape: 'CLIENT span whose peer is its own service, with no caller in another service',
    edge: undefined,
  },
  duplicate: { shape: 'a span already received within the pairing window (an exporter retry)', edge: undefined },
  dropped: { shape: 'a half refused because a pairing store was full (counted per store too)', edge: undefined },
} as const satisfies Record<string, OutcomeRule>;

export type SpanOutcome = keyof typeof SPAN_OUTCOMES;

export const OUTCOME_NAMES = Object.keys(SPAN_OUTCOMES) as SpanOutcome[];

export type OutcomeCounts = Record<SpanOutcome, number>;

export function emptyOutcomeCounts(): OutcomeCounts {
  return Object.fromEntries(OUTCOME_NAMES.map((name) => [name, 0])) as OutcomeCounts;
}
