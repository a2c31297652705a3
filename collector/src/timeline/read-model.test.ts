import { describe, expect, it } from 'vitest';
import { createGraphAggregator } from '../aggregate/graph-aggregator.ts';
import type { Interaction } from '../model/interaction.ts';
import { diffGraphs } from './graph-diff.ts';
import { createReadModel } from './read-model.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, tiersFor } from './tiers.ts';
import { resolveWindow } from './time-window.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function call(from: string, to: string, atMs: number, overrides: Partial<Interaction> = {}): Interaction {
  return {
    from: { name: from, kind: 'SERVICE', virtual: false }, to: { name: to, kind: 'SERVICE', virtual: false }, kind: 'SYNC', protocol: 'http',
    operation: 'GET /x', traceId: `${atMs}`.padStart(32, '0'), timeUnixMs: atMs, durationMs: 10, callerError: false, calleeError: false, ...overrides,
  };
}

function modelWith(calls: Interaction[], versions: Array<[string, string, number]> = []) {
  const aggregator = createGraphAggregator({ maxDependencies: 1000, maxComponents: 1000, clock: () => NOW });
  for (const c of calls) aggregator.addInteraction(c);
  for (const [name, version, at] of versions) {
    aggregator.addSighting({ name, kind: 'SERVICE', virtual: false, namespace: undefined, version, environment: undefined, timeUnixMs: at, entryPoint: false });
  }
  const model = createReadModel({ tiers: tiersFor(30 * DAY_MS) });
  model.applyDelta(aggregator.drain());
  return model;
}

const edges = (model: ReturnType<typeof createReadModel>, last: string) =>
  model.dependencies(resolveWindow({ last }, NOW)).map((d) => `${d.from}->${d.to} ${d.calls}/${d.errors}`);

describe('read model', () => {
  it('answers each window with that window only: an edge seen three hours ago is in the last day, not the last hour', () => {
    const model = modelWith([call('web', 'old', NOW - 3 * HOUR_MS), call('web', 'api', NOW - 10 * MINUTE_MS), call('web', 'api', NOW - 5 * MINUTE_MS, { calleeError: true })]);
    expect(edges(model, '1h')).toEqual(['web->api 2/1']);
    expect(edges(model, '24h').sort()).toEqual(['web->api 2/1', 'web->old 1/0']);
    const [api] = model.dependencies(resolveWindow({ last: '1h' }, NOW));
    expect(api!.callsPerMinute).toBeCloseTo(2 / 60);
    expect(api!.errorRate).toBe(0.5);
    expect(model.activeComponents(resolveWindow({ last: '1h' }, NOW)).map((c) => c.name).sort()).toEqual(['api', 'web']);
  });

  it('gives lifetime totals for last: all, and the same sums once old minutes are rolled into hours', () => {
    const calls = Array.from({ length: 50 }, (_, i) => call('web', 'api', NOW - 2 * DAY_MS + i * MINUTE_MS));
    const model = modelWith(calls);
    const day = (from: number) => model.dependencies({ fromMs: from, toMs: from + DAY_MS, all: false })[0]?.calls;
    expect(day(NOW - 2 * DAY_MS - HOUR_MS)).toBe(50);
    model.rollUp(NOW);
    expect([...[...model.allEdges()][0]!.buckets].every((b) => b.resMs === HOUR_MS)).toBe(true);
    expect(day(NOW - 2 * DAY_MS - HOUR_MS)).toBe(50);
    expect(model.dependencies(resolveWindow({ last: 'all' }, NOW))[0]!.calls).toBe(50);
  });

  it('draws series per step, and rollouts from the versions components reported', () => {
    const model = modelWith(
      [call('web', 'api', NOW - 30 * MINUTE_MS), call('web', 'api', NOW - 29 * MINUTE_MS), call('web', 'api', NOW - 2 * MINUTE_MS)],
      [['checkout', '2.7.0', NOW - 5 * HOUR_MS], ['checkout', '2.7.1', NOW - 20 * MINUTE_MS]],
    );
    const points = model.edgeSeries('web', 'api', 'SYNC', 'http', resolveWindow({ last: '1h' }, NOW), 15 * MINUTE_MS);
    expect(points.map((p) => p.calls)).toEqual([0, 0, 2, 1]);
    expect(model.versionChanges(NOW - HOUR_MS, NOW)).toEqual([{ component: 'checkout', from: '2.7.0', to: '2.7.1', atMs: NOW - 20 * MINUTE_MS }]);
    expect(model.versionFirstSeen('checkout', '2.7.1')).toBe(NOW - 20 * MINUTE_MS);
  });
});

describe('graph diff', () => {
  const w = (from: number, to: number) => ({ fromMs: from, toMs: to, all: false });
  it('lists added and removed edges and only the changes beyond noise, with the counts behind them', () => {
    const calls: Interaction[] = [];
    for (let i = 0; i < 600; i++) {
      const before = NOW - 2 * HOUR_MS + i * 6000;
      const after = NOW - HOUR_MS + i * 6000;
      calls.push(call('web', 'api', before, { calleeError: i < 2 }), call('web', 'api', after, { calleeError: i < 120 }));
      calls.push(call('web', 'steady', before, { calleeError: i % 100 === 0 }), call('web', 'steady', after, { calleeError: i % 90 === 0 }));
    }
    calls.push(call('web', 'gone', NOW - 90 * MINUTE_MS), call('web', 'new', NOW - 30 * MINUTE_MS));
    const model = modelWith(calls);
    const side = (win: ReturnType<typeof w>) => ({ dependencies: model.dependencies(win), components: model.activeComponents(win).map((c) => c.name), minutes: 60 });
    const diff = diffGraphs(side(w(NOW - 2 * HOUR_MS, NOW - HOUR_MS)), side(w(NOW - HOUR_MS, NOW)));
    expect(diff.addedDependencies.map((d) => d.to)).toEqual(['new']);
    expect(diff.removedDependencies.map((d) => d.to)).toEqual(['gone']);
    expect(diff.changedDependencies.map((c) => [c.after.to, c.regressed, c.reasons])).toEqual([['api', true, ['error rate 0.3% -> 20.0% (2/600 -> 120/600)']]]);
    expect([diff.addedComponents, diff.removedComponents]).toEqual([['new'], ['gone']]);
  });
});
