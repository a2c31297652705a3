import { describe, expect, it } from 'vitest';
import type { ComponentKind, DependencyKind, Interaction } from '../model/interaction.ts';
import type { WorkflowRun } from '../inference/workflow-tracker.ts';
import { manualClock } from '../testing/builders.ts';
import { createShapeRecorder } from './shape-recorder.ts';

function call(traceId: string, from: string, to: string, atMs: number, durationMs: number, spec: { kind?: DependencyKind; toKind?: ComponentKind; error?: boolean; operation?: string } = {}): Interaction {
  return {
    from: { name: from, kind: 'SERVICE', virtual: false }, to: { name: to, kind: spec.toKind ?? 'SERVICE', virtual: false },
    kind: spec.kind ?? 'SYNC', protocol: 'http', operation: spec.operation ?? `GET /${to}`, traceId, timeUnixMs: atMs, durationMs,
    callerError: spec.error ?? false, calleeError: spec.error ?? false,
  };
}

const run = (traceId: string, spec: Partial<WorkflowRun> = {}): WorkflowRun => ({
  entry: 'storefront', operation: 'POST /orders', traceId, timeUnixMs: 1000, failed: false, manual: false, unhandledErrorPath: undefined, ...spec,
});

function orderRun(recorder: ReturnType<typeof createShapeRecorder>, traceId: string, t0: number, extra = false) {
  // Arrival order is not time order: the deepest calls end (and are exported) first.
  recorder.observe(call(traceId, 'checkout', 'pricing', t0 + 5, 10));
  if (extra) recorder.observe(call(traceId, 'checkout', 'postgresql://db/orders', t0 + 20, 3, { kind: 'DATABASE', toKind: 'DATABASE', operation: 'INSERT' }));
  recorder.observe(call(traceId, 'storefront', 'checkout', t0, 40));
}

describe('workflow shape recorder', () => {
  it('keeps a run as steps in time order, relative to its first step, once its hold has passed', () => {
    const clock = manualClock(0);
    const recorder = createShapeRecorder({ clock: clock.now, holdMs: 2000 });
    orderRun(recorder, 't1', 1000, true);
    recorder.runEnded(run('t1'));
    expect(recorder.takeChanged()).toEqual([]); // later steps of the trace may still come
    clock.advance(2000);
    const [shape] = recorder.takeChanged();
    expect(shape?.traceId).toBe('t1');
    expect(shape?.steps.map((s) => [s.from, s.to, s.atMs])).toEqual([
      ['storefront', 'checkout', 0], ['checkout', 'pricing', 5], ['checkout', 'postgresql://db/orders', 20],
    ]);
    expect(shape?.steps[2]).toMatchObject({ kind: 'DATABASE', toKind: 'DATABASE', operation: 'INSERT', durationMs: 3, error: false });
    expect(shape).toMatchObject({ key: 'storefront POST /orders', sameShapeRuns: 1, capturedRuns: 1 });
    expect(recorder.takeChanged()).toEqual([]); // unchanged: nothing to write again
  });

  it('prefers the most common healthy call set over a failed or manual run', () => {
    const clock = manualClock(0);
    const recorder = createShapeRecorder({ clock: clock.now, holdMs: 1000, refreshMs: 60_000 });
    orderRun(recorder, 'fail', 1000, true);
    recorder.runEnded(run('fail', { failed: true }));
    clock.advance(1000);
    expect(recorder.takeChanged().map((s) => s.traceId)).toEqual(['fail']); // the only one yet
    for (const id of ['ok1', 'ok2']) {
      orderRun(recorder, id, 3000);
      recorder.runEnded(run(id));
    }
    orderRun(recorder, 'manual', 4000, true);
    recorder.runEnded(run('manual', { manual: true }));
    clock.advance(1000);
    const [shape] = recorder.takeChanged();
    expect(shape).toMatchObject({ traceId: 'ok2', failed: false, sameShapeRuns: 2, capturedRuns: 4 });
    expect(shape?.steps).toHaveLength(2);
  });

  it('hands the same call set out again only when a newer run is older than the refresh interval', () => {
    const clock = manualClock(0);
    const recorder = createShapeRecorder({ clock: clock.now, holdMs: 1000, refreshMs: 10_000 });
    orderRun(recorder, 'a', 0);
    recorder.runEnded(run('a'));
    clock.advance(1000);
    expect(recorder.takeChanged()).toHaveLength(1);
    orderRun(recorder, 'b', 1000);
    recorder.runEnded(run('b'));
    clock.advance(1000);
    expect(recorder.takeChanged()).toEqual([]);
    clock.advance(10_000);
    expect(recorder.takeChanged().map((s) => s.traceId)).toEqual(['b']);
  });

  it('refuses new traces when full, and never keeps half of a refused one', () => {
    const clock = manualClock(0);
    const recorder = createShapeRecorder({ clock: clock.now, holdMs: 1000, maxTraces: 1 });
    recorder.observe(call('held', 'storefront', 'checkout', 0, 10));
    clock.advance(500);
    recorder.observe(call('refused', 'checkout', 'pricing', 0, 10));
    recorder.runEnded(run('held'));
    clock.advance(500);
    recorder.expire(); // the held trace finishes: room again
    recorder.observe(call('refused', 'storefront', 'checkout', 0, 10));
    recorder.runEnded(run('refused'));
    clock.advance(1000);
    expect(recorder.current().map((s) => s.traceId)).toEqual(['held']);
    expect(recorder.stats()).toMatchObject({ refusedTraces: 1, runsWithoutSteps: 1, capturedRuns: 1 });
  });

  it('keeps at most maxSteps steps of a run and says it was cut', () => {
    const clock = manualClock(0);
    const recorder = createShapeRecorder({ clock: clock.now, holdMs: 1000, maxSteps: 3 });
    for (let i = 0; i < 5; i++) recorder.observe(call('long', 'checkout', 'pricing', i, 1));
    recorder.runEnded(run('long'));
    clock.advance(1000);
    const [shape] = recorder.takeChanged();
    expect(shape?.steps).toHaveLength(3);
    expect(shape?.truncated).toBe(true);
    expect(recorder.stats().droppedSteps).toBe(2);
  });

  it('records a workflow its entry serves alone as a run with no steps', () => {
    const clock = manualClock(0);
    const recorder = createShapeRecorder({ clock: clock.now, holdMs: 1000 });
    recorder.runEnded(run('alone', { entry: 'pricing', operation: 'GET /health' }));
    expect(recorder.takeChanged()).toMatchObject([{ key: 'pricing GET /health', steps: [] }]);
  });

  it('bounds the workflows it follows', () => {
    const clock = manualClock(0);
    const recorder = createShapeRecorder({ clock: clock.now, holdMs: 1000, maxWorkflows: 2 });
    for (const op of ['a', 'b', 'c']) recorder.runEnded(run(`t-${op}`, { operation: op }));
    expect(recorder.current()).toHaveLength(2);
    expect(recorder.stats().droppedWorkflows).toBe(1);
  });
});
