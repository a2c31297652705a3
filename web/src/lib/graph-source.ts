// Where snapshots of the graph come from. Today: polling `POST /graphql`. The map only sees the
// `GraphSource` interface, so a source built on GraphQL subscriptions over SSE can replace this
// one without touching anything else.
import { GRAPH_QUERY, parseGraphResponse } from './graph-wire.ts';
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
          if (stopped) return;
          if (!response.ok && !text.startsWith('{')) {
            throw new Error(`${endpoint} answered HTTP ${response.status}`);
          }
          const at = clock();
          if (text === lastBody) {
            listener.unchanged(at);
          } else {
            const snapshot = parseGraphResponse(JSON.parse(text) as unknown, at);
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
