// The CI gate's baseline: the findings a branch already had, so a pull request fails only on what
// it adds. A JSON file (`npm run check -- --write-baseline FILE`), meant to be committed and read
// in review; parsing names the field that is wrong. Pure.
import type { FindingKind, RaisedFinding, Severity } from '../model/graph-snapshot.ts';

export const BASELINE_FORMAT = 'orrery-check-baseline/1';
const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];

export interface BaselineFinding {
  id: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  components: string[];
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  /** When it was written, ISO-8601. */
  writtenAt: string;
  findings: BaselineFinding[];
}

export class BaselineError extends Error {
  override name = 'BaselineError';
}

/** Sorted by kind, then id, so a rewritten baseline diffs cleanly. */
export function toBaseline(findings: readonly RaisedFinding[], nowMs: number): Baseline {
  return {
    format: BASELINE_FORMAT,
    writtenAt: new Date(nowMs).toISOString(),
    findings: findings
      .map((f) => ({ id: f.id, kind: f.kind, severity: f.severity, title: f.title, components: [...f.components] }))
      .sort((a, b) => (a.kind === b.kind ? (a.id < b.id ? -1 : 1) : a.kind < b.kind ? -1 : 1)),
  };
}

export function parseBaseline(text: string, file: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const fail = (where: string, what: string): never => {
    throw new BaselineError(`${file}: ${where} ${what} (write one with --write-baseline)`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('the file', 'must be an object with format and findings');
  const doc = raw as Record<string, unknown>;
  if (doc.format !== BASELINE_FORMAT) fail('format', `must be "${BASELINE_FORMAT}", got ${JSON.stringify(doc.format)}`);
  if (!Array.isArray(doc.findings)) fail('findings', 'must be a list');
  const findings = (doc.findings as unknown[]).map((f, i): BaselineFinding => {
    const where = `findings[${i}]`;
    if (typeof f !== 'object' || f === null) fail(where, 'must be an object');
    const r = f as Record<string, unknown>;
    if (typeof r.id !== 'string' || r.id === '') fail(`${where}.id`, 'must be a non-empty string');
    if (typeof r.kind !== 'string') fail(`${where}.kind`, 'must be a finding kind');
    if (!SEVERITIES.includes(r.severity as Severity)) fail(`${where}.severity`, `must be one of ${SEVERITIES.join(', ')}`);
    const components = Array.isArray(r.components) && r.components.every((c) => typeof c === 'string') ? (r.components as string[]) : fail(`${where}.components`, 'must be a list of names');
    return { id: r.id as string, kind: r.kind as FindingKind, severity: r.severity as Severity, title: typeof r.title === 'string' ? r.title : '', components };
  });
  return { format: BASELINE_FORMAT, writtenAt: typeof doc.writtenAt === 'string' ? doc.writtenAt : '', findings };
}
