// Small builders for detector and graph tests: a snapshot with only what a scenario needs stated.
// Components referenced by an edge but not listed are added as plain undocumented services.
import type { ComponentNode, DeclaredComponent, DeclaredDependency, DependencyEdge, GraphSnapshot, Intent, Tier, WorkflowStats } from '../model/graph-snapshot.ts';

export const NOW_MS = 1_700_000_000_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface ComponentSpec extends Partial<Omit<ComponentNode, 'intent'>> {
  tier?: Tier;
  degradable?: boolean;
  maxP95Ms?: number;
  maxErrorRate?: number;
}

export function component(name: string, spec: ComponentSpec = {}): ComponentNode {
  const { tier, degradable, maxP95Ms, maxErrorRate, ...rest } = spec;
  const intent: Intent = { tier, degradable, maxP95Ms, maxErrorRate };
  return {
    name, kind: 'SERVICE', virtual: false, documented: true, owner: undefined, system: undefined,
    firstSeenMs: NOW_MS - 30 * DAY_MS, lastSeenMs: NOW_MS, ...rest, intent,
  };
}

export function edge(from: string, to: string, spec: Partial<DependencyEdge> = {}): DependencyEdge {
  return {
    from, to, kind: 'SYNC', protocol: 'http', calls: 100, errors: 0, calleeErrors: 0, propagatedErrors: 0,
    p50Ms: 20, p95Ms: 50, p99Ms: 80, errorPropagation: undefined, callsPerTrace: 1, unconsumed: 0, documented: true,
    firstSeenMs: NOW_MS - 30 * DAY_MS, lastSeenMs: NOW_MS - 60_000, exemplarTraceIds: [`trace-${from}-${to}`], ...spec,
  };
}

/** An edge where the callee failed `calleeErrors` times and the caller failed with it `propagated` times. */
export function failingEdge(from: string, to: string, calleeErrors: number, propagated: number, spec: Partial<DependencyEdge> = {}): DependencyEdge {
  return edge(from, to, { errors: calleeErrors, calleeErrors, propagatedErrors: propagated, errorPropagation: calleeErrors > 0 ? propagated / calleeErrors : undefined, ...spec });
}

export function workflow(entry: string, spec: Partial<WorkflowStats> = {}): WorkflowStats {
  return {
    entry, operation: 'POST /orders', runs: 100, failedRuns: 0, manualRuns: 0, unhandledErrors: [],
    exemplarTraceIds: [`trace-${entry}`], lastSeenMs: NOW_MS - 60_000, ...spec,
  };
}

export interface SnapshotSpec {
  components?: ComponentNode[];
  dependencies?: DependencyEdge[];
  declared?: DeclaredDependency[];
  declaredOnly?: DeclaredComponent[];
  workflows?: WorkflowStats[];
  nowMs?: number;
  caughtUpToMs?: number;
  catalogLoaded?: boolean;
}

export function snapshot(spec: SnapshotSpec): GraphSnapshot {
  const components = [...(spec.components ?? [])];
  const known = new Set(components.map((c) => c.name));
  for (const d of spec.dependencies ?? []) {
    for (const name of [d.from, d.to]) {
      if (!known.has(name)) {
        known.add(name);
        components.push(component(name, { documented: false }));
      }
    }
  }
  return {
    nowMs: spec.nowMs ?? NOW_MS,
    components,
    dependencies: spec.dependencies ?? [],
    declared: spec.declared ?? [],
    declaredOnly: spec.declaredOnly ?? [],
    workflows: spec.workflows ?? [],
    catalogLoaded: spec.catalogLoaded ?? true,
    caughtUpToMs: spec.caughtUpToMs,
  };
}

export const declared = (from: string, to: string, source = 'catalog-info.yaml'): DeclaredDependency => ({ from, to, source });
