// Findings on the map: which components and dependencies each one concerns, the worst severity
// touching each, and the order the findings panel lists them in. Pure: the map, the findings
// panel and the component panel all read these, so the three agree on what a finding touches.
import { SEVERITIES, type Finding, type FindingStatus, type ResolvedWindow, type Severity } from './model.ts';
import type { Emphasis } from './render-model.ts';

/** An edge as drawn: one per direction between two components (render-model.ts `MapEdge`). */
export interface EdgeRef {
  id: string;
  from: string;
  to: string;
}

export interface SeverityStyle {
  label: string;
  colour: string;
}

/**
 * Severity colours are the map's second colour channel. Edge strokes already carry the error
 * rate (amber above 1%, red above 5%), so findings never recolour a stroke: they draw a halo
 * around a component and a broad translucent band under a dependency.
 */
export const SEVERITY_STYLES: Readonly<Record<Severity, SeverityStyle>> = {
  CRITICAL: { label: 'Critical', colour: '#ff3d57' },
  HIGH: { label: 'High', colour: '#ff8a2a' },
  MEDIUM: { label: 'Medium', colour: '#f2c14e' },
  LOW: { label: 'Low', colour: '#5fa8ff' },
  INFO: { label: 'Info', colour: '#8b95a5' },
};

/** A resolved finding keeps its severity label but loses its colour: it no longer describes the estate. */
export const RESOLVED_COLOUR = '#4a5362';

export function findingColour(finding: Finding): string {
  return isActive(finding) ? SEVERITY_STYLES[finding.severity].colour : RESOLVED_COLOUR;
}

const SEVERITY_RANK = new Map<Severity, number>(SEVERITIES.map((s, i) => [s, i]));
const STATUS_RANK: Readonly<Record<FindingStatus, number>> = { OPEN: 0, ACKNOWLEDGED: 1, RESOLVED: 2 };

/** 0 for CRITICAL up to 4 for INFO: lower is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITY_RANK.get(severity) ?? SEVERITIES.length;
}

export function worseSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

/** Still true of the estate: open, or acknowledged by a person but not yet resolved. */
export function isActive(finding: Finding): boolean {
  return finding.status !== 'RESOLVED';
}

/** Worst first; among equals, open before acknowledged, then the most recently seen. */
/** The tier-weighted traffic a finding puts at stake, as the detectors ranked it (0 when not given). */
const impactOf = (f: Finding): number => (typeof f.evidence?.['impact'] === 'number' ? f.evidence['impact'] : 0);

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    impactOf(b) - impactOf(a) ||
    b.lastSeen.localeCompare(a.lastSeen) ||
    a.kind.localeCompare(b.kind) ||
    a.title.localeCompare(b.title) ||
    a.id.localeCompare(b.id)
  );
}

export interface SeverityGroup {
  severity: Severity;
  findings: Finding[];
}

export interface FindingGroups {
  /** Open and acknowledged findings, one group per severity present, CRITICAL first. */
  active: SeverityGroup[];
  /** Resolved findings, worst first: kept for context, never coloured on the map. */
  resolved: Finding[];
  /** Active findings per severity, zeros included, for the panel's header. */
  counts: Record<Severity, number>;
}

export function groupFindings(findings: readonly Finding[]): FindingGroups {
  const sorted = [...findings].sort(compareFindings);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const bySeverity = new Map<Severity, Finding[]>();
  const resolved: Finding[] = [];
  for (const f of sorted) {
    if (!isActive(f)) {
      resolved.push(f);
      continue;
    }
    counts[f.severity] += 1;
    const group = bySeverity.get(f.severity);
    if (group) group.push(f);
    else bySeverity.set(f.severity, [f]);
  }
  const active = SEVERITIES.filter((s) => bySeverity.has(s)).map((severity) => ({ severity, findings: bySeverity.get(severity)! }));
  return { active, resolved, counts };
}

/**
 * The findings that held at some moment of the window: first seen before it ended, last seen
 * after it began (an open finding is seen again at every detector pass). The one being read is
 * kept whatever the window, so changing the range never pulls it from under the reader.
 */
export function findingsInWindow(findings: readonly Finding[], window: Pick<ResolvedWindow, 'fromMs' | 'toMs'>, keepId: string | null = null): Finding[] {
  return findings.filter((f) => {
    if (f.id === keepId) return true;
    const first = Date.parse(f.firstSeen);
    const last = Date.parse(f.lastSeen);
    // A timestamp the page cannot read does not hide the finding.
    if (!Number.isFinite(first) || !Number.isFinite(last)) return true;
    return first <= window.toMs && last >= window.fromMs;
  });
}

/** The components a finding names: its components and every component on its path. */
export function concernedComponents(finding: Finding): Set<string> {
  return new Set([...finding.components, ...(finding.path ?? [])]);
}

/**
 * The drawn edges a finding concerns. With a path: the edge between each two consecutive path
 * components, in the path's direction, or the reverse one when only that is drawn (a consumer
 * is reached over a queue's edge, whichever way the trace recorded it). Without a path: every
 * (or a path of one component, which is no route) every edge whose two ends are both among the
 * finding's components.
 */
export function concernedEdges(finding: Finding, edges: readonly EdgeRef[]): Set<string> {
  const ids = new Set<string>();
  const index = edgeIndex(edges);
  if (finding.path && finding.path.length > 1) {
    for (let i = 1; i < finding.path.length; i++) {
      const a = finding.path[i - 1]!;
      const b = finding.path[i]!;
      const id = index.byPair.get(pairKey(a, b)) ?? index.byPair.get(pairKey(b, a));
      if (id !== undefined) ids.add(id);
    }
    return ids;
  }
  const names = new Set(finding.components);
  for (const name of names) for (const e of index.byNode.get(name) ?? []) if (names.has(e.from) && names.has(e.to)) ids.add(e.id);
  return ids;
}

/**
 * The drawn edges by pair and by component, built once per list: the map asks for every finding's
 * edges on every change, and at 20,000 edges a scan per finding took seconds.
 */
const edgeIndexes = new WeakMap<readonly EdgeRef[], { byPair: Map<string, string>; byNode: Map<string, EdgeRef[]> }>();
function edgeIndex(edges: readonly EdgeRef[]) {
  let index = edgeIndexes.get(edges);
  if (!index) {
    index = { byPair: new Map(), byNode: new Map() };
    for (const e of edges) {
      index.byPair.set(pairKey(e.from, e.to), e.id);
      for (const name of e.from === e.to ? [e.from] : [e.from, e.to]) {
        const list = index.byNode.get(name);
        if (list) list.push(e);
        else index.byNode.set(name, [e]);
      }
    }
    edgeIndexes.set(edges, index);
  }
  return index;
}

/** The first name's length keeps pairs apart whatever their names hold (cheaper than JSON for 20,000 edges). */
function pairKey(from: string, to: string): string {
  return `${from.length}:${from}${to}`;
}

export interface SeverityMarks {
  /** Component name to the worst severity among the active findings that concern it. */
  nodes: Map<string, Severity>;
  /** Edge id to the worst severity among the active findings that concern it. */
  edges: Map<string, Severity>;
}

/** What the map colours: only active findings; a resolved finding no longer describes the estate. */
export function severityMarks(findings: readonly Finding[], edges: readonly EdgeRef[]): SeverityMarks {
  const nodes = new Map<string, Severity>();
  const edgeMarks = new Map<string, Severity>();
  const mark = (map: Map<string, Severity>, key: string, severity: Severity) => {
    const before = map.get(key);
    map.set(key, before === undefined ? severity : worseSeverity(before, severity));
  };
  for (const f of findings) {
    if (!isActive(f)) continue;
    for (const name of concernedComponents(f)) mark(nodes, name, f.severity);
    for (const id of concernedEdges(f, edges)) mark(edgeMarks, id, f.severity);
  }
  return { nodes, edges: edgeMarks };
}

/** What stays bright while a finding is selected; everything else on the map is dimmed. */
export function findingEmphasis(finding: Finding, edges: readonly EdgeRef[]): Emphasis {
  return { nodes: concernedComponents(finding), edges: concernedEdges(finding, edges) };
}

/** The findings that name a component (in their components or on their path): active ones worst first, then resolved ones. */
export function findingsConcerning(name: string, findings: readonly Finding[]): Finding[] {
  return findings
    .filter((f) => f.components.includes(name) || (f.path?.includes(name) ?? false))
    .sort((a, b) => Number(isActive(b)) - Number(isActive(a)) || compareFindings(a, b));
}

/** `SYNC_AI_ON_CRITICAL_PATH` reads as "Sync AI on critical path". */
export function findingKindLabel(kind: string): string {
  const words = kind.toLowerCase().split('_').filter((w) => w !== '');
  if (words.length === 0) return kind;
  const text = words.map((w) => (w === 'ai' ? 'AI' : w)).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface EvidenceRow {
  label: string;
  values: string[];
  /** Identifiers (trace ids) drawn in a monospace font so they can be compared and copied. */
  mono: boolean;
}

/**
 * The evidence object as labelled rows: `traceIds` becomes "Trace ids", `p95Ms` becomes
 * "p95 (ms)", numbers are rounded for reading, lists become one value per entry.
 */
export function evidenceRows(evidence: Readonly<Record<string, unknown>> | null): EvidenceRow[] {
  if (evidence === null) return [];
  return Object.entries(evidence).map(([key, value]) => ({
    label: evidenceLabel(key),
    values: (Array.isArray(value) ? value : [value]).map(evidenceValue),
    mono: /ids?$/i.test(key) && /trace|span/i.test(key),
  }));
}

function evidenceLabel(key: string): string {
  const unit = /Ms$/.test(key) ? ' (ms)' : '';
  const base = unit ? key.slice(0, -2) : key;
  const words = base
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
  // Percentiles keep their conventional lower case: "p95 (ms)".
  const head = /^p\d/.test(words) ? words.charAt(0) : words.charAt(0).toUpperCase();
  return head + words.slice(1) + unit;
}

function evidenceValue(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? value.toLocaleString('en') : value.toLocaleString('en', { maximumFractionDigits: 2 });
  }
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '—';
  return JSON.stringify(value);
}
