// Where snapshots of the graph come from. The map only sees the `GraphSource` interface:
// `createLiveGraphSource` listens to GraphQL subscriptions over SSE (`graphUpdated`,
// `findingsChanged`) and asks only for what changed (`graphChanges`); `createPollingGraphSource`
// reads the whole graph every few seconds, as the map did before (kept for tools and tests).
import { applyChanges, emptyGraph, snapshotOf, type HeldGraph } from './graph-changes.ts';
import { FINDINGS_CHANGED_SUBSCRIPTION, GRAPH_CHANGES_QUERY, GRAPH_QUERY, GRAPH_UPDATED_SUBSCRIPTION, parseGraphChanges, parseGraphResponse } from './graph-wire.ts';
import { subscribe as sseSubscribe, type SubscriptionOptions } from './sse.ts';
import type { GraphSnapshot } from './model.ts';
import type { TimeWindowInput } from './time-range.ts';

export interface GraphListener {
  /** A snapshot that differs from the previous one (the first one always does). */
  snapshot(snapshot: GraphSnapshot): void;
  /** The source answered with exactly what it sent last time. */
  unchanged(at: Date): void;
  /** The last attempt failed; the source keeps trying. */
  error(error: Error, at: Date): void;
}

/** What to fetch: the window the map shows, and how often to ask again. */
export interface GraphRequest {
  /** Omitted: the API's default (the last hour). */
  window?: TimeWindowInput;
  /**
   * Time between two polls; null asks until one answer arrives and then stops (a range wholly in
   * the past cannot change). Omitted: the source's interval.
   */
  intervalMs?: number | null;
}

export interface GraphSource {
  /** Starts delivering to the listener; the returned function stops it. Another range is another start. */
  start(listener: GraphListener, request?: GraphRequest): () => void;
}

export interface PollingOptions {
  endpoint?: string;
  intervalMs?: number;
  fetch?: typeof globalThis.fetch;
  clock?: () => Date;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Marks the first answer's arrival and parsing, for `npm run bench -- --map`'s breakdown of first paint. */
function mark(name: string, detail: number): void {
  if (typeof performance !== 'undefined' && performance.getEntriesByName(name).length === 0) performance.mark(name, { detail });
}

export function createPollingGraphSource(options: PollingOptions = {}): GraphSource {
  const endpoint = options.endpoint ?? '/graphql';
  const intervalMs = options.intervalMs ?? 2000;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const clock = options.clock ?? (() => new Date());
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));

  return {
    start(listener, request = {}) {
      const every = request.intervalMs === undefined ? intervalMs : request.intervalMs;
      const variables = request.window ? { window: request.window } : {};
      let stopped = false;
      let timer: unknown = null;
      let lastBody: string | null = null;
      const abort = new AbortController();

      // The next poll is scheduled only once the previous one has finished, so a slow API is
      // never hit by overlapping requests.
      const poll = async () => {
        let answered = false;
        try {
          const response = await doFetch(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ query: GRAPH_QUERY, variables }),
            signal: abort.signal,
          });
          const text = await response.text();
          mark('orrery:graph-fetched', text.length);
          if (stopped) return;
          if (!response.ok && !text.startsWith('{')) {
            throw new Error(`${endpoint} answered HTTP ${response.status}`);
          }
          const at = clock();
          if (text === lastBody) {
            listener.unchanged(at);
          } else {
            const snapshot = parseGraphResponse(JSON.parse(text) as unknown, at);
            mark('orrery:graph-parsed', snapshot.components.length);
            lastBody = text;
            listener.snapshot(snapshot);
          }
          answered = true;
        } catch (error) {
          if (stopped) return;
          listener.error(error instanceof Error ? error : new Error(String(error)), clock());
        }
        // A fixed range is asked again only until it has been answered once.
        if (!stopped && (every !== null || !answered)) timer = setTimer(() => void poll(), every ?? intervalMs);
      };

      void poll();
      return () => {
        stopped = true;
        abort.abort();
        if (timer !== null) clearTimer(timer);
      };
    },
  };
}

export interface LiveOptions extends PollingOptions {
  /** Changes are asked for at most this often, however often the graph is published. */
  minGapMs?: number;
  /**
   * Everything is read again at least this often: a sliding window's numbers move with time alone,
   * and no publish says so for a dependency that went quiet.
   */
  fullEveryMs?: number;
  /** How a subscription is held open (SSE over fetch); injected by tests. */
  subscribe?: (options: SubscriptionOptions) => Promise<void>;
  /**
   * The first full read, already under way (`startEarlyRead`, asked before the page's code had
   * loaded): the first start whose first question is exactly this one takes its answer instead of
   * asking again. Matched on the request body, so a read for another window is never mistaken for it.
   */
  early?: EarlyRead | null;
}

/** A GraphQL answer read to its end. */
export interface ReadAnswer {
  ok: boolean;
  status: number;
  text: string;
}

export interface EarlyRead {
  /** The request body it sent. */
  body: string;
  answer: Promise<ReadAnswer>;
}

/** The body of a `graphChanges` question, as the live source sends it (and an early read must, to be used). */
export function graphChangesBody(since: number, withFindings: boolean, window: TimeWindowInput | undefined): string {
  return JSON.stringify({ query: GRAPH_CHANGES_QUERY, variables: { since, withFindings, ...(window ? { window } : {}) } });
}

/**
 * The map's first full read for a window, sent now: main.ts calls it before the app's code has
 * been fetched and parsed (a few hundred ms at 5,000 components), and hands it to the live source.
 */
export function startEarlyRead(endpoint: string, window: TimeWindowInput | undefined, doFetch: typeof globalThis.fetch, token: string | null = null): EarlyRead {
  const body = graphChangesBody(0, true, window);
  const answer = doFetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  }).then(async (response) => ({ ok: response.ok, status: response.status, text: await response.text() }));
  // An early read nobody used, or that failed, is nobody's error: the source asks again.
  answer.catch(() => {});
  return { body, answer };
}

/**
 * The map's graph by subscription: one full read, then after each `graphUpdated` only what changed
 * since the version held (`graphChanges(since)`), findings again after `findingsChanged`. When the
 * subscription cannot be held (a proxy that buffers SSE), it asks for changes every interval
 * instead, which costs a small answer when nothing changed. A range wholly in the past is read once.
 */
export function createLiveGraphSource(options: LiveOptions = {}): GraphSource {
  const endpoint = options.endpoint ?? '/graphql';
  const intervalMs = options.intervalMs ?? 2000;
  const minGapMs = options.minGapMs ?? 1000;
  const fullEveryMs = options.fullEveryMs ?? 60_000;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const clock = options.clock ?? (() => new Date());
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const hold = options.subscribe ?? sseSubscribe;
  let early = options.early ?? null;

  return {
    start(listener, request = {}) {
      const every = request.intervalMs === undefined ? intervalMs : request.intervalMs;
      const abort = new AbortController();
      let stopped = false;
      let held: HeldGraph = emptyGraph();
      let wantFull = true;
      let wantFindings = true;
      let inFlight = false;
      let again = false;
      let lastAskAt = -Infinity;
      let lastFullAt = -Infinity;
      let subscribed = false;
      const timers = new Set<unknown>();
      const later = (run: () => void, ms: number) => {
        const handle = setTimer(() => {
          timers.delete(handle);
          run();
        }, ms);
        timers.add(handle);
      };
      let askScheduled = false;

      const ask = async () => {
        askScheduled = false;
        if (stopped) return;
        if (inFlight) {
          again = true;
          return;
        }
        inFlight = true;
        lastAskAt = clock().getTime();
        if (lastAskAt - lastFullAt >= fullEveryMs) wantFull = true;
        const since = wantFull ? 0 : held.version;
        const withFindings = wantFindings || since === 0;
        wantFull = false;
        wantFindings = false;
        let answered = false;
        try {
          const body = graphChangesBody(since, withFindings, request.window);
          const taken = early !== null && early.body === body ? early.answer : null;
          early = null;
          // An early answer the API refused (a token wanted) is asked again through the page's fetch.
          const earlyAnswer = taken ? await taken.catch(() => null) : null;
          const response: ReadAnswer =
            earlyAnswer && earlyAnswer.status !== 401
              ? earlyAnswer
              : await doFetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body, signal: abort.signal })
                  .then(async (r) => ({ ok: r.ok, status: r.status, text: await r.text() }));
          const text = response.text;
          mark('orrery:graph-fetched', text.length);
          if (stopped) return;
          if (!response.ok && !text.startsWith('{')) throw new Error(`${endpoint} answered HTTP ${response.status}`);
          const changes = parseGraphChanges(JSON.parse(text) as unknown);
          mark('orrery:graph-parsed', changes.components.length);
          const at = clock();
          const changed = changes.full || changes.findings !== null || changes.components.length + changes.removedComponents.length + changes.dependencies.length + changes.removedDependencies.length > 0;
          held = applyChanges(held, changes);
          if (changes.full) lastFullAt = at.getTime();
          if (changed) listener.snapshot(snapshotOf(held, at));
          else listener.unchanged(at);
          answered = true;
        } catch (error) {
          if (stopped) return;
          if (since === 0) wantFull = true;
          if (withFindings) wantFindings = true;
          listener.error(error instanceof Error ? error : new Error(String(error)), clock());
        } finally {
          inFlight = false;
        }
        if (stopped) return;
        if (every === null) {
          // A past range: asked until it has been answered once.
          if (!answered) later(() => void ask(), intervalMs);
          return;
        }
        if (again || !answered) {
          again = false;
          request_(answered ? 0 : intervalMs);
        } else if (!subscribed) {
          later(() => void ask(), every);
        }
      };

      /** Asks soon, no sooner than `minGapMs` after the last question. */
      const request_ = (delayMs = 0) => {
        if (askScheduled || stopped) return;
        askScheduled = true;
        const wait = Math.max(delayMs, lastAskAt + minGapMs - clock().getTime(), 0);
        later(() => void ask(), wait);
      };

      const listen = (query: string, onEvent: () => void) => {
        const open = () => {
          if (stopped) return;
          hold({ endpoint, query, fetch: doFetch, signal: abort.signal, onOpen: () => (subscribed = true), onNext: onEvent })
            .catch(() => {})
            .finally(() => {
              if (stopped) return;
              // Until it is open again, changes are asked for every interval.
              subscribed = false;
              request_(every ?? intervalMs);
              later(open, 10_000);
            });
        };
        open();
      };

      void ask();
      if (every !== null) {
        listen(GRAPH_UPDATED_SUBSCRIPTION, () => request_());
        listen(FINDINGS_CHANGED_SUBSCRIPTION, () => {
          wantFindings = true;
          request_();
        });
        // A sliding window moves with time alone: everything is read again now and then.
        const refresh = () => {
          if (stopped) return;
          wantFull = true;
          request_();
          later(refresh, fullEveryMs);
        };
        later(refresh, fullEveryMs);
      }
      return () => {
        stopped = true;
        abort.abort();
        for (const handle of timers) clearTimer(handle);
        timers.clear();
      };
    },
  };
}
