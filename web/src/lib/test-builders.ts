// Small builders shared by the tests: a component or dependency with only what a test cares about.
import type { Component, Dependency, GraphSnapshot } from './model.ts';

export function component(name: string, overrides: Partial<Component> = {}): Component {
  return {
    name,
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

export function snapshot(components: Component[], dependencies: Dependency[]): GraphSnapshot {
  return { components, dependencies, droppedDependencies: 0, receivedAt: new Date('2025-01-01T01:00:00Z') };
}
