import { describe, expect, it } from 'vitest';
import { createGraphAggregator } from '../aggregate/graph-aggregator.ts';
import { cascadeHop } from '../detectors/cascading-risk-path.ts';
import type { Interaction } from '../model/interaction.ts';
import { observedGraph } from './observed-graph.ts';
import { createReadModel } from './read-model.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, tiersFor } from './tiers.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function call(atMs: number, calleeError: boolean, callerError: boolean): Interaction {
  return {
    from: { name: 'checkout', kind: 'SERVICE', virtual: false }, to: { name: 'fraud-check', kind: 'SERVICE', virtual: false }, kind: 'SYNC', protocol: 'http',
    operation: 'POST /score', traceId: `${atMs}`.padStart(32, '0'), timeUnixMs: atMs, durationMs: 10, callerError, calleeError,
  };
}

function modelWith(calls: Interaction[]) {
  const aggregator = createGraphAggregator({ maxDependencies: 100, maxComponents: 100, clock: () => NOW });
  for (const c of calls) aggregator.addInteraction(c);
  const model = createReadModel({ tiers: tiersFor(30 * DAY_MS) });
  model.applyDelta(aggregator.drain());
  return model;
}

const recent = { fromMs: NOW - 15 * MINUTE_MS, toMs: NOW, all: false };

describe('observed graph for the detectors', () => {
  it('carries how the caller reacted the last time the callee failed, when the window saw no failure', () => {
    // Propagated three hours ago, handled (the fix) two hours ago, quiet since.
    const model = modelWith([call(NOW - 3 * HOUR_MS, true, true), call(NOW - 2 * HOUR_MS, true, false), call(NOW - 2 * HOUR_MS + 1000, true, false)]);
    const [quiet] = observedGraph(model, recent).dependencies;
    expect(quiet).toMatchObject({ calls: 0, errorPropagation: undefined, lastErrorPropagation: 0 });
    expect(cascadeHop(quiet!)).toBeUndefined();
    // The window's own answer (shared with GraphQL) is not changed.
    expect(model.dependencies({ fromMs: NOW - 3 * HOUR_MS, toMs: NOW, all: false })[0]).not.toHaveProperty('lastErrorPropagation');
  });

  it('uses the window when it saw failures, and assumes nothing when the callee never failed', () => {
    const failingNow = modelWith([call(NOW - 2 * HOUR_MS, true, false), call(NOW - 5 * MINUTE_MS, true, true)]);
    const [failing] = observedGraph(failingNow, recent).dependencies;
    expect(failing).toMatchObject({ errorPropagation: 1 });
    expect(failing).not.toHaveProperty('lastErrorPropagation');
    const neverFailed = modelWith([call(NOW - 5 * MINUTE_MS, false, false)]);
    expect(observedGraph(neverFailed, recent).dependencies[0]?.lastErrorPropagation).toBeUndefined();
    expect(cascadeHop(observedGraph(neverFailed, recent).dependencies[0]!)).toEqual({ probability: 1, assumed: true });
  });
});
