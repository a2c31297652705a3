// Keeps the shape of a representative run per workflow: which calls, handoffs, database, AI and
// human steps one real trace made, in order. It watches the interactions span inference emits
// (grouped by trace) and the workflow runs it reports (which entry point and operation a trace
// was, and how it ended), and per workflow keeps the latest run of its most common set of calls,
// preferring runs that neither failed nor fell to manual handling. Pure: injected clock, no I/O;
// store/workflow-shape-store.ts persists what `takeChanged` hands out.
//
// Bounded everywhere, and counted: traces held at once (a full recorder refuses new traces and
// remembers the refusal so it never keeps half a trace), steps per trace, workflows, shapes per
// workflow. A trace is held for `holdMs` from its first interaction (twice the pairing timeout:
// the workflow tracker reports a run one pairing timeout after its first span, and calls to
// virtual peers are emitted when their CLIENT half expires, up to one more timeout later).
import type { Interaction } from '../model/interaction.ts';
import { workflowKey, type WorkflowShape, type WorkflowStep } from '../model/workflow-shape.ts';
import type { WorkflowRun } from '../inference/workflow-tracker.ts';
import { createPairingStore, type Expiring } from '../inference/pairing-store.ts';

export interface ShapeRecorderOptions {
  clock: () => number;
  holdMs: number;
  /** Traces held at once. */
  maxTraces?: number;
  /** Steps kept per trace; a longer run is kept truncated. */
  maxSteps?: number;
  maxWorkflows?: number;
  /** Distinct call sets remembered per workflow (the least seen is forgotten first). */
  maxShapesPerWorkflow?: number;
  /** A kept shape is handed out again with fresher timings at most this often. */
  refreshMs?: number;
}

export interface ShapeRecorderStats {
  heldTraces: number;
  refusedTraces: number;
  /** Runs whose trace was refused or expired before its run was reported: no shape from them. */
  runsWithoutSteps: number;
  /** Steps beyond maxSteps, not kept. */
  droppedSteps: number;
  capturedRuns: number;
  workflows: number;
  droppedWorkflows: number;
}

interface RawStep extends Omit<WorkflowStep, 'atMs'> {
  startMs: number;
}

interface HeldTrace extends Expiring {
  steps: RawStep[];
  truncated: boolean;
  run: WorkflowRun | undefined;
}

interface Refusal extends Expiring {}

interface ShapeGroup {
  count: number;
  latest: WorkflowShape;
  healthy: boolean;
}

interface WorkflowState {
  groups: Map<string, ShapeGroup>;
  captured: number;
  /** Signature and trace of what was last handed out, and when. */
  handedSignature: string | undefined;
  handedTraceId: string | undefined;
  handedAtMs: number;
}

const groupKey = (signature: string, healthy: boolean) => `${healthy ? 'h' : 'x'}${signature}`;

export function createShapeRecorder(options: ShapeRecorderOptions) {
  const maxTraces = options.maxTraces ?? 2000;
  const maxSteps = options.maxSteps ?? 64;
  const maxWorkflows = options.maxWorkflows ?? 10_000;
  const maxShapes = options.maxShapesPerWorkflow ?? 8;
  const refreshMs = options.refreshMs ?? 300_000;
  const counts = { refusedTraces: 0, runsWithoutSteps: 0, droppedSteps: 0, capturedRuns: 0, droppedWorkflows: 0 };
  const workflows = new Map<string, WorkflowState>();

  const traces = createPairingStore<HeldTrace, string>({
    maxEntries: maxTraces,
    clock: options.clock,
    onExpire: (traceId, held) => {
      if (held.run) finish(traceId, held.run, held);
    },
  });
  // Traces refused while full: their later interactions are refused too, never kept as half a run.
  const refused = createPairingStore<Refusal, string>({ maxEntries: maxTraces * 10, clock: options.clock, onExpire: () => {} });

  function finish(traceId: string, run: WorkflowRun, held: HeldTrace | undefined): void {
    const key = workflowKey(run.entry, run.operation);
    let state = workflows.get(key);
    if (!state) {
      if (workflows.size >= maxWorkflows) {
        counts.droppedWorkflows++;
        return;
      }
      state = { groups: new Map(), captured: 0, handedSignature: undefined, handedTraceId: undefined, handedAtMs: 0 };
      workflows.set(key, state);
    }
    counts.capturedRuns++;
    state.captured++;
    const raw = held?.steps ?? [];
    // Time order; of two steps starting together, the longer first (a call before what it waits on).
    raw.sort((a, b) => a.startMs - b.startMs || b.durationMs - a.durationMs);
    const origin = raw[0]?.startMs ?? run.timeUnixMs;
    const steps: WorkflowStep[] = raw.map(({ startMs, ...s }) => ({ ...s, atMs: Math.max(0, startMs - origin) }));
    const signature = [...new Set(steps.map((s) => `${s.from}\u0000${s.to}\u0000${s.kind}\u0000${s.operation ?? ''}`))].sort().join('\u0001');
    const healthy = !run.failed && !run.manual;
    const shape: WorkflowShape = {
      key, entry: run.entry, operation: run.operation, traceId, startedAtMs: Math.min(run.timeUnixMs, origin),
      failed: run.failed, manual: run.manual, steps, truncated: held?.truncated ?? false, sameShapeRuns: 0, capturedRuns: 0,
    };
    const gk = groupKey(signature, healthy);
    const group = state.groups.get(gk);
    if (group) {
      group.count++;
      group.latest = shape;
    } else {
      if (state.groups.size >= maxShapes) {
        let rarest: string | undefined;
        let fewest = Infinity;
        for (const [k, g] of state.groups) if (g.count < fewest) [rarest, fewest] = [k, g.count];
        if (rarest !== undefined) state.groups.delete(rarest);
      }
      state.groups.set(gk, { count: 1, latest: shape, healthy });
    }
  }

  /** The most common healthy call set's latest run, else the most common of any. */
  function representative(state: WorkflowState): { signature: string; group: ShapeGroup } | undefined {
    let best: { signature: string; group: ShapeGroup } | undefined;
    for (const [signature, group] of state.groups) {
      if (!best || (group.healthy && !best.group.healthy) || (group.healthy === best.group.healthy && group.count > best.group.count)) best = { signature, group };
    }
    return best;
  }

  return {
    /** An interaction from span inference (a reused object: copied, never kept). */
    observe(i: Interaction): void {
      let held = traces.peek(i.traceId);
      if (held === undefined) {
        if (refused.peek(i.traceId) !== undefined) return;
        held = { expiresAtMs: options.clock() + options.holdMs, steps: [], truncated: false, run: undefined };
        if (!traces.put(i.traceId, held)) {
          counts.refusedTraces++;
          refused.put(i.traceId, { expiresAtMs: options.clock() + options.holdMs });
          return;
        }
      }
      if (held.steps.length >= maxSteps) {
        held.truncated = true;
        counts.droppedSteps++;
        return;
      }
      held.steps.push({
        from: i.from.name, fromKind: i.from.kind, to: i.to.name, toKind: i.to.kind, kind: i.kind, protocol: i.protocol, operation: i.operation,
        startMs: i.timeUnixMs, durationMs: i.durationMs, error: i.calleeError || i.callerError === true,
      });
    },

    /** A workflow run the workflow tracker closed: its trace's steps become a candidate shape. */
    runEnded(run: WorkflowRun): void {
      const held = traces.peek(run.traceId);
      if (held) {
        held.run = run; // finished when the hold expires: later steps of the trace still arrive
        return;
      }
      if (refused.peek(run.traceId) !== undefined) {
        counts.runsWithoutSteps++;
        return;
      }
      // No interaction at all: a workflow its entry serves alone.
      finish(run.traceId, run, undefined);
    },

    /** Finishes traces whose hold has passed. */
    expire(): void {
      traces.expire();
      refused.expire();
    },

    /** Finishes every held trace now (shutdown). */
    expireAll(): void {
      traces.expireAll();
    },

    /**
     * Representative shapes that changed since they were last handed out: a new workflow, another
     * call set becoming the most common, or the same one with a run newer than refreshMs.
     */
    takeChanged(): WorkflowShape[] {
      this.expire();
      const now = options.clock();
      const out: WorkflowShape[] = [];
      for (const state of workflows.values()) {
        const best = representative(state);
        if (!best) continue;
        const { signature, group } = best;
        const fresher = group.latest.traceId !== state.handedTraceId && now - state.handedAtMs >= refreshMs;
        if (signature === state.handedSignature && !fresher) continue;
        state.handedSignature = signature;
        state.handedTraceId = group.latest.traceId;
        state.handedAtMs = now;
        out.push({ ...group.latest, sameShapeRuns: group.count, capturedRuns: state.captured });
      }
      return out;
    },

    /** Every workflow's representative shape now (tests, and an API in the same process). */
    current(): WorkflowShape[] {
      const out: WorkflowShape[] = [];
      for (const state of workflows.values()) {
        const best = representative(state);
        if (best) out.push({ ...best.group.latest, sameShapeRuns: best.group.count, capturedRuns: state.captured });
      }
      return out;
    },

    stats(): ShapeRecorderStats {
      return { heldTraces: traces.stats().size, ...counts, workflows: workflows.size };
    },
  };
}

export type ShapeRecorder = ReturnType<typeof createShapeRecorder>;
