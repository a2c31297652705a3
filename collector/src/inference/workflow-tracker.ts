// Follows each trace just far enough to say how a workflow run ended: which entry point
// started it (a root SERVER, CONSUMER or INTERNAL span; for a trace rooted at a call out — a load
// generator, a browser, a batch job's CLIENT or PRODUCER span — the span of another service that
// call reached, or the caller itself when nothing traced answered), whether it ended in error, whether a
// human had to step in, and — when the entry failed — the chain of failing spans from the
// entry down to where the error was born. Only roots, error spans and human steps are kept,
// never whole traces, and each trace only until its window closes.
import type { Span } from '../model/span.ts';
import { classifySpan } from './classify-span.ts';
import { unknownPeerOf } from './component-identity.ts';
import { createPairingStore } from './pairing-store.ts';
import { spanIdentity } from './recent-ids.ts';

export interface WorkflowRun {
  entry: string;
  operation: string;
  traceId: string;
  timeUnixMs: number;
  failed: boolean;
  manual: boolean;
  /**
   * When the run failed because of an error born below the entry and nobody handled it on
   * the way: the components it travelled through, entry first, origin last.
   */
  unhandledErrorPath: string[] | undefined;
}

/** Spans are named by spanIdentity(traceId, spanId), as span inference names them. */
interface ErrorSpan {
  identity: number;
  parentIdentity: number | undefined;
  service: string;
  /** For a failing call out (database, AI, uninstrumented peer): the component called. */
  peer: string | undefined;
}

/** What is kept of a root span: small, since it waits for the whole trace window. */
interface Root {
  identity: number;
  service: string;
  operation: string;
  failed: boolean;
  startTimeUnixMs: number;
}

interface TraceOutcome {
  /** The trace's window closes then (its first span's arrival + windowMs). */
  expiresAtMs: number;
  root: Root | undefined;
  /** A CLIENT or PRODUCER span without a parent: the run's entry is what it reached. */
  rootCall: Root | undefined;
  manual: boolean;
  errors: ErrorSpan[];
}

/**
 * Liveness and readiness probes (a Kubernetes kubelet, a load balancer, a start-up script polling
 * `/health`) are root spans too, but no one's workflow: counted, never listed.
 */
const PROBE = /^(?:(?:GET|HEAD) )?\/(?:health|healthz|healthcheck|ready|readyz|readiness|live|livez|liveness|ping|metrics)\/?$/i;

export function createWorkflowTracker(options: { windowMs: number; maxTraces: number; clock: () => number; onRun: (run: WorkflowRun) => void }) {
  let tracesWithoutRoot = 0;
  let probes = 0;
  const traces = createPairingStore<TraceOutcome, string>({
    maxEntries: options.maxTraces,
    clock: options.clock,
    onExpire: (traceId, outcome) => {
      const root = outcome.root ?? outcome.rootCall;
      if (!root) {
        tracesWithoutRoot++;
        return;
      }
      if (PROBE.test(root.operation)) {
        probes++;
        return;
      }
      options.onRun(finish(traceId, outcome, root));
    },
  });

  function outcomeOf(traceId: string): TraceOutcome | undefined {
    let outcome = traces.peek(traceId);
    if (!outcome) {
      outcome = { expiresAtMs: options.clock() + options.windowMs, root: undefined, rootCall: undefined, manual: false, errors: [] };
      if (!traces.put(traceId, outcome)) return undefined;
    }
    return outcome;
  }

  return {
    observe(span: Span): void {
      const isParentless = span.parentSpanId === undefined;
      const isError = span.status === 'ERROR';
      const isHuman = span.attributes['orrery.human.task'] !== undefined;
      if (!isParentless && !isError && !isHuman) return;
      const outcome = outcomeOf(span.traceId);
      if (!outcome) return;
      const identity = spanIdentity(span.traceId, span.spanId);
      if (isParentless) {
        const root = { identity, service: span.resource.serviceName, operation: operationOf(span), failed: isError, startTimeUnixMs: span.startTimeUnixMs };
        if (span.kind === 'CLIENT' || span.kind === 'PRODUCER') outcome.rootCall = root;
        else outcome.root = root;
      }
      if (isHuman) outcome.manual = true;
      if (isError) {
        const role = classifySpan(span);
        const peer = role.role === 'one-sided' ? role.peer.name : role.role === 'client' ? (role.peer ?? unknownPeerOf(span.resource.serviceName)).name : undefined;
        const parentIdentity = span.parentSpanId === undefined ? undefined : spanIdentity(span.traceId, span.parentSpanId);
        outcome.errors.push({ identity, parentIdentity, service: span.resource.serviceName, peer });
      }
    },
    /**
     * Span inference paired a parentless CLIENT (or PRODUCER) span with the span of another
     * service it reached: that span is where the run enters the estate (the shopper's POST is the
     * storefront's `POST /orders` workflow), unless the trace has a root of its own.
     */
    reachedFromRootCall(traceId: string, callerIdentity: number, entry: Root): void {
      const outcome = traces.peek(traceId);
      if (outcome && !outcome.root && outcome.rootCall?.identity === callerIdentity) outcome.root = entry;
    },
    expire(): void {
      traces.expire();
    },
    expireAll(): void {
      traces.expireAll();
    },
    stats() {
      return { pendingTraces: traces.stats().size, droppedTraces: traces.stats().dropped, tracesWithoutRoot, probes };
    },
  };
}

function finish(traceId: string, outcome: TraceOutcome, root: Root): WorkflowRun {
  return {
    entry: root.service,
    operation: root.operation,
    traceId,
    timeUnixMs: root.startTimeUnixMs,
    failed: root.failed,
    manual: outcome.manual,
    unhandledErrorPath: root.failed ? unhandledPath(root, outcome.errors) : undefined,
  };
}

/**
 * Walks down from the failed root through failing children. An unbroken chain of failing
 * spans means nobody handled the error on the way; if the chain ends outside the entry's own
 * service, the error was born in a dependency. Returns the components on the way, entry first.
 */
function unhandledPath(root: Root, errors: ErrorSpan[]): string[] | undefined {
  const childrenOf = new Map<number, ErrorSpan[]>();
  for (const e of errors) {
    if (e.parentIdentity === undefined) continue;
    const list = childrenOf.get(e.parentIdentity) ?? [];
    list.push(e);
    childrenOf.set(e.parentIdentity, list);
  }
  const path = [root.service];
  let current = root.identity;
  let origin: ErrorSpan | undefined;
  for (let depth = 0; depth < 64; depth++) {
    const next = childrenOf.get(current)?.[0];
    if (!next) break;
    if (path[path.length - 1] !== next.service) path.push(next.service);
    origin = next;
    current = next.identity;
  }
  // A failing call with no failing span below it: the error was born in what it called.
  if (origin?.peer && !childrenOf.has(origin.identity)) path.push(origin.peer);
  return path.length >= 2 ? path : undefined;
}

function operationOf(root: Span): string {
  const a = root.attributes;
  const route = a['http.route'];
  const method = a['http.request.method'] ?? a['http.method'];
  if (typeof route === 'string') return typeof method === 'string' ? `${method} ${route}` : route;
  return root.name;
}
