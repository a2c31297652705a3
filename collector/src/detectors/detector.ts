// What a detector is, and every threshold the detectors use with its default (DESIGN.md §5).
import type { FindingKind, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';

export interface Detector {
  kind: FindingKind;
  /** Pure: the same snapshot gives the same findings, with the same ids. */
  detect(snapshot: GraphSnapshot): RaisedFinding[];
}

export const DEFAULT_THRESHOLDS = {
  // --- CASCADING_RISK_PATH ---
  /** Longest synchronous path followed from a tier-0/1 component, in hops. */
  cascadeMaxHops: 6,
  /**
   * How many tiers less critical the end must be than the start (degradable counts as tier 3).
   * 2: tier 0 on tier 2/3, tier 1 on tier 3; a tier-0 leaning on a tier-1 is normal practice.
   */
  cascadeMinTierGap: 2,
  /** Paths along which failure reaches the start less often than this are not a risk path. */
  cascadeMinProbability: 0.1,
  /**
   * Hops without error data a path may cross: failure is assumed to propagate over a couple of
   * unobserved hops, but a long chain of assumptions is speculation, and floods a large estate.
   */
  cascadeMaxAssumedHops: 2,
  /** Calls an edge needs before its error rate or p95 is judged against a promise. */
  minCallsForRates: 20,

  // --- STALE_DECLARATION ---
  /** ORRERY_STALE_AFTER_MS: a declared dependency unobserved this long (7 days) is stale. */
  staleAfterMs: 7 * 24 * 3_600_000,

  // --- ORPHANED_HANDOFF ---
  /** ORRERY_HANDOFF_TIMEOUT_MS: how long a handed-off message may wait for a consumer (5 min). */
  handoffTimeoutMs: 300_000,
  /** Unconsumed messages (reported by pairing) that make a read destination orphaned... */
  orphanMinUnconsumed: 5,
  /** ...when they are also at least this share of what was published. */
  orphanUnconsumedShare: 0.05,

  // --- CHATTY_COUPLING ---
  /** Calls from one caller to one callee within one trace (DESIGN.md §5: 10). */
  chattyCallsPerTrace: 10,

  // --- SINGLE_POINT_OF_FAILURE ---
  /** Tier-0/1 components that must fail with a component for it to be a single point of failure. */
  spofMinCriticalDependents: 2,
  /** A critical component "fails with" another when failure reaches it with at least this probability. */
  spofMinProbability: 0.5,
  /** Longest synchronous path followed, in hops. */
  spofMaxHops: 6,
  /** Hops without error data a path may cross (see cascadeMaxAssumedHops). */
  spofMaxAssumedHops: 2,

  // --- SYNC_AI_ON_CRITICAL_PATH ---
  /** p95 of the call into an AI component that is too slow to wait on (DESIGN.md §5: 2 s). */
  aiP95Ms: 2000,

  // --- HIGH_COUPLING ---
  /** Fewer components than this and there is no estate norm to compare against. */
  couplingMinComponents: 10,
  /** Fan-in + fan-out (distinct neighbours) below this is never high. */
  couplingMinDegree: 8,
  /** How many median absolute deviations above the median counts as far above the norm. */
  couplingMadMultiplier: 3,

  // --- EXCEPTION_HEAVY_WORKFLOW / UNHANDLED_EXCEPTION ---
  /** Share of runs falling to manual handling or ending in error (DESIGN.md §5: more than 10%). */
  exceptionShare: 0.1,
  /** Runs a workflow needs before its exception share means anything. */
  exceptionMinRuns: 20,
  /** Unhandled errors along one path before it is raised (one is a blip). */
  unhandledMinCount: 3,

  // --- all ---
  /** Example trace ids quoted per finding. */
  maxTraceIds: 5,
  /**
   * ORRERY_MAX_FINDINGS: findings raised per pass at most, worst first; the rest are counted in
   * one summary finding per kind (flood-control.ts). 100 reads as a list; Infinity turns it off.
   */
  maxFindingsPerPass: 100,
};

export type Thresholds = { [K in keyof typeof DEFAULT_THRESHOLDS]: number };
export type DetectorOptions = Partial<Thresholds>;

export const thresholds = (options: DetectorOptions = {}): Thresholds => ({ ...DEFAULT_THRESHOLDS, ...stripUndefined(options) });

function stripUndefined(options: DetectorOptions): DetectorOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
