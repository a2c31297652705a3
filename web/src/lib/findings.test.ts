import { describe, expect, it } from 'vitest';
import {
  compareFindings,
  concernedEdges,
  evidenceRows,
  findingEmphasis,
  findingKindLabel,
  findingsConcerning,
  findingsInWindow,
  groupFindings,
  severityMarks,
  worseSeverity,
} from './findings.ts';
import { finding } from './test-builders.ts';

const edge = (from: string, to: string) => ({ id: JSON.stringify([from, to]), from, to });
const ids = (set: ReadonlySet<string>) => [...set].map((id) => (JSON.parse(id) as string[]).join('>')).sort();

// storefront -> checkout -> payments -> gateway, checkout -> fraud -> openai, and a reply edge
// payments -> checkout so two-way pairs are covered.
const edges = [
  edge('storefront', 'checkout'),
  edge('checkout', 'payments'),
  edge('payments', 'checkout'),
  edge('payments', 'gateway'),
  edge('checkout', 'fraud'),
  edge('fraud', 'openai'),
  edge('orders', 'shipping'),
];

describe('severity order', () => {
  it('lists critical first, open before acknowledged, then the most recently seen', () => {
    const list = [
      finding('low', { severity: 'LOW' }),
      finding('high-acked', { severity: 'HIGH', status: 'ACKNOWLEDGED' }),
      finding('high-old', { severity: 'HIGH', lastSeen: '2025-01-01T00:10:00.000Z' }),
      finding('high-new', { severity: 'HIGH', lastSeen: '2025-01-01T00:20:00.000Z' }),
      finding('critical', { severity: 'CRITICAL' }),
    ];
    expect(list.sort(compareFindings).map((f) => f.id)).toEqual(['critical', 'high-new', 'high-old', 'high-acked', 'low']);
  });

  it('puts the finding with more traffic at stake first within a severity (evidence.impact)', () => {
    const list = [finding('quiet', { severity: 'HIGH', evidence: { impact: 12 } }), finding('busy', { severity: 'HIGH', evidence: { impact: 900 } }), finding('medium', { severity: 'MEDIUM', evidence: { impact: 5000 } })];
    expect(list.sort(compareFindings).map((f) => f.id)).toEqual(['busy', 'quiet', 'medium']);
  });

  it('keeps the worse of two severities', () => {
    expect(worseSeverity('MEDIUM', 'HIGH')).toBe('HIGH');
    expect(worseSeverity('INFO', 'LOW')).toBe('LOW');
    expect(worseSeverity('CRITICAL', 'CRITICAL')).toBe('CRITICAL');
  });
});

describe('groupFindings', () => {
  it('groups active findings by severity, worst first, and sets resolved ones apart', () => {
    const groups = groupFindings([
      finding('a', { severity: 'MEDIUM' }),
      finding('b', { severity: 'CRITICAL', status: 'ACKNOWLEDGED' }),
      finding('c', { severity: 'MEDIUM' }),
      finding('d', { severity: 'CRITICAL', status: 'RESOLVED' }),
    ]);
    expect(groups.active.map((g) => [g.severity, g.findings.map((f) => f.id)])).toEqual([
      ['CRITICAL', ['b']],
      ['MEDIUM', ['a', 'c']],
    ]);
    expect(groups.resolved.map((f) => f.id)).toEqual(['d']);
    expect(groups.counts).toEqual({ CRITICAL: 1, HIGH: 0, MEDIUM: 2, LOW: 0, INFO: 0 });
  });
});

describe('what a finding concerns', () => {
  it('follows a path over the edges between consecutive components, in the path direction', () => {
    const f = finding('cascade', { components: ['storefront', 'payments'], path: ['storefront', 'checkout', 'payments'] });
    // payments -> checkout also joins two path components, but the path runs the other way.
    expect(ids(concernedEdges(f, edges))).toEqual(['checkout>payments', 'storefront>checkout']);
  });

  it('takes the reverse edge when only that one is drawn', () => {
    const f = finding('handoff', { path: ['openai', 'fraud'] });
    expect(ids(concernedEdges(f, edges))).toEqual(['fraud>openai']);
  });

  it('without a path, takes every edge with both ends among the components', () => {
    const f = finding('spof', { components: ['gateway', 'payments', 'checkout', 'storefront'] });
    expect(ids(concernedEdges(f, edges))).toEqual(['checkout>payments', 'payments>checkout', 'payments>gateway', 'storefront>checkout']);
  });

  it('skips path hops that are not drawn', () => {
    const f = finding('gap', { path: ['storefront', 'ghost', 'checkout'] });
    expect(concernedEdges(f, edges).size).toBe(0);
  });

  it('emphasises path and components together', () => {
    const f = finding('ai', { components: ['storefront', 'checkout'], path: ['checkout', 'fraud', 'openai'] });
    const emphasis = findingEmphasis(f, edges);
    expect([...emphasis.nodes].sort()).toEqual(['checkout', 'fraud', 'openai', 'storefront']);
    expect(ids(emphasis.edges)).toEqual(['checkout>fraud', 'fraud>openai']);
  });
});

describe('severityMarks', () => {
  it('colours each component and edge by the worst active finding touching it', () => {
    const marks = severityMarks(
      [
        finding('medium', { severity: 'MEDIUM', path: ['storefront', 'checkout', 'payments'] }),
        finding('critical', { severity: 'CRITICAL', path: ['checkout', 'payments'] }),
        finding('info', { severity: 'INFO', components: ['orders'] }),
      ],
      edges,
    );
    expect(marks.nodes.get('storefront')).toBe('MEDIUM');
    expect(marks.nodes.get('checkout')).toBe('CRITICAL');
    expect(marks.nodes.get('orders')).toBe('INFO');
    expect(marks.edges.get(edge('storefront', 'checkout').id)).toBe('MEDIUM');
    expect(marks.edges.get(edge('checkout', 'payments').id)).toBe('CRITICAL');
    expect(marks.edges.has(edge('payments', 'checkout').id)).toBe(false);
  });

  it('leaves resolved findings off the map and keeps acknowledged ones on it', () => {
    const marks = severityMarks(
      [
        finding('gone', { severity: 'CRITICAL', status: 'RESOLVED', components: ['orders', 'shipping'] }),
        finding('seen', { severity: 'LOW', status: 'ACKNOWLEDGED', components: ['orders', 'shipping'] }),
      ],
      edges,
    );
    expect(marks.nodes.get('orders')).toBe('LOW');
    expect(marks.edges.get(edge('orders', 'shipping').id)).toBe('LOW');
  });
});

describe('findingsConcerning', () => {
  it('lists the findings naming a component in its components or on its path, worst first, resolved last', () => {
    const list = [
      finding('path', { severity: 'LOW', path: ['checkout', 'fraud'] }),
      finding('gone', { severity: 'CRITICAL', status: 'RESOLVED', components: ['fraud'] }),
      finding('named', { severity: 'HIGH', components: ['fraud'] }),
      finding('other', { severity: 'CRITICAL', components: ['orders'] }),
    ];
    expect(findingsConcerning('fraud', list).map((f) => f.id)).toEqual(['named', 'path', 'gone']);
    expect(findingsConcerning('nobody', list)).toEqual([]);
  });
});

describe('labels', () => {
  it('reads a kind as words', () => {
    expect(findingKindLabel('SYNC_AI_ON_CRITICAL_PATH')).toBe('Sync AI on critical path');
    expect(findingKindLabel('CYCLE')).toBe('Cycle');
  });

  it('turns evidence into labelled rows with units and readable numbers', () => {
    const rows = evidenceRows({ traceIds: ['abc', 'def'], p95Ms: 7829.823849719294, calls: 12000, waiting: ['checkout'] });
    expect(rows).toEqual([
      { label: 'Trace ids', values: ['abc', 'def'], mono: true },
      { label: 'p95 (ms)', values: ['7,829.82'], mono: false },
      { label: 'Calls', values: ['12,000'], mono: false },
      { label: 'Waiting', values: ['checkout'], mono: false },
    ]);
    expect(evidenceRows(null)).toEqual([]);
  });
});

describe('findingsInWindow', () => {
  const window = { fromMs: Date.parse('2025-01-01T10:00:00Z'), toMs: Date.parse('2025-01-01T11:00:00Z') };
  const seen = (id: string, firstSeen: string, lastSeen: string, status: 'OPEN' | 'RESOLVED' = 'RESOLVED') =>
    finding(id, { firstSeen: `2025-01-01T${firstSeen}:00Z`, lastSeen: `2025-01-01T${lastSeen}:00Z`, status });

  it('keeps findings that held at some moment of the window', () => {
    const findings = [
      seen('before', '08:00', '09:00'),
      seen('across-start', '09:00', '10:30'),
      seen('inside', '10:10', '10:20'),
      seen('open', '10:50', '12:00', 'OPEN'),
      seen('after', '11:30', '12:00', 'OPEN'),
    ];
    expect(findingsInWindow(findings, window).map((f) => f.id)).toEqual(['across-start', 'inside', 'open']);
  });

  it('keeps the finding being read whatever the window', () => {
    expect(findingsInWindow([seen('before', '08:00', '09:00')], window, 'before').map((f) => f.id)).toEqual(['before']);
  });
});
