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

export interface GraphSnapshot {
  components: Component[];
  dependencies: Dependency[];
  /** Dependencies dropped because an end is not among the components (counted, never silent). */
  droppedDependencies: number;
  /** Every finding, whatever its status: a resolved one stays listed (greyed) rather than vanishing. */
  findings: Finding[];
  receivedAt: Date;
}

export interface Point {
  x: number;
  y: number;
}
