// The shape of one representative run of a workflow: the calls, handoffs, database, AI and human
// steps of one real trace, in the order they happened. Kept in the graph (store/workflow-shape-
// store.ts) so generated docs can draw a sequence diagram after a restart. Plain data.
import type { ComponentKind, DependencyKind } from './interaction.ts';

export interface WorkflowStep {
  from: string;
  fromKind: ComponentKind;
  to: string;
  toKind: ComponentKind;
  kind: DependencyKind;
  protocol: string;
  operation: string | undefined;
  /** When the step started, ms after the run's first step started. */
  atMs: number;
  /** The call's latency as the caller saw it; for ASYNC, the handoff lag. */
  durationMs: number;
  /** Either side of the step ended in ERROR. */
  error: boolean;
}

export interface WorkflowShape {
  /** `${entry} ${operation}`, as the read model and the Workflow node key it. */
  key: string;
  entry: string;
  operation: string;
  traceId: string;
  /** When the run started, epoch ms. */
  startedAtMs: number;
  failed: boolean;
  manual: boolean;
  /** In time order (ties: the longer step first, so a call comes before what it waits on). */
  steps: WorkflowStep[];
  /** The run had more steps than are kept. */
  truncated: boolean;
  /** Captured runs that made the same set of calls as this one... */
  sameShapeRuns: number;
  /** ...of the runs captured for this workflow since the collector started. */
  capturedRuns: number;
}

export const workflowKey = (entry: string, operation: string): string => `${entry} ${operation}`;
