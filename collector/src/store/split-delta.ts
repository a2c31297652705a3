// Cuts a drained delta into pieces small enough for one Neo4j transaction each. A replayed
// backlog drains as one delta of up to 100,000 minute buckets, which as one transaction can pass
// Neo4j's transaction memory limit (dbms.memory.transaction.total.max, 70% of the heap by
// default) and would then fail the same way on every retry. Pure.
//
// Pieces keep the order the writer needs: components before the dependencies whose MATCH finds
// them, then workflows. An entity is never cut: its totals and all its buckets stay in one piece,
// so every piece is a complete, commutative merge and pieces may be written one after another.
import type { ComponentDelta, DependencyDelta, GraphDelta, WorkflowDelta } from '../aggregate/graph-aggregator.ts';

/** Rows a piece puts in its transaction: the entity's own row plus one per bucket it carries. */
export function rowsOf(delta: GraphDelta): number {
  let rows = 0;
  for (const c of delta.components) rows += componentRows(c);
  for (const d of delta.dependencies) rows += dependencyRows(d);
  for (const w of delta.workflows) rows += workflowRows(w);
  return rows;
}

const componentRows = (c: ComponentDelta) => 1 + c.buckets.length + c.versionSightings.length;
const dependencyRows = (d: DependencyDelta) => 1 + d.buckets.length;
const workflowRows = (w: WorkflowDelta) => 1 + w.buckets.length + w.buckets.reduce((n, b) => n + b.unhandled.length, 0);

/** The delta in pieces of at most `maxRows` rows (one entity larger than that is a piece of its own). */
export function splitDelta(delta: GraphDelta, maxRows: number): GraphDelta[] {
  if (rowsOf(delta) <= maxRows) return [delta];
  const pieces: GraphDelta[] = [];
  let piece: GraphDelta = { components: [], dependencies: [], workflows: [] };
  let rows = 0;
  const add = <T>(list: (p: GraphDelta) => T[], item: T, n: number) => {
    if (rows > 0 && rows + n > maxRows) {
      pieces.push(piece);
      piece = { components: [], dependencies: [], workflows: [] };
      rows = 0;
    }
    list(piece).push(item);
    rows += n;
  };
  for (const c of delta.components) add((p) => p.components, c, componentRows(c));
  for (const d of delta.dependencies) add((p) => p.dependencies, d, dependencyRows(d));
  for (const w of delta.workflows) add((p) => p.workflows, w, workflowRows(w));
  if (rows > 0) pieces.push(piece);
  return pieces;
}

/** Neo4j's refusal of a transaction that outgrew its memory limit (rolled back, never committed). */
export function isTransactionTooLarge(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return /MemoryPoolOutOfMemoryError|TransactionOutOfMemoryError|MemoryLimitExceeded/i.test(e.code ?? '') ||
    /dbms\.memory\.transaction\.(total\.)?max/.test(e.message ?? '');
}
