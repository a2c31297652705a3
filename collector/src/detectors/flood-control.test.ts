import { describe, expect, it } from 'vitest';
import type { FindingKind, RaisedFinding, Severity } from '../model/graph-snapshot.ts';
import { capFindings, rankAndCap, rankFindings } from './flood-control.ts';
import { createDetectors, runDetectors } from './index.ts';
import { component, edge, snapshot } from './testing.ts';

const finding = (id: string, severity: Severity, kind: FindingKind = 'UNDOCUMENTED_DEPENDENCY'): RaisedFinding =>
  ({ id, kind, severity, title: `finding ${id}`, detail: '', components: [id], path: undefined, evidence: { traceIds: [] } });

describe('rankFindings', () => {
  it('orders by severity, then impact, then id, and records the impact', () => {
    const impacts: Record<string, number> = { a: 10, b: 5000, c: 300, d: 0 };
    const ranked = rankFindings([finding('a', 'HIGH'), finding('b', 'LOW'), finding('c', 'HIGH'), finding('d', 'HIGH')], (f) => impacts[f.id]!);
    expect(ranked.map((f) => f.id)).toEqual(['c', 'a', 'd', 'b']);
    expect(ranked[0]?.evidence.impact).toBe(300);
  });

  it('keeps the order of findings whose impact moved a few percent (no swapping at the cap)', () => {
    const order = (x: number, y: number) => rankFindings([finding('x', 'HIGH'), finding('y', 'HIGH')], (f) => (f.id === 'x' ? x : y)).map((f) => f.id);
    expect(order(1100, 1150)).toEqual(['x', 'y']);
    expect(order(1150, 1100)).toEqual(['x', 'y']);
    expect(order(1000, 2000)).toEqual(['y', 'x']);
  });
});

describe('capFindings', () => {
  const ranked = [finding('c1', 'CRITICAL', 'CASCADING_RISK_PATH'), finding('h1', 'HIGH'), finding('h2', 'HIGH'), finding('h3', 'HIGH', 'SINGLE_POINT_OF_FAILURE'), finding('m1', 'MEDIUM'), finding('l1', 'LOW')];

  it('keeps the first N and counts the rest in one summary per kind, placed by its worst severity', () => {
    const capped = capFindings(ranked, 2);
    expect(capped.map((f) => `${f.severity} ${f.kind}${f.id.length === 16 ? ' (summary)' : ` ${f.id}`}`)).toEqual([
      'CRITICAL CASCADING_RISK_PATH c1', 'HIGH UNDOCUMENTED_DEPENDENCY h1', 'HIGH UNDOCUMENTED_DEPENDENCY (summary)', 'HIGH SINGLE_POINT_OF_FAILURE (summary)',
    ]);
    const summary = capped[2]!;
    expect(summary).toMatchObject({ title: '3 more undocumented dependency findings beyond the cap of 2 per pass', components: [], evidence: { capped: 3, cap: 2, raised: 6, bySeverity: ['HIGH: 1', 'MEDIUM: 1', 'LOW: 1'], firstIds: ['h2', 'm1', 'l1'] } });
    expect(summary.detail).toContain('raise ORRERY_MAX_FINDINGS to list more');
  });

  it('gives a summary the same id pass after pass, whatever it counts', () => {
    const id = (list: RaisedFinding[], max: number) => capFindings(list, max).find((f) => f.evidence.capped !== undefined && f.kind === 'UNDOCUMENTED_DEPENDENCY')?.id;
    expect(id(ranked, 2)).toBe(id(ranked.slice(0, 5), 1));
    expect(capFindings(ranked, 6)).toHaveLength(6);
  });

  it('caps a whole pass at maxFindingsPerPass', () => {
    // 30 services, each calling an undeclared dependency: 30 undocumented dependencies.
    const estate = snapshot({
      components: Array.from({ length: 30 }, (_, i) => component(`svc-${i}`)),
      dependencies: Array.from({ length: 30 }, (_, i) => edge(`svc-${i}`, `dep-${i}`, { documented: false })),
    });
    const detectors = createDetectors().filter((d) => d.kind === 'UNDOCUMENTED_DEPENDENCY');
    expect(runDetectors(estate, detectors)).toHaveLength(30);
    const capped = runDetectors(estate, detectors, undefined, { maxFindingsPerPass: 10 });
    expect(capped).toHaveLength(11);
    expect(capped[10]?.evidence.capped).toBe(20);
  });
});

describe('rankAndCap', () => {
  it('gives the same list as ranking everything, measuring impact only down to the severity the cap falls in', () => {
    const findings = [finding('c', 'CRITICAL'), finding('h1', 'HIGH'), finding('h2', 'HIGH'), finding('m1', 'MEDIUM'), finding('m2', 'MEDIUM'), finding('l1', 'LOW')];
    const measured: string[] = [];
    const impact = (f: RaisedFinding) => {
      measured.push(f.id);
      return f.id === 'h2' ? 100 : 1;
    };
    const capped = rankAndCap(findings, impact, 2);
    expect(capped.map((f) => f.id).slice(0, 2)).toEqual(['c', 'h2']);
    expect(measured.sort()).toEqual(['c', 'h1', 'h2']);
    expect(capped.map((f) => f.id)).toEqual(capFindings(rankFindings(findings, impact), 2).map((f) => f.id));
  });
});
