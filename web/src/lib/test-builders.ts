// Small builders shared by the tests: a component or dependency with only what a test cares about.
import type { Component, Dependency, Finding, GraphSnapshot, ResolvedWindow } from './model.ts';

export function component(name: string, overrides: Partial<Component> = {}): Component {
  return {
    name,
    displayName: name,
    entryPoint: false,
    kind: 'SERVICE',
    namespace: null,
    versions: [],
    tier: null,
    owner: null,
    system: null,
    documented: true,
    virtual: false,
    firstSeen: '2025-01-01T00:00:00.000Z',
    lastSeen: '2025-01-01T01:00:00.000Z',
    ...overrides,
  };
}

export function dependency(from: string, to: string, overrides: Partial<Dependency> = {}): Dependency {
  return {
    from,
    to,
    kind: 'SYNC',
    protocol: 'http',
    operation: null,
    calls: 100,
    errors: 0,
    callsPerMinute: 100 / 60,
    errorRate: 0,
    p50Ms: 10,
    p95Ms: 40,
    p99Ms: 90,
    errorPropagation: null,
    callsPerTrace: 1,
    documented: true,
    firstSeen: '2025-01-01T00:00:00.000Z',
    lastSeen: '2025-01-01T01:00:00.000Z',
    ...overrides,
  };
}

export function finding(id: string, overrides: Partial<Finding> = {}): Finding {
  return {
    id,
    kind: 'HIGH_COUPLING',
    severity: 'MEDIUM',
    title: `finding ${id}`,
    detail: `what finding ${id} means`,
    components: [],
    path: null,
    status: 'OPEN',
    firstSeen: '2025-01-01T00:00:00.000Z',
    lastSeen: '2025-01-01T01:00:00.000Z',
    evidence: null,
    acknowledgement: null,
    ...overrides,
  };
}

/** A finding as the API sends it: evidence is JSON text. */
export function wireFinding(id: string, overrides: Partial<Finding> = {}): Record<string, unknown> {
  const f = finding(id, overrides);
  return { ...f, evidence: f.evidence === null ? null : JSON.stringify(f.evidence) };
}

/** The hour the builders' components and dependencies were seen in. */
export const WINDOW: ResolvedWindow = { fromMs: Date.parse('2025-01-01T00:00:00Z'), toMs: Date.parse('2025-01-01T01:00:00Z'), resolutionSeconds: 60 };

/** A resolved window as the API sends it. */
export function wireWindow(window: ResolvedWindow = WINDOW): Record<string, unknown> {
  return { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString(), resolutionSeconds: window.resolutionSeconds };
}

export function snapshot(components: Component[], dependencies: Dependency[], findings: Finding[] = []): GraphSnapshot {
  return { window: WINDOW, components, dependencies, droppedDependencies: 0, findings, receivedAt: new Date('2025-01-01T01:00:00Z') };
}
