// What detectors see: the observed graph as read back from Neo4j, the declared catalog joined
// onto it, and per-workflow outcomes. Plain data, no driver types: detectors are pure functions
// of a snapshot plus thresholds.
import type { ComponentKind, DependencyKind } from './interaction.ts';

export type Tier = 0 | 1 | 2 | 3;

/** Declared intent (catalog annotations orrery.dev/*), DESIGN.md §4. */
export interface Intent {
  /** 0 must never go down, 1 critical, 2 important, 3 may degrade. */
  tier: Tier | undefined;
  degradable: boolean | undefined;
  /** The latency callers may rely on. */
  maxP95Ms: number | undefined;
  /** The error ratio (0..1) callers may rely on. */
  maxErrorRate: number | undefined;
}

export interface ComponentNode {
  name: string;
  kind: ComponentKind;
  /** Known only from callers' attributes: it sends no spans. */
  virtual: boolean;
  /** Has a catalog entry. */
  documented: boolean;
  owner: string | undefined;
  system: string | undefined;
  intent: Intent;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface DependencyEdge {
  from: string;
  to: string;
  kind: DependencyKind;
  protocol: string;
  /** The latest operation seen (route, RPC method, query kind, model). */
  operation?: string | undefined;
  calls: number;
  /** Calls where either side ended in ERROR. */
  errors: number;
  /** Calls where the callee errored and the caller's side was observed. */
  calleeErrors: number;
  /** Of calleeErrors, those where the caller's span errored too. */
  propagatedErrors: number;
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
  /** propagatedErrors / calleeErrors; undefined when the callee never errored or is one-sided. */
  errorPropagation: number | undefined;
  /**
   * When the window saw no callee failure: the share propagated in the newest minute the callee
   * did fail in, before the window (a caller seen handling failure then is not assumed to pass it on).
   */
  lastErrorPropagation?: number | undefined;
  callsPerTrace: number | undefined;
  /** Published messages no consumer took (PUBLISH edges). */
  unconsumed: number;
  /** Declared in the catalog. */
  documented: boolean;
  firstSeenMs: number;
  lastSeenMs: number;
  exemplarTraceIds: string[];
}

/**
 * A dependency the catalog declares (spec.dependsOn / consumesApis), observed or not, between
 * observed names: an entity seen as several observed components (replicas, two namespaces)
 * gives one DeclaredDependency per pair, all with the same `declaredAs`.
 */
export interface DeclaredDependency {
  from: string;
  to: string;
  /** The catalog file that declares it. */
  source: string;
  /** The declaration as the catalog writes it (entity names), when that differs from from/to. */
  declaredAs?: { from: string; to: string } | undefined;
}

/** A catalog entity no observed component is, named by a declaration of an observed one. */
export interface DeclaredComponent {
  /** Its name in the catalog (orrery.dev/service-name, else metadata.name). */
  name: string;
  /** From the entity's kind and spec.type (a Resource of type database is a DATABASE). */
  kind: ComponentKind;
  /** e.g. `component:default/old-billing`. */
  entityRef: string;
  owner: string | undefined;
  system: string | undefined;
  intent: Intent;
  /** The catalog file that declares it. */
  source: string;
}

/**
 * A workflow is the work started at one entry point: a root SERVER or CONSUMER span's
 * service and operation. Outcomes are counted per run (trace).
 */
export interface WorkflowStats {
  /** Entry component name. */
  entry: string;
  operation: string;
  runs: number;
  /** Runs whose root span ended in ERROR. */
  failedRuns: number;
  /** Runs that included a HUMAN step (manual handling). */
  manualRuns: number;
  /**
   * Errors born in a dependency that reached the entry with every span on the way in ERROR
   * (nobody handled them), grouped by the path they travelled, entry first.
   */
  unhandledErrors: Array<{ path: string[]; count: number; exemplarTraceIds: string[] }>;
  exemplarTraceIds: string[];
  lastSeenMs: number;
}

export interface GraphSnapshot {
  /** When the snapshot was taken, epoch ms (detectors never read the clock themselves). */
  nowMs: number;
  components: ComponentNode[];
  dependencies: DependencyEdge[];
  declared: DeclaredDependency[];
  /** Declared targets never observed (absent: none, or no catalog). */
  declaredOnly?: DeclaredComponent[] | undefined;
  workflows: WorkflowStats[];
  /** True when a catalog is configured: documentation findings are only raised against one. */
  catalogLoaded: boolean;
  /**
   * How far ingestion has caught up: the newest span time written (at most nowMs). Waiting and
   * staleness are judged against it, not against the wall clock, so a backlog being replayed (or a
   * collector catching up after a Neo4j outage) does not look like messages waiting. Defaults to nowMs.
   */
  caughtUpToMs?: number | undefined;
  /** The recent window rates and errors were summed over (ORRERY_DETECT_WINDOW), for explanations. */
  windowMs?: number | undefined;
}

export type FindingKind =
  | 'CYCLE'
  | 'CHATTY_COUPLING'
  | 'SHARED_DATASTORE'
  | 'HIGH_COUPLING'
  | 'ORPHANED_HANDOFF'
  | 'UNHANDLED_EXCEPTION'
  | 'EXCEPTION_HEAVY_WORKFLOW'
  | 'UNDOCUMENTED_DEPENDENCY'
  | 'STALE_DECLARATION'
  | 'UNCATALOGUED_SERVICE'
  | 'CASCADING_RISK_PATH'
  | 'SINGLE_POINT_OF_FAILURE'
  | 'SYNC_AI_ON_CRITICAL_PATH';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFO';

export interface RaisedFinding {
  /** Stable across runs: derived from kind and the components (and path) it concerns. */
  id: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  /** Plain language: what happens, why it matters for the declared intent, the evidence. */
  detail: string;
  components: string[];
  path: string[] | undefined;
  evidence: { traceIds: string[]; [measure: string]: number | string | string[] };
  /**
   * Only on a summary beyond the cap (detectors/flood-control.ts): the ids of the findings it
   * counts. They are still raised, just not listed: one already open stays open rather than
   * resolving (and sending a resolved alert) until it is raised neither in the list nor here.
   */
  heldBack?: readonly string[];
}
