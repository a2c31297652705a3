// Shared wording for explanations: components named with their declared intent, numbers with
// their units, example traces.
import type { ComponentNode, DependencyEdge, FindingKind, Tier } from '../model/graph-snapshot.ts';

const TIER_MEANING: Record<Tier, string> = { 0: 'must never go down', 1: 'critical', 2: 'important', 3: 'may degrade' };

/** `storefront (tier 0: must never go down)`, `fraud-check (tier 3, degradable)`, `approvals (no declared tier)`. */
export function describe(name: string, component: Pick<ComponentNode, 'intent'> | undefined): string {
  const intent = component?.intent;
  const tier = intent?.tier;
  if (tier === undefined) return intent?.degradable ? `${name} (degradable)` : `${name} (no declared tier)`;
  return intent?.degradable ? `${name} (tier ${tier}, degradable)` : `${name} (tier ${tier}: ${TIER_MEANING[tier]})`;
}

export function percent(ratio: number): string {
  const p = ratio * 100;
  if (p > 0 && p < 1) return `${p.toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

/** Thousands separated by commas (1,234,567); not toLocaleString, which is slow in bulk. */
export function count(n: number): string {
  if (n > -1000 && n < 1000) return String(n);
  const [whole = '0', fraction] = String(n).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
export const ms = (value: number): string => `${count(Math.round(value))} ms`;
export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/** Up to `max` distinct trace ids, taking the edges in the order given. */
export function traceIdsOf(sources: ReadonlyArray<{ exemplarTraceIds: readonly string[] }>, max: number): string[] {
  const out: string[] = [];
  for (const s of sources) {
    for (const id of s.exemplarTraceIds) {
      if (out.length >= max) return out;
      if (!out.includes(id)) out.push(id);
    }
  }
  return out;
}

export const exampleTraces = (ids: readonly string[]): string => (ids.length > 0 ? ` Example traces: ${ids.join(', ')}.` : '');

export const errorRate = (edge: DependencyEdge): number => (edge.calls > 0 ? edge.errors / edge.calls : 0);

/** One line per hop for the evidence: what was observed on it. */
export function hopSummary(edge: DependencyEdge): string {
  const propagation = edge.errorPropagation === undefined
    ? 'propagation unknown'
    : `propagation ${percent(edge.errorPropagation)} (${edge.propagatedErrors}/${edge.calleeErrors})`;
  const p95 = edge.p95Ms === undefined ? '' : `, p95 ${ms(edge.p95Ms)}`;
  return `${edge.from} -> ${edge.to} [${edge.kind}]: ${propagation}, ${plural(edge.calls, 'call')}, error rate ${percent(errorRate(edge))}${p95}`;
}

/** `7 days`, `5 minutes`, `40 seconds`: the largest whole unit. */
export function duration(valueMs: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, unit] of units) {
    if (valueMs >= size) return plural(Math.floor(valueMs / size), unit);
  }
  return `${Math.max(0, Math.round(valueMs))} ms`;
}

/** An epoch-ms instant as an ISO date-time to the minute (UTC). */
export const instant = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const KIND_NAMES: Record<FindingKind, string> = {
  CYCLE: 'cycle', CHATTY_COUPLING: 'chatty coupling', SHARED_DATASTORE: 'shared datastore', HIGH_COUPLING: 'high coupling',
  ORPHANED_HANDOFF: 'orphaned handoff', UNHANDLED_EXCEPTION: 'unhandled exception', EXCEPTION_HEAVY_WORKFLOW: 'exception-heavy workflow',
  UNDOCUMENTED_DEPENDENCY: 'undocumented dependency', STALE_DECLARATION: 'stale declaration', UNCATALOGUED_SERVICE: 'uncatalogued service',
  CASCADING_RISK_PATH: 'cascading-risk path', SINGLE_POINT_OF_FAILURE: 'single point of failure', SYNC_AI_ON_CRITICAL_PATH: 'synchronous AI call on a critical path',
};

/** A finding kind in words: `single point of failure`. */
export const describeKind = (kind: FindingKind): string => KIND_NAMES[kind];
