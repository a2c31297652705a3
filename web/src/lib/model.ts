// The graph as the web app sees it: the GraphQL types of api/src/schema.graphql, normalised at
// the wire boundary (graph-wire.ts) so everything past it can trust names, kinds and numbers.

export const COMPONENT_KINDS = ['SERVICE', 'DATABASE', 'QUEUE', 'EXTERNAL', 'AI', 'HUMAN'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export const DEPENDENCY_KINDS = ['SYNC', 'ASYNC', 'PUBLISH', 'CONSUME', 'DATABASE'] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

export interface Component {
  name: string;
  /** A short label (a database's name is its long identity, system://host/namespace). */
  displayName: string;
  /** A root span of it named no caller: workflows start here. */
  entryPoint: boolean;
  kind: ComponentKind;
  namespace: string | null;
  versions: string[];
  /** 0 must never go down, 1 critical, 2 important, 3 may degrade; null when undeclared. */
  tier: number | null;
  owner: string | null;
  system: string | null;
  documented: boolean;
  /** No span came from it: inferred from a caller's attributes only. */
  virtual: boolean;
  firstSeen: string | null;
  lastSeen: string | null;
  /** Set on a folded group drawn as one node (lib/fold.ts), never on what the API sends. */
  group?: ComponentGroup;
}

/** A system, owner or namespace folded into one node. */
export interface ComponentGroup {
  by: 'system' | 'owner' | 'namespace';
  /** The system, owner or namespace, or null for the components that have none. */
  key: string | null;
  members: string[];
}

export interface Dependency {
  from: string;
  to: string;
  kind: DependencyKind;
  protocol: string;
  operation: string | null;
  calls: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** calls divided by the minutes of the window the dependency was read for. */
  callsPerMinute: number;
  /** errors / calls (0 without calls). */
  errorRate: number;
  /** Share of the callee's errors during which the caller's span errored too (0..1). */
  errorPropagation: number | null;
  callsPerTrace: number | null;
  documented: boolean;
  firstSeen: string;
  lastSeen: string;
}

/** Worst first: the order findings are listed and the order in which they win a colour. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FINDING_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** A problem a detector found (DESIGN.md section 5). `kind` stays a string: new detectors add kinds. */
export interface Finding {
  id: string;
  kind: string;
  severity: Severity;
  title: string;
  /** Plain-language explanation with the evidence, written by the detector. */
  detail: string;
  components: string[];
  /** The route the problem follows, first component first, where one applies. */
  path: string[] | null;
  status: FindingStatus;
  firstSeen: string;
  lastSeen: string;
  /** The numbers behind the finding (counts, rates, trace ids), decoded from the wire's JSON text. */
  evidence: Readonly<Record<string, unknown>> | null;
  /** The note left by whoever acknowledged it. */
  acknowledgement: string | null;
}

/** A time window as the API resolved it (GraphQL `ResolvedWindow`), instants in epoch ms. */
export interface ResolvedWindow {
  fromMs: number;
  toMs: number;
  /** Width of the buckets the window is summed from: 60 within the last day, 3600 beyond. */
  resolutionSeconds: number;
}

export interface GraphSnapshot {
  /** The range every number in the snapshot is summed over. */
  window: ResolvedWindow;
  components: Component[];
  dependencies: Dependency[];
  /** Dependencies dropped because an end is not among the components (counted, never silent). */
  droppedDependencies: number;
  /** Every finding, whatever its status: a resolved one stays listed (greyed) rather than vanishing. */
  findings: Finding[];
  receivedAt: Date;
}

/** One step of a component's history (GraphQL `ComponentPoint`), `atMs` the step's start. */
export interface ComponentPoint {
  atMs: number;
  callsIn: number;
  callsOut: number;
  errors: number;
}

/** One step of a dependency's history (GraphQL `DependencyPoint`). */
export interface DependencyPoint {
  atMs: number;
  calls: number;
  errors: number;
  p95Ms: number | null;
}

/** A dependency in both windows of a diff whose rate, error rate or p95 moved beyond noise. */
export interface DependencyChange {
  from: string;
  to: string;
  kind: DependencyKind;
  before: Dependency;
  after: Dependency;
  /** What moved and by how much, with the counts behind it, worded by the API. */
  reasons: string[];
  /** For the worse (more errors, slower, a rate collapse); otherwise an improvement. */
  regressed: boolean;
}

export interface VersionChange {
  component: string;
  from: string | null;
  to: string;
  /** When the new version was first seen. */
  atMs: number;
}

/** GraphQL `graphDiff`, with the components of the before window (to draw what was removed). */
export interface GraphDiff {
  before: ResolvedWindow;
  after: ResolvedWindow;
  addedDependencies: Dependency[];
  removedDependencies: Dependency[];
  changedDependencies: DependencyChange[];
  addedComponents: string[];
  removedComponents: string[];
  versionChanges: VersionChange[];
  /** Every component active in the before window, by name: kind and label of the removed ones. */
  beforeComponents: Component[];
}

export interface Point {
  x: number;
  y: number;
}
