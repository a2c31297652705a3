// Keeps each workflow's representative run (workflows/shape-recorder.ts) in Neo4j, one
// (:WorkflowShape {key}) per workflow, so generated docs draw the same sequence diagram after a
// restart and from a process that never saw the traffic (`npm run docs`). Steps are one JSON
// string property: they are only ever read whole.
//
// A healthy stored run is not replaced by a failed or manual one of another call set: a collector
// that restarts and first sees a failing run keeps the docs' picture of a normal run.
import type { Driver } from 'neo4j-driver';
import type { WorkflowShape, WorkflowStep } from '../model/workflow-shape.ts';

export const WORKFLOW_SHAPE_SCHEMA = 'CREATE CONSTRAINT workflow_shape_key IF NOT EXISTS FOR (s:WorkflowShape) REQUIRE s.key IS UNIQUE';

const UPSERT = `
UNWIND $rows AS s
MERGE (w:WorkflowShape {key: s.key})
WITH w, s
WHERE w.traceId IS NULL OR NOT (s.unhealthy AND coalesce(w.unhealthy, false) = false AND w.signature <> s.signature)
SET w.entry = s.entry, w.operation = s.operation, w.traceId = s.traceId, w.startedAt = s.startedAt, w.failed = s.failed,
    w.manual = s.manual, w.unhealthy = s.unhealthy, w.steps = s.steps, w.truncated = s.truncated, w.signature = s.signature,
    w.sameShapeRuns = s.sameShapeRuns, w.capturedRuns = s.capturedRuns`;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

const signatureOf = (steps: readonly WorkflowStep[]): string =>
  [...new Set(steps.map((s) => `${s.from}\u0000${s.to}\u0000${s.kind}\u0000${s.operation ?? ''}`))].sort().join('\u0001');

export function createWorkflowShapeStore(driver: Driver, database: string) {
  let schemaReady = false;
  return {
    async write(shapes: readonly WorkflowShape[]): Promise<void> {
      if (shapes.length === 0) return;
      if (!schemaReady) {
        await driver.executeQuery(WORKFLOW_SHAPE_SCHEMA, {}, { database });
        schemaReady = true;
      }
      const rows = shapes.map((s) => ({
        key: s.key, entry: s.entry, operation: s.operation, traceId: s.traceId, startedAt: s.startedAtMs, failed: s.failed, manual: s.manual,
        unhealthy: s.failed || s.manual, steps: JSON.stringify(s.steps), truncated: s.truncated, signature: signatureOf(s.steps),
        sameShapeRuns: s.sameShapeRuns, capturedRuns: s.capturedRuns,
      }));
      await driver.executeQuery(UPSERT, { rows }, { database });
    },

    async read(): Promise<WorkflowShape[]> {
      const { records } = await driver.executeQuery('MATCH (w:WorkflowShape) RETURN properties(w) AS w ORDER BY w.key', {}, { database, routing: 'READ' });
      const out: WorkflowShape[] = [];
      for (const record of records) {
        const w = record.get('w') as Record<string, unknown>;
        let steps: WorkflowStep[];
        try {
          steps = JSON.parse(String(w.steps ?? '[]')) as WorkflowStep[];
        } catch {
          continue; // a damaged row is skipped, never fatal to the docs
        }
        out.push({
          key: String(w.key), entry: String(w.entry), operation: String(w.operation), traceId: String(w.traceId), startedAtMs: num(w.startedAt),
          failed: w.failed === true, manual: w.manual === true, steps, truncated: w.truncated === true,
          sameShapeRuns: num(w.sameShapeRuns), capturedRuns: num(w.capturedRuns),
        });
      }
      return out;
    },
  };
}

export type WorkflowShapeStore = ReturnType<typeof createWorkflowShapeStore>;
