// Ranking and flood control for one pass. Findings are ordered worst first: by severity, then by
// impact (impact.ts), then by id. Impact is compared in quarter-octave steps (about 19% apart), so
// two findings of similar impact keep their order while traffic moves a few percent between
// passes, and the cap does not swap them in and out.
//
// At most maxFindingsPerPass findings are raised; what lies beyond the cap is counted, per kind,
// in one summary finding of that kind (kinds stay the DESIGN.md §5 ones, so alert routes and the
// CI gate that match on kind see it). A summary's id is derived from its kind alone, so it opens
// when a kind first overflows and resolves when it no longer does; its severity is the worst of
// what it counts. A finding below the cap is still raised, only not listed: the summary carries
// its id (`heldBack`), so one already open stays open instead of resolving and reopening as
// traffic moves it across the cap, and one not yet open is not opened until it is listed.
import type { FindingKind, RaisedFinding, Severity } from '../model/graph-snapshot.ts';
import { count, describeKind } from './explain.ts';
import { findingId } from './finding-id.ts';
import { SEVERITIES, severityRank } from './severity.ts';

/** Ids and titles of capped findings quoted in a summary's evidence. */
const QUOTED = 10;

const step = (impact: number) => Math.floor(Math.log2(1 + Math.max(0, impact)) * 4);

/**
 * Worst first; each finding's evidence gains its `impact` (set on the finding itself: the findings
 * of a pass are that pass's own, and copying thousands of them only to drop most at the cap is waste).
 */
export function rankFindings(findings: readonly RaisedFinding[], impact: (f: RaisedFinding) => number): RaisedFinding[] {
  const keyed = findings.map((finding) => ({ finding, impact: impact(finding), step: 0 }));
  for (const k of keyed) k.step = step(k.impact);
  keyed.sort((a, b) => severityRank(a.finding.severity) - severityRank(b.finding.severity) || b.step - a.step || (a.finding.id < b.finding.id ? -1 : a.finding.id > b.finding.id ? 1 : 0));
  return keyed.map(({ finding, impact }) => {
    finding.evidence.impact = impact;
    return finding;
  });
}

/**
 * rankFindings then capFindings, without measuring impact where it cannot matter: findings of a
 * severity wholly below the cap are counted in summaries whatever their impact, so only the
 * severities down to the one the cap falls in are ranked (impact reads traffic per component
 * and is most of the cost of ranking a large pass).
 */
export function rankAndCap(findings: readonly RaisedFinding[], impact: (f: RaisedFinding) => number, max: number): RaisedFinding[] {
  if (findings.length <= max) return rankFindings(findings, impact);
  const bySeverity = SEVERITIES.map((s) => findings.filter((f) => f.severity === s));
  const ordered: RaisedFinding[] = [];
  for (const group of bySeverity) {
    if (ordered.length < max) ordered.push(...rankFindings(group, impact));
    else ordered.push(...[...group].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  }
  return capFindings(ordered, max);
}

/** The first `max` of ranked findings, then one summary per kind of what was left out. */
export function capFindings(ranked: readonly RaisedFinding[], max: number): RaisedFinding[] {
  if (ranked.length <= max) return [...ranked];
  const kept = ranked.slice(0, Math.max(0, max));
  const byKind = new Map<FindingKind, RaisedFinding[]>();
  for (const f of ranked.slice(kept.length)) {
    const list = byKind.get(f.kind);
    if (list) list.push(f);
    else byKind.set(f.kind, [f]);
  }
  const summaries = [...byKind].map(([kind, capped]) => summary(kind, capped, max, ranked.length));
  // A summary takes its place among the kept findings by its severity, after those of the same severity.
  return [...kept, ...summaries].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}

function summary(kind: FindingKind, capped: readonly RaisedFinding[], max: number, total: number): RaisedFinding {
  const bySeverity = SEVERITIES.map((s) => [s, capped.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const worst: Severity = bySeverity[0]![0];
  const quoted = capped.slice(0, QUOTED);
  const name = describeKind(kind);
  return {
    id: findingId(kind, ['(beyond the cap)']),
    kind,
    severity: worst,
    title: `${count(capped.length)} more ${name} findings beyond the cap of ${count(max)} per pass`,
    detail: `This pass raised ${count(total)} findings; the ${count(max)} most severe and most impactful are listed, and ${count(capped.length)} of kind ${kind} are counted here instead ` +
      `(${bySeverity.map(([s, n]) => `${count(n)} ${s}`).join(', ')}), so the list stays readable. The first of them: ${quoted.map((f) => f.title).join('; ')}${capped.length > quoted.length ? '; …' : ''}. ` +
      `Fix the listed findings first, or raise ORRERY_MAX_FINDINGS to list more.`,
    components: [],
    path: undefined,
    heldBack: capped.map((f) => f.id),
    evidence: {
      traceIds: [],
      capped: capped.length,
      cap: max,
      raised: total,
      bySeverity: bySeverity.map(([s, n]) => `${s}: ${n}`),
      firstIds: quoted.map((f) => f.id),
    },
  };
}
