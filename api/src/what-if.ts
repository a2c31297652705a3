// GraphQL's what-if and resilience plan (DESIGN.md §8) over the read model: the window's observed
// graph with the catalog's intent the detection loop joined onto it (ReadModel.applyCatalogView),
// handed to the pure collector/src/whatif/ functions. Bad input is the caller's error.
import { createGraphQLError } from 'graphql-yoga';
import type { ComponentNode, GraphSnapshot } from '@orrery/collector/model/graph-snapshot.ts';
import { observedGraph } from '@orrery/collector/timeline/observed-graph.ts';
import type { ReadModel } from '@orrery/collector/timeline/read-model.ts';
import type { ResolvedWindow } from '@orrery/collector/timeline/time-window.ts';
import { resiliencePlan } from '@orrery/collector/whatif/resilience-plan.ts';
import { type SlowComponent, whatIf } from '@orrery/collector/whatif/what-if.ts';

type Snapshot = Pick<GraphSnapshot, 'components' | 'dependencies' | 'workflows'>;

/** The window's graph as what-if reads it: dependencies with calls in the window, components with their declared intent. */
export function whatIfSnapshot(model: ReadModel, window: ResolvedWindow): Snapshot {
  const observed = observedGraph(model, window);
  const components: ComponentNode[] = [];
  for (const c of model.allComponents()) {
    components.push({ name: c.name, kind: c.kind, virtual: c.virtual, documented: c.documented, owner: c.owner, system: c.system, intent: c.intent, firstSeenMs: c.firstSeenMs, lastSeenMs: c.lastSeenMs });
  }
  return { components, dependencies: observed.dependencies.filter((d) => d.calls > 0), workflows: observed.workflows };
}

function badInput(message: string): never {
  throw createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

export function whatIfRow(model: ReadModel, window: ResolvedWindow, fail: readonly string[], slow: readonly SlowComponent[]) {
  if (fail.length === 0 && slow.length === 0) badInput('whatIf needs at least one component in fail (or in slow)');
  const bad = slow.find((s) => !Number.isFinite(s.latencyMs) || s.latencyMs <= 0);
  if (bad) badInput(`slow.latencyMs must be a positive number of milliseconds; got ${bad.latencyMs} for ${JSON.stringify(bad.name)}`);
  const result = whatIf(whatIfSnapshot(model, window), { fail, slow });
  if (result.unknown.length > 0) badInput(`no component named ${result.unknown.map((n) => JSON.stringify(n)).join(', ')} in this window`);
  const row = (i: (typeof result.broken)[number]) => ({ ...i, tier: i.tier ?? null, addedLatencyMs: i.addedLatencyMs ?? null });
  return { broken: result.broken.map(row), degraded: result.degraded.map(row), unaffected: result.unaffected };
}

export function resiliencePlanRows(model: ReadModel, window: ResolvedWindow, limit: number) {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) badInput(`limit must be a whole number from 1 to 500; got ${limit}`);
  return resiliencePlan(whatIfSnapshot(model, window), { limit }).map((t) => ({ ...t, errorRate: t.errorRate ?? null, latencyMs: t.latencyMs ?? null }));
}
