// GraphQL's view of the read model (collector/src/timeline/read-model.ts): components, dependencies,
// series and diffs for a TimeWindow, mapped to the rows the resolvers return. A component row
// remembers the window it was read in and carries that window's dependencies, so Component.dependsOn
// and Dependency.series answer for the same window.
import { databaseDisplayName } from '@orrery/collector/inference/component-identity.ts';
import { diffGraphs } from '@orrery/collector/timeline/graph-diff.ts';
import { parseDurationMs } from '@orrery/collector/timeline/duration.ts';
import type { ModelComponent, ReadModel, WindowedEdge } from '@orrery/collector/timeline/read-model.ts';
import { MINUTE_MS } from '@orrery/collector/timeline/tiers.ts';
import { resolveWindow, TimeWindowError, type ResolvedWindow, type TimeWindowInput } from '@orrery/collector/timeline/time-window.ts';
import type { ComponentRow } from './read-graph.ts';

export interface Windowed {
  window: ResolvedWindow;
}
/** A component's dependencies in a window, out and in (the read model's index entry for it). */
export interface ComponentEdges {
  out: WindowedEdge[];
  in: WindowedEdge[];
}
export const NO_EDGES: ComponentEdges = { out: [], in: [] };

/**
 * A component as GraphQL serves it in a window, with that window's dependencies attached: the map's
 * full query resolves dependsOn 5,000 times, and a field read is what keeps it synchronous (a
 * lookup per row was a promise and a window-cache probe each).
 */
export type WindowedComponentRow = ComponentRow & Windowed & { edges: ComponentEdges };
/**
 * A dependency as GraphQL serves it in a window: the read model's WindowedEdge itself (cached per
 * window by the model and shared by windows it is the same in, so a query allocates no row per
 * edge), or a copy naming the window when the query asks for series (withWindow);
 * Dependency.firstSeen/lastSeen resolve from its epoch ms.
 */
export type WindowedDependencyRow = WindowedEdge & { window?: ResolvedWindow };

/**
 * The answers as rows; copied with the window they were read in when the query asks for series
 * (which step across that window), as they are without: an answer names no window.
 */
export function withWindow(answers: readonly WindowedEdge[], window: ResolvedWindow, asksSeries: boolean): readonly WindowedDependencyRow[] {
  return asksSeries ? answers.map((a) => ({ ...a, window })) : answers;
}

/**
 * Whether a query may ask for series: copies naming windows are made only then. Read from the text
 * (an alias keeps the field's name; a false positive costs copies, never a wrong answer).
 */
export const mayAskSeries = (query: string | undefined): boolean => query === undefined || /\bseries\b/.test(query);

const iso = (ms: number | undefined): string | null => (ms === undefined || ms === 0 ? null : new Date(ms).toISOString());

/** A class, not a literal with getters: one shape, built in a few ns, at 5,000 rows per query. */
class ObservedComponentRow implements WindowedComponentRow {
  readonly name: string;
  readonly kind: string;
  readonly namespace: string | null;
  readonly versions: string[];
  readonly tier: number | null;
  readonly owner: string | null;
  readonly system: string | null;
  readonly documented: boolean;
  readonly virtual: boolean;
  readonly observed = true;
  readonly displayName: string;
  readonly entryPoint: boolean;
  readonly window: ResolvedWindow;
  readonly edges: ComponentEdges;
  readonly #c: ModelComponent;
  constructor(c: ModelComponent, window: ResolvedWindow, edges: ComponentEdges) {
    this.#c = c;
    this.window = window;
    this.edges = edges;
    this.name = c.name;
    this.kind = c.kind;
    this.namespace = c.namespace ?? null;
    this.versions = c.versions;
    this.tier = c.intent.tier ?? null;
    this.owner = c.owner ?? null;
    this.system = c.system ?? null;
    this.documented = c.documented;
    this.virtual = c.virtual;
    this.displayName = c.kind === 'DATABASE' ? databaseDisplayName(c.name) : c.name;
    this.entryPoint = c.entryPoint;
  }
  // Formatted only when asked for: the map's full query asks for neither, 5,000 times.
  get firstSeen(): string | null { return iso(this.#c.firstSeenMs); }
  get lastSeen(): string | null { return iso(this.#c.lastSeenMs); }
}

/** An observed component in a window, with its dependencies there (`edges`: its entry of the model's dependencyIndex). */
export function componentRow(c: ModelComponent, window: ResolvedWindow, edges: ComponentEdges | undefined): WindowedComponentRow {
  return new ObservedComponentRow(c, window, edges ?? NO_EDGES);
}

/** A component only the catalog knows, in a window: no dependencies observed. */
export function declaredComponentRow(c: ComponentRow, window: ResolvedWindow): WindowedComponentRow {
  return { ...c, window, edges: NO_EDGES };
}

/** A TimeWindow argument resolved against the model (rollouts from its versions); bad input is the caller's error. */
export function windowOf(model: ReadModel, input: TimeWindowInput | null | undefined, nowMs: number): ResolvedWindow {
  return resolveWindow(input, nowMs, (component, version) => model.versionFirstSeen(component, version));
}

/** A series step: given, or the window in about 60 steps, rounded to whole minutes. */
export function stepOf(window: ResolvedWindow, step: string | null | undefined): number {
  if (step) {
    const ms = parseDurationMs(step);
    if (ms === undefined || ms < MINUTE_MS) throw new TimeWindowError(`step must be a duration of at least 1m, such as 5m or 1h; got ${JSON.stringify(step)}`);
    if ((window.toMs - window.fromMs) / ms > 10_000) throw new TimeWindowError(`step ${step} would cut the window into more than 10,000 points`);
    return ms;
  }
  return Math.max(MINUTE_MS, Math.ceil((window.toMs - window.fromMs) / 60 / MINUTE_MS) * MINUTE_MS);
}

export function resolvedWindowRow(window: ResolvedWindow, nowMs: number) {
  return { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString(), resolutionSeconds: resolutionOf(window, nowMs) / 1000 };
}

/** The width of the buckets a window is summed from: minutes within the last day, hours within 30 days, days beyond. */
function resolutionOf(window: ResolvedWindow, nowMs: number): number {
  const age = nowMs - window.fromMs;
  return age <= 86_400_000 ? MINUTE_MS : age <= 30 * 86_400_000 ? 3_600_000 : 86_400_000;
}

export function graphDiffRow(model: ReadModel, before: ResolvedWindow, after: ResolvedWindow, nowMs: number, asksSeries: boolean) {
  const side = (w: ResolvedWindow) => ({
    dependencies: model.dependencies(w),
    components: model.activeComponents(w).map((c) => c.name),
    minutes: Math.max(1, (w.toMs - w.fromMs) / MINUTE_MS),
  });
  const diff = diffGraphs(side(before), side(after));
  const from = Math.min(before.fromMs, after.fromMs);
  const to = Math.max(before.toMs, after.toMs);
  return {
    before: resolvedWindowRow(before, nowMs),
    after: resolvedWindowRow(after, nowMs),
    addedDependencies: withWindow(diff.addedDependencies, after, asksSeries),
    removedDependencies: withWindow(diff.removedDependencies, before, asksSeries),
    changedDependencies: diff.changedDependencies.map((c) => ({
      from: c.after.from, to: c.after.to, kind: c.after.kind, before: withWindow([c.before], before, asksSeries)[0], after: withWindow([c.after], after, asksSeries)[0],
      reasons: c.reasons, regressed: c.regressed,
    })),
    addedComponents: diff.addedComponents,
    removedComponents: diff.removedComponents,
    versionChanges: model.versionChanges(from, to).map((v) => ({ component: v.component, from: v.from ?? null, to: v.to, at: new Date(v.atMs).toISOString() })),
  };
}
