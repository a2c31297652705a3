import { component } from './test-builders.ts';
import { describe, expect, it } from 'vitest';
import { createTimeQueries } from './time-queries.ts';
import { WINDOW, wireWindow } from './test-builders.ts';

function api(answers: unknown[]) {
  const requests: { query: string; variables: Record<string, unknown> }[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    requests.push(JSON.parse(String(init.body)) as { query: string; variables: Record<string, unknown> });
    return new Response(JSON.stringify(answers.shift()), { status: 200 });
  }) as typeof globalThis.fetch;
  return { queries: createTimeQueries({ fetch }), requests };
}

const emptyDiff = {
  before: wireWindow({ fromMs: WINDOW.fromMs - 3_600_000, toMs: WINDOW.fromMs, resolutionSeconds: 60 }),
  after: wireWindow(),
  addedDependencies: [],
  removedDependencies: [],
  changedDependencies: [],
  addedComponents: [],
  removedComponents: [],
  versionChanges: [],
};

describe('createTimeQueries', () => {
  it('asks for one component history in the window', async () => {
    const h = api([{ data: { service: { ...component('checkout'), series: [], dependsOn: [], dependents: [] } } }]);
    const series = await h.queries.componentSeries('checkout', { last: '1h' }, '1m');
    expect(series?.name).toBe('checkout');
    expect(h.requests[0]?.variables).toEqual({ name: 'checkout', window: { last: '1h' }, step: '1m' });
    expect(h.requests[0]?.query).toMatch(/series\(step: \$step\) \{ at callsIn callsOut errors \}/);
  });

  it('diffs against the period just before the after window, as the API resolved it', async () => {
    const h = api([{ data: { window: wireWindow() } }, { data: { graphDiff: emptyDiff, beforeComponents: [] } }]);
    const diff = await h.queries.graphDiff({ last: '1h' }, { kind: 'previous' });
    expect(h.requests[0]?.variables).toEqual({ window: { last: '1h' } });
    expect(h.requests[1]?.variables).toEqual({
      before: { from: '2024-12-31T23:00:00.000Z', to: '2025-01-01T00:00:00.000Z' },
      after: { from: '2025-01-01T00:00:00.000Z', to: '2025-01-01T01:00:00.000Z' },
    });
    expect(diff.after).toEqual(WINDOW);
  });

  it('diffs against a custom before window as given', async () => {
    const h = api([{ data: { window: wireWindow() } }, { data: { graphDiff: emptyDiff, beforeComponents: [] } }]);
    await h.queries.graphDiff({ last: '1h' }, { kind: 'custom', fromMs: Date.parse('2024-12-01T00:00:00Z'), toMs: Date.parse('2024-12-02T00:00:00Z') });
    expect(h.requests[1]?.variables['before']).toEqual({ from: '2024-12-01T00:00:00.000Z', to: '2024-12-02T00:00:00.000Z' });
  });

  it('reports the API refusing the window in its own words', async () => {
    const h = api([{ errors: [{ message: 'window.last must be a duration such as 15m' }] }]);
    await expect(h.queries.graphDiff({ last: 'soon' }, { kind: 'previous' })).rejects.toThrow(/must be a duration/);
  });
});
