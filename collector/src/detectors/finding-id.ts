// Stable finding ids: the same condition keeps the same id across runs and collectors, so a
// finding is opened once and resolved when it goes away. Derived from the kind and the
// components that identify the condition, never from measurements that change run to run.
import { createHash } from 'node:crypto';
import type { FindingKind } from '../model/graph-snapshot.ts';

/** 16 hex characters of sha256(`${kind}:${parts joined by ' -> '}`). */
export function findingId(kind: FindingKind, parts: readonly string[]): string {
  return createHash('sha256').update(`${kind}:${parts.join(' -> ')}`).digest('hex').slice(0, 16);
}
