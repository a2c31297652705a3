import { describe, expect, it } from 'vitest';
import { component, edge, failingEdge, snapshot } from '../detectors/testing.ts';
import { blastRadius } from './blast-radius.ts';
import { shortestPath, simplePaths } from './paths.ts';
import { stronglyConnectedComponents } from './strongly-connected.ts';

const asSets = (groups: string[][]) => groups.map((g) => [...g].sort()).sort((a, b) => a.join().localeCompare(b.join()));

describe('stronglyConnectedComponents', () => {
  it('finds cycles and self-loops, and nothing in a DAG', () => {
    const graph: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a', 'd'], d: ['e'], e: ['d'], f: ['f'], g: ['a'] };
    expect(asSets(stronglyConnectedComponents(Object.keys(graph), (n) => graph[n] ?? []))).toEqual([['a', 'b', 'c'], ['d', 'e'], ['f']]);
    const dag: Record<string, string[]> = { a: ['b', 'c'], b: ['c'], c: [] };
    expect(stronglyConnectedComponents(Object.keys(dag), (n) => dag[n] ?? [])).toEqual([]);
  });

  it('handles a 5,000-long cycle without recursion', () => {
    const n = 5000;
    const nodes = Array.from({ length: n }, (_, i) => `s${i}`);
    const sccs = stronglyConnectedComponents(nodes, (name) => [`s${(Number(name.slice(1)) + 1) % n}`]);
    expect(sccs).toHaveLength(1);
    expect(sccs[0]).toHaveLength(n);
  });
});

describe('blastRadius', () => {
  // storefront -> checkout -> fraud-check, checkout -> pricing (handled), admin -> checkout (no data).
  const graph = snapshot({
    components: ['storefront', 'checkout', 'fraud-check', 'pricing', 'admin'].map((n) => component(n)),
    dependencies: [
      failingEdge('storefront', 'checkout', 50, 50),
      failingEdge('checkout', 'fraud-check', 48, 40),
      failingEdge('checkout', 'pricing', 30, 0),
      edge('admin', 'checkout'),
      edge('storefront', 'reports', { kind: 'ASYNC' }),
    ],
  });

  it('walks callers backwards multiplying observed propagation, flagging assumed hops', () => {
    const radius = blastRadius(graph, 'fraud-check');
    expect(radius).toEqual([
      { component: 'checkout', probability: 40 / 48, path: ['fraud-check', 'checkout'], assumed: false },
      { component: 'storefront', probability: 40 / 48, path: ['fraud-check', 'checkout', 'storefront'], assumed: false },
      { component: 'admin', probability: 40 / 48, path: ['fraud-check', 'checkout', 'admin'], assumed: true },
    ]);
  });

  it('stops where the caller handled every failure, and ignores async edges', () => {
    expect(blastRadius(graph, 'pricing')).toEqual([]);
    expect(blastRadius(graph, 'reports')).toEqual([]);
    expect(blastRadius(graph, 'nobody')).toEqual([]);
  });

  it('keeps the likeliest path per component', () => {
    const diamond = snapshot({
      dependencies: [failingEdge('top', 'left', 10, 2), failingEdge('top', 'right', 10, 9), failingEdge('left', 'db', 10, 10, { kind: 'DATABASE' }), failingEdge('right', 'db', 10, 10, { kind: 'DATABASE' })],
    });
    const top = blastRadius(diamond, 'db').find((e) => e.component === 'top');
    expect(top).toEqual({ component: 'top', probability: 0.9, path: ['db', 'right', 'top'], assumed: false });
  });
});

describe('paths', () => {
  const graph = snapshot({
    dependencies: [edge('a', 'b'), edge('b', 'c'), edge('c', 'd'), edge('a', 'x', { kind: 'ASYNC' }), edge('x', 'd'), edge('a', 'db', { kind: 'DATABASE' }), edge('d', 'a')],
  });

  it('shortestPath takes the fewest SYNC/ASYNC hops', () => {
    expect(shortestPath(graph, 'a', 'd')?.components).toEqual(['a', 'x', 'd']);
    expect(shortestPath(graph, 'a', 'd', ['SYNC'])?.components).toEqual(['a', 'b', 'c', 'd']);
    expect(shortestPath(graph, 'a', 'db')).toBeUndefined();
    expect(shortestPath(graph, 'd', 'nowhere')).toBeUndefined();
  });

  it('simplePaths lists every bounded simple path, shortest first', () => {
    expect(simplePaths(graph, 'a', 'd').map((p) => p.components)).toEqual([['a', 'x', 'd'], ['a', 'b', 'c', 'd']]);
    expect(simplePaths(graph, 'a', 'd', { maxHops: 2 }).map((p) => p.components)).toEqual([['a', 'x', 'd']]);
    expect(simplePaths(graph, 'a', 'd', { limit: 1 })).toHaveLength(1);
  });
});
