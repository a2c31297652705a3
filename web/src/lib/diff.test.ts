import { describe, expect, it } from 'vitest';
import { diffEmphasis, diffList, diffView } from './diff.ts';
import type { GraphDiff } from './model.ts';
import { edgeId } from './render-model.ts';
import { WINDOW, component, dependency, snapshot } from './test-builders.ts';

function diffOf(overrides: Partial<GraphDiff>): GraphDiff {
  return {
    before: { fromMs: WINDOW.fromMs - 3_600_000, toMs: WINDOW.fromMs, resolutionSeconds: 60 },
    after: WINDOW,
    addedDependencies: [],
    removedDependencies: [],
    changedDependencies: [],
    addedComponents: [],
    removedComponents: [],
    versionChanges: [],
    beforeComponents: [],
    ...overrides,
  };
}

// After: storefront -> checkout -> pricing, checkout -> fraud (new), checkout -> orders (two operations, one new).
const now = snapshot(
  [component('storefront'), component('checkout'), component('pricing'), component('fraud'), component('orders', { kind: 'QUEUE' })],
  [
    dependency('storefront', 'checkout'),
    dependency('checkout', 'pricing', { errors: 40 }),
    dependency('checkout', 'fraud'),
    dependency('checkout', 'orders', { kind: 'PUBLISH', operation: 'publish placed' }),
    dependency('checkout', 'orders', { kind: 'PUBLISH', operation: 'publish cancelled' }),
  ],
);

const diff = diffOf({
  addedDependencies: [dependency('checkout', 'fraud'), dependency('checkout', 'orders', { kind: 'PUBLISH', operation: 'publish cancelled' })],
  removedDependencies: [dependency('checkout', 'legacy-billing', { calls: 30 }), dependency('legacy-billing', 'ledger-db', { kind: 'DATABASE' })],
  changedDependencies: [
    { from: 'checkout', to: 'pricing', kind: 'SYNC', before: dependency('checkout', 'pricing'), after: dependency('checkout', 'pricing', { errors: 40 }), reasons: ['error rate 0% -> 40%'], regressed: true },
    { from: 'storefront', to: 'checkout', kind: 'SYNC', before: dependency('storefront', 'checkout', { p95Ms: 400 }), after: dependency('storefront', 'checkout'), reasons: ['p95 400 ms -> 40 ms'], regressed: false },
  ],
  addedComponents: ['fraud'],
  removedComponents: ['legacy-billing'],
  versionChanges: [{ component: 'checkout', from: '2.7.0', to: '2.7.1', atMs: WINDOW.fromMs + 600_000 }],
  beforeComponents: [component('storefront'), component('checkout'), component('pricing'), component('legacy-billing'), component('ledger-db', { kind: 'DATABASE' })],
});

describe('diffView', () => {
  it('draws removed components and dependencies back as ghosts, with the ends they need', () => {
    const view = diffView(now, diff);
    const names = view.snapshot.components.map((c) => c.name);
    // ledger-db is not named removed (the diff and the poll disagree), but the ghost edge needs its end.
    expect(names).toEqual(['storefront', 'checkout', 'pricing', 'fraud', 'orders', 'legacy-billing', 'ledger-db']);
    expect(view.snapshot.components.find((c) => c.name === 'ledger-db')?.kind).toBe('DATABASE');
    expect(view.snapshot.dependencies).toHaveLength(now.dependencies.length + 2);
    expect(view.marks.nodes.get('legacy-billing')).toBe('removed');
    expect(view.marks.edges.get(edgeId('checkout', 'legacy-billing'))).toBe('removed');
    expect(view.marks.edges.get(edgeId('legacy-billing', 'ledger-db'))).toBe('removed');
  });

  it('marks a pair added only when every dependency on it is new', () => {
    const view = diffView(now, diff);
    expect(view.marks.edges.get(edgeId('checkout', 'fraud'))).toBe('added');
    expect(view.marks.nodes.get('fraud')).toBe('added');
    // One of its two operations is new: the pair itself existed before.
    expect(view.marks.edges.has(edgeId('checkout', 'orders'))).toBe(false);
  });

  it('marks regressed and improved pairs and leaves unchanged ones alone', () => {
    const marks = diffView(now, diff).marks.edges;
    expect(marks.get(edgeId('checkout', 'pricing'))).toBe('regressed');
    expect(marks.get(edgeId('storefront', 'checkout'))).toBe('improved');
    expect([...marks.keys()]).toHaveLength(5);
  });

  it('draws a dependency the diff calls removed as it is now when the latest poll has it again', () => {
    const back = snapshot([...now.components, component('legacy-billing')], [...now.dependencies, dependency('checkout', 'legacy-billing')]);
    const view = diffView(back, diff);
    expect(view.marks.edges.has(edgeId('checkout', 'legacy-billing'))).toBe(false);
    expect(view.snapshot.dependencies.filter((d) => d.to === 'legacy-billing')).toHaveLength(1);
  });

  it('skips a ghost whose component the before window does not describe', () => {
    const view = diffView(now, diffOf({ removedComponents: ['nobody-knows'], removedDependencies: [dependency('checkout', 'nobody-knows')] }));
    expect(view.snapshot.components).toHaveLength(now.components.length);
    expect(view.snapshot.dependencies).toHaveLength(now.dependencies.length);
  });
});

describe('diffList', () => {
  const list = diffList(diff, (name) => (name === 'legacy-billing' ? 'Service' : 'component'));

  it('groups added, removed, changed (regressions first) and rollouts', () => {
    expect(list.added.map((i) => i.title)).toEqual(['fraud', 'checkout → fraud', 'checkout → orders']);
    expect(list.removed.map((i) => [i.subject, i.title])).toEqual([
      ['component', 'legacy-billing'],
      ['dependency', 'checkout → legacy-billing'],
      ['dependency', 'legacy-billing → ledger-db'],
    ]);
    expect(list.changed.map((i) => [i.change, i.title, i.reasons])).toEqual([
      ['regressed', 'checkout → pricing', ['error rate 0% -> 40%']],
      ['improved', 'storefront → checkout', ['p95 400 ms -> 40 ms']],
    ]);
    expect(list.versions.map((i) => [i.title, i.meta])).toEqual([['checkout', '2.7.0 → 2.7.1']]);
    expect(list.total).toBe(9);
  });

  it('says what each dependency is, and keeps item ids apart', () => {
    expect(list.added[2]?.meta).toBe('PUBLISH · http · publish cancelled');
    const ids = [...list.added, ...list.removed, ...list.changed, ...list.versions].map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lights up a removed component with the removed dependencies that touch it', () => {
    const emphasis = diffEmphasis(list.removed[0]!);
    expect([...emphasis.nodes].sort()).toEqual(['checkout', 'ledger-db', 'legacy-billing']);
    expect([...emphasis.edges].sort()).toEqual([edgeId('checkout', 'legacy-billing'), edgeId('legacy-billing', 'ledger-db')].sort());
    expect(list.removed[0]?.meta).toBe('Service');
  });
});
