// The map's questions about time beyond its own poll: one component's history (the side panel's
// sparklines) and what changed between two windows (diff mode). Each call is one answer; the page
// decides when to ask again and aborts what it no longer needs.
import { DIFF_QUERY, RESOLVE_WINDOW_QUERY, SERIES_QUERY, dataOf, parseDiffResponse, parseSeriesResponse, parseWindow, type ComponentSeries } from './graph-wire.ts';
import type { GraphDiff } from './model.ts';
import { beforeWindowOf, instantsWindow, type Comparison, type TimeWindowInput } from './time-range.ts';

export interface TimeQueries {
  /** The component's and its dependencies' points over the window, one per `step`; null when the window knows no such component. */
  componentSeries(name: string, window: TimeWindowInput, step: string, signal?: AbortSignal): Promise<ComponentSeries | null>;
  /**
   * What changed between the comparison window and `after`. `after` is resolved to instants
   * first, so "the previous period" is measured back from exactly the instants the diff
   * compares, on the API's clock rather than the browser's.
   */
  graphDiff(after: TimeWindowInput, compare: Comparison, signal?: AbortSignal): Promise<GraphDiff>;
}

export interface TimeQueriesOptions {
  endpoint?: string;
  fetch?: typeof globalThis.fetch;
}

export function createTimeQueries(options: TimeQueriesOptions = {}): TimeQueries {
  const endpoint = options.endpoint ?? '/graphql';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function post(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const response = await doFetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
    const text = await response.text();
    // GraphQL refusals (a malformed window, an unknown version) may come as 4xx with a JSON body: the body says more.
    if (!text.startsWith('{')) throw new Error(`${endpoint} answered HTTP ${response.status}`);
    return JSON.parse(text) as unknown;
  }

  return {
    async componentSeries(name, window, step, signal) {
      return parseSeriesResponse(await post(SERIES_QUERY, { name, window, step }, signal));
    },
    async graphDiff(after, compare, signal) {
      const resolved = parseWindow(dataOf(await post(RESOLVE_WINDOW_QUERY, { window: after }, signal))['window'], 'data.window');
      const before = beforeWindowOf(compare, resolved);
      return parseDiffResponse(await post(DIFF_QUERY, { before: instantsWindow(before), after: instantsWindow(resolved) }, signal));
    },
  };
}
