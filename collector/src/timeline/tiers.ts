// Bucket resolutions and how buckets age (DESIGN.md §7): one-minute buckets for the last day,
// hour buckets up to 30 days, day buckets beyond, everything dropped after the retention. The
// same plan drives the roll-up in Neo4j (store/rollup.ts) and in the read model, so both always
// hold the same buckets and answer a window alike. Pure.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface Tiers {
  /** Minute buckets younger than this stay minute buckets. */
  minuteKeepMs: number;
  /** Hour buckets younger than this stay hour buckets (older ones become day buckets). */
  hourKeepMs: number;
  /** Buckets that ended longer ago than this are dropped. */
  retentionMs: number;
}

export function tiersFor(retentionMs: number): Tiers {
  return { minuteKeepMs: Math.min(DAY_MS, retentionMs), hourKeepMs: Math.min(30 * DAY_MS, retentionMs), retentionMs };
}

export interface RollupPlan {
  /** Minute buckets starting before this (a whole hour) are summed into their hour. */
  minutesBefore: number;
  /** Hour buckets starting before this (a whole day) are summed into their day. */
  hoursBefore: number;
  /** Buckets ending at or before this are dropped. */
  dropBefore: number;
}

export function rollupPlan(nowMs: number, tiers: Tiers): RollupPlan {
  return {
    minutesBefore: Math.floor((nowMs - tiers.minuteKeepMs) / HOUR_MS) * HOUR_MS,
    hoursBefore: Math.floor((nowMs - tiers.hourKeepMs) / DAY_MS) * DAY_MS,
    dropBefore: nowMs - tiers.retentionMs,
  };
}

/** The resolution a bucket starting at `startMs` has under the plan (finest it may still be). */
export function rolledStart(startMs: number, resMs: number, plan: RollupPlan): { startMs: number; resMs: number } {
  if (resMs === MINUTE_MS && startMs < plan.minutesBefore) {
    startMs = Math.floor(startMs / HOUR_MS) * HOUR_MS;
    resMs = HOUR_MS;
  }
  if (resMs === HOUR_MS && startMs < plan.hoursBefore) {
    startMs = Math.floor(startMs / DAY_MS) * DAY_MS;
    resMs = DAY_MS;
  }
  return { startMs, resMs };
}
