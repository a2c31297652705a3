import { describe, expect, it } from 'vitest';
import { applyChanges, emptyGraph, snapshotOf } from './graph-changes.ts';
import type { GraphChanges } from './graph-wire.ts';
import { component, dependency, finding, WINDOW } from './test-builders.ts';

const changes = (overrides: Partial<GraphChanges>): GraphChanges => ({
  version: 1, full: false, window: WINDOW, components: [], removedComponents: [], dependencies: [], removedDependencies: [], findings: null, ...overrides,
});
const at = new Date('2025-01-01T01:00:00Z');

describe('applyChanges', () => {
  it('replaces everything on a full answer, then only what a partial one names', () => {
    let held = applyChanges(emptyGraph(), changes({ full: true, components: [component('web'), component('api'), component('db')], dependencies: [dependency('web', 'api'), dependency('api', 'db')], findings: [finding('f1')] }));
    expect(snapshotOf(held, at).dependencies).toHaveLength(2);
    held = applyChanges(held, changes({
      version: 2,
      components: [component('cache'), component('api', { tier: 1 })],
      dependencies: [dependency('api', 'cache'), dependency('web', 'api', { calls: 7, operation: 'GET /a' }), dependency('web', 'api', { calls: 3, operation: 'GET /b' })],
      removedDependencies: [{ from: 'api', to: 'db', kind: 'SYNC', protocol: 'http' }],
    }));
    const snap = snapshotOf(held, at);
    expect(held.version).toBe(2);
    expect(snap.components.map((c) => c.name)).toEqual(['api', 'cache', 'db', 'web']);
    expect(snap.components.find((c) => c.name === 'api')?.tier).toBe(1);
    // A changed dependency's operations replace what was held for it.
    expect(snap.dependencies.filter((d) => d.from === 'web').map((d) => d.calls).sort()).toEqual([3, 7]);
    expect(snap.dependencies.some((d) => d.to === 'db')).toBe(false);
    // Findings stay as they were when the answer brought none.
    expect(snap.findings.map((f) => f.id)).toEqual(['f1']);
  });

  it('drops a component that left the window, and counts dependencies whose end is gone', () => {
    let held = applyChanges(emptyGraph(), changes({ full: true, components: [component('web'), component('api')], dependencies: [dependency('web', 'api')] }));
    held = applyChanges(held, changes({ version: 2, removedComponents: ['api'] }));
    const snap = snapshotOf(held, at);
    expect(snap.components.map((c) => c.name)).toEqual(['web']);
    expect(snap.dependencies).toEqual([]);
    expect(snap.droppedDependencies).toBe(1);
  });
});
