// What span inference produces: one observed call or handoff between two components.
// The aggregator folds these into Dependency metrics; nothing downstream looks at spans.

export type ComponentKind = 'SERVICE' | 'DATABASE' | 'QUEUE' | 'EXTERNAL' | 'AI' | 'HUMAN';
export type DependencyKind = 'SYNC' | 'ASYNC' | 'PUBLISH' | 'CONSUME' | 'DATABASE';

export interface ComponentRef {
  name: string;
  kind: ComponentKind;
  /** True when no span came from this component: it is known only from a peer's attributes. */
  virtual: boolean;
}

/** A component seen emitting spans, with what its resource says about it. */
export interface ComponentSighting extends ComponentRef {
  namespace: string | undefined;
  version: string | undefined;
  environment: string | undefined;
  timeUnixMs: number;
  /** A root span of this component named no caller: it is where a workflow starts. */
  entryPoint: boolean;
}

export interface Interaction {
  from: ComponentRef;
  to: ComponentRef;
  kind: DependencyKind;
  /** http, grpc, postgresql, kafka, gen_ai, human, ... */
  protocol: string;
  operation: string | undefined;
  traceId: string;
  /** When the call started (caller's clock), epoch ms. */
  timeUnixMs: number;
  /** Latency as the caller saw it; for ASYNC, the handoff lag (consumer start − producer end). */
  durationMs: number;
  /** The calling side's span ended in ERROR (undefined when that side was not observed). */
  callerError: boolean | undefined;
  /** The called side's span ended in ERROR (for one-sided spans: the call itself failed). */
  calleeError: boolean;
}
