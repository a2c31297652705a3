// Ages the time buckets in Neo4j by the plan of timeline/tiers.ts: minute buckets older than a
// day are summed into their hour, hour buckets older than 30 days into their day, and buckets past
// ORRERY_RETENTION are deleted. Each batch reads old buckets, merges their sums into the coarser
// bucket (the same commutative MERGE the writer uses) and deletes them in one transaction, so a
// crash or a second collector never counts a minute twice or loses it. Storage therefore grows with
// edges × retained buckets, never with spans.
import type { Driver } from 'neo4j-driver';
import neo4j from 'neo4j-driver';
import { DAY_MS, HOUR_MS, MINUTE_MS, rollupPlan, type Tiers } from '../timeline/tiers.ts';

interface BucketLabel {
  label: string;
  /** Properties naming what the bucket is of (with res and start, its key). */
  identity: string[];
  /** Counts summed when buckets merge. */
  sums: string[];
  /** Count lists summed element-wise (latency histograms). */
  lists: string[];
}

export const BUCKET_LABELS: BucketLabel[] = [
  { label: 'Bucket', identity: ['from', 'to', 'kind', 'protocol'], sums: ['calls', 'errors', 'calleeErrors', 'propagatedErrors', 'traces', 'unconsumed'], lists: ['latency'] },
  { label: 'ComponentBucket', identity: ['component'], sums: ['sightings'], lists: [] },
  { label: 'WorkflowBucket', identity: ['workflow'], sums: ['runs', 'failedRuns', 'manualRuns'], lists: [] },
  { label: 'UnhandledBucket', identity: ['workflow', 'path'], sums: ['count'], lists: [] },
];

const BATCH = 5000;
const int = (n: number) => neo4j.int(Math.round(n));
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function mergeStatement(l: BucketLabel): string {
  const create = [...l.identity.map((p) => `n.${p} = b.${p}`), 'n.res = b.res', 'n.start = b.start', ...l.sums.map((p) => `n.${p} = 0`), ...l.lists.map((p) => `n.${p} = []`)];
  const add = [
    ...l.sums.map((p) => `n.${p} = n.${p} + b.${p}`),
    ...l.lists.map((p) => `n.${p} = [i IN range(0, CASE WHEN size(n.${p}) > size(b.${p}) THEN size(n.${p}) ELSE size(b.${p}) END - 1) | coalesce(n.${p}[i], 0) + coalesce(b.${p}[i], 0)]`),
  ];
  return `UNWIND $rows AS b MERGE (n:${l.label} {key: b.key}) ON CREATE SET ${create.join(', ')} SET ${add.join(', ')}`;
}

export interface RollupStats {
  runs: number;
  rolledUp: number;
  dropped: number;
  lastRunMs: number | undefined;
  lastError: string | undefined;
}

export function createNeo4jRollup(driver: Driver, database: string, tiers: Tiers) {
  const stats: RollupStats = { runs: 0, rolledUp: 0, dropped: 0, lastRunMs: undefined, lastError: undefined };

  /** Sums buckets of `fromRes` starting before `before` into buckets of `toRes`; returns how many were folded. */
  async function fold(l: BucketLabel, fromRes: number, toRes: number, before: number): Promise<number> {
    let total = 0;
    for (;;) {
      const session = driver.session({ database });
      try {
        const folded = await session.executeWrite(async (tx) => {
          const old = await tx.run(`MATCH (b:${l.label}) WHERE b.res = $res AND b.start < $before WITH b LIMIT $limit RETURN elementId(b) AS id, properties(b) AS b`, {
            res: int(fromRes), before: int(before), limit: int(BATCH),
          });
          if (old.records.length === 0) return 0;
          const groups = new Map<string, Record<string, unknown>>();
          for (const record of old.records) {
            const b = record.get('b') as Record<string, unknown>;
            const start = Math.floor(num(b.start) / toRes) * toRes;
            const identity = l.identity.map((p) => b[p]);
            const key = JSON.stringify([...identity, toRes, start]);
            let g = groups.get(key);
            if (!g) {
              g = { key, res: toRes, start, ...Object.fromEntries(l.identity.map((p) => [p, b[p]])), ...Object.fromEntries(l.sums.map((p) => [p, 0])), ...Object.fromEntries(l.lists.map((p) => [p, [] as number[]])) };
              groups.set(key, g);
            }
            for (const p of l.sums) g[p] = num(g[p]) + num(b[p]);
            for (const p of l.lists) {
              const into = g[p] as number[];
              const from = (b[p] as number[] | undefined) ?? [];
              for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) + num(from[i]);
            }
          }
          const rows = [...groups.values()].map((g) => ({
            ...g, res: int(num(g.res)), start: int(num(g.start)),
            ...Object.fromEntries(l.sums.map((p) => [p, int(num(g[p]))])),
            ...Object.fromEntries(l.lists.map((p) => [p, (g[p] as number[]).map((x) => int(x ?? 0))])),
          }));
          await tx.run(mergeStatement(l), { rows });
          await tx.run('UNWIND $ids AS id MATCH (b) WHERE elementId(b) = id DELETE b', { ids: old.records.map((r) => r.get('id')) });
          return old.records.length;
        });
        total += folded;
        if (folded < BATCH) return total;
      } finally {
        await session.close();
      }
    }
  }

  async function drop(l: BucketLabel, res: number, dropBefore: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { records } = await driver.executeQuery(
        `MATCH (b:${l.label}) WHERE b.res = $res AND b.start <= $last WITH b LIMIT $limit DELETE b RETURN count(*) AS n`,
        { res: int(res), last: int(dropBefore - res), limit: int(BATCH) },
        { database },
      );
      const n = num(records[0]?.get('n'));
      total += n;
      if (n < BATCH) return total;
    }
  }

  return {
    /** One pass of the plan at `nowMs`. */
    async run(nowMs: number): Promise<void> {
      const started = performance.now();
      const plan = rollupPlan(nowMs, tiers);
      try {
        for (const l of BUCKET_LABELS) {
          stats.rolledUp += await fold(l, MINUTE_MS, HOUR_MS, plan.minutesBefore);
          stats.rolledUp += await fold(l, HOUR_MS, DAY_MS, plan.hoursBefore);
          for (const res of [MINUTE_MS, HOUR_MS, DAY_MS]) stats.dropped += await drop(l, res, plan.dropBefore);
        }
        stats.runs++;
        stats.lastError = undefined;
      } catch (error) {
        stats.lastError = (error as Error).message;
        throw error;
      } finally {
        stats.lastRunMs = performance.now() - started;
      }
    },
    stats: (): RollupStats => ({ ...stats }),
  };
}
