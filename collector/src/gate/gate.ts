// The CI gate's verdict (`npm run check`, DESIGN.md §8): which findings are new since the baseline
// (or all of them, without one), which of those are at or above --fail-on, and a report a person
// reads in a CI log. Exit 1 when any finding fails the gate, else 0; exit 2 (unusable input) is the
// caller's. Pure.
import type { RaisedFinding, Severity } from '../model/graph-snapshot.ts';
import type { Baseline, BaselineFinding } from './baseline.ts';

export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];
const rank = (s: Severity) => SEVERITIES.indexOf(s);

export type Verdict = 'new' | 'escalated' | 'known';

export interface JudgedFinding {
  finding: RaisedFinding;
  /** new: not in the baseline; escalated: in it at a lower severity; known: in it as it is (or worse there). */
  verdict: Verdict;
  /** New or escalated, at or above the threshold. */
  failing: boolean;
  baselineSeverity?: Severity;
}

export interface GateResult {
  failOn: Severity;
  baselined: boolean;
  judged: JudgedFinding[];
  failing: JudgedFinding[];
  /** In the baseline, no longer raised. */
  gone: BaselineFinding[];
  exitCode: 0 | 1;
}

/** A finding's identity besides its id: ids are derived from these, but a baseline may outlive an id scheme. */
const keyOf = (f: { kind: string; components: readonly string[] }) => `${f.kind}\u0000${[...f.components].sort().join('\u0000')}`;

export function evaluateGate(findings: readonly RaisedFinding[], baseline: Baseline | undefined, failOn: Severity): GateResult {
  const byId = new Map(baseline?.findings.map((f) => [f.id, f]) ?? []);
  const byKey = new Map(baseline?.findings.map((f) => [keyOf(f), f]) ?? []);
  const matched = new Set<BaselineFinding>();
  const judged = findings.map((finding): JudgedFinding => {
    const before = byId.get(finding.id) ?? byKey.get(keyOf(finding));
    if (before) matched.add(before);
    const verdict: Verdict = !baseline || !before ? 'new' : rank(finding.severity) < rank(before.severity) ? 'escalated' : 'known';
    return { finding, verdict, failing: verdict !== 'known' && rank(finding.severity) <= rank(failOn), ...(before ? { baselineSeverity: before.severity } : {}) };
  });
  judged.sort((a, b) => Number(b.failing) - Number(a.failing) || rank(a.finding.severity) - rank(b.finding.severity) || (a.finding.kind < b.finding.kind ? -1 : a.finding.kind > b.finding.kind ? 1 : a.finding.id < b.finding.id ? -1 : 1));
  const failing = judged.filter((j) => j.failing);
  const gone = baseline?.findings.filter((f) => !matched.has(f)) ?? [];
  return { failOn, baselined: baseline !== undefined, judged, failing, gone, exitCode: failing.length > 0 ? 1 : 0 };
}

export interface ReportContext {
  /** e.g. "14 components, 22 dependencies, lifetime". */
  observed: string;
  /** The catalog read, or why there is none. */
  catalog: string;
  /** The baseline read, when one was. */
  baseline?: string | undefined;
  /** Catalog problems that did not stop the check. */
  warnings?: readonly string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function countBySeverity(list: readonly JudgedFinding[]): string {
  return SEVERITIES.map((s) => [s, list.filter((j) => j.finding.severity === s).length] as const).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ');
}

function indent(text: string, width = 120): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + word.length + 1 > width) {
        out.push(`      ${line}`);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) out.push(`      ${line}`);
  }
  return out;
}

export function formatReport(result: GateResult, context: ReportContext): string {
  const lines: string[] = [];
  const scope = result.baselined ? 'new since the baseline' : 'found';
  lines.push(result.exitCode === 1
    ? `Orrery check FAILED: ${plural(result.failing.length, 'finding')} ${scope} at or above ${result.failOn}`
    : `Orrery check passed: no finding ${scope} at or above ${result.failOn}`);
  lines.push(`  observed   ${context.observed}`);
  lines.push(`  catalog    ${context.catalog}`);
  if (context.baseline) lines.push(`  baseline   ${context.baseline}`);
  for (const w of context.warnings ?? []) lines.push(`  warning    ${w}`);
  if (result.failing.length > 0) {
    lines.push('');
    for (const j of result.failing) {
      const f = j.finding;
      const change = j.verdict === 'escalated' ? ` (was ${j.baselineSeverity} in the baseline)` : '';
      lines.push(`  ${f.severity.padEnd(8)} ${f.kind}  ${f.title}${change}`);
      lines.push(...indent(f.detail));
      lines.push(`      components: ${f.components.join(', ')}${f.path && f.path.length > 1 ? ` · path: ${f.path.join(' -> ')}` : ''} · id ${f.id}`);
    }
  }
  const below = result.judged.filter((j) => !j.failing && j.verdict !== 'known');
  const known = result.judged.filter((j) => j.verdict === 'known');
  lines.push('');
  if (below.length > 0) lines.push(`  also ${scope}, below ${result.failOn}: ${below.length} (${countBySeverity(below)})`);
  if (result.baselined) lines.push(`  already in the baseline: ${known.length}${known.length ? ` (${countBySeverity(known)})` : ''} · in the baseline, no longer raised: ${result.gone.length}`);
  lines.push(`  exit ${result.exitCode}`);
  return `${lines.join('\n')}\n`;
}
