import { describe, expect, it } from 'vitest';
import { placeNodes, sameStructure, structureOf } from './graph-merge.ts';
import { component, dependency, snapshot } from './test-builders.ts';

function seeded(seed = 1) {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
}

describe('structureOf / sameStructure', () => {
  it('sees one link per direction however many operations a pair has', () => {
    const s = structureOf(
      snapshot([component('a'), component('b')], [
        dependency('a', 'b', { operation: 'GET /x' }),
        dependency('a', 'b', { operation: 'POST /y' }),
        dependency('b', 'a'),
        dependency('a', 'a'),
      ]),
    );
    expect(s.links).toEqual([['a', 'b'], ['b', 'a']]);
  });

  it('treats a poll that only changed traffic or order as the same graph', () => {
    const before = structureOf(snapshot([component('a'), component('b')], [dependency('a', 'b', { calls: 1 })]));
    const after = structureOf(snapshot([component('b'), component('a')], [dependency('a', 'b', { calls: 999 })]));
    expect(sameStructure(before, after)).toBe(true);
  });

  it('notices a new component or a new link', () => {
    const base = structureOf(snapshot([component('a'), component('b')], [dependency('a', 'b')]));
    expect(sameStructure(base, structureOf(snapshot([component('a'), component('b'), component('c')], [dependency('a', 'b')])))).toBe(false);
    expect(sameStructure(base, structureOf(snapshot([component('a'), component('b')], [dependency('b', 'a')])))).toBe(false);
  });
});

describe('placeNodes', () => {
  it('keeps every known component exactly where it was', () => {
    const previous = new Map([['a', { x: 10, y: 20 }], ['b', { x: -300, y: 40 }]]);
    const placed = placeNodes(['a', 'b', 'c'], [['a', 'c']], previous, { random: seeded() });
    expect(placed.get('a')).toEqual({ x: 10, y: 20 });
    expect(placed.get('b')).toEqual({ x: -300, y: 40 });
  });

  it('seeds a new component next to the one it is connected to', () => {
    const previous = new Map([['checkout', { x: 500, y: 500 }], ['far', { x: -500, y: -500 }]]);
    const placed = placeNodes(['checkout', 'far', 'recommendations'], [['checkout', 'recommendations']], previous, { spacing: 40, random: seeded() });
    const p = placed.get('recommendations')!;
    expect(Math.hypot(p.x - 500, p.y - 500)).toBeLessThanOrEqual(40 * 1.25 + 1e-9);
  });

  it('spreads a chain of new components outward from the placed one', () => {
    const previous = new Map([['a', { x: 0, y: 0 }]]);
    const placed = placeNodes(['a', 'b', 'c'], [['a', 'b'], ['b', 'c']], previous, { spacing: 40, random: seeded(7) });
    const b = placed.get('b')!;
    const c = placed.get('c')!;
    expect(Math.hypot(c.x - b.x, c.y - b.y)).toBeLessThanOrEqual(50 + 1e-9);
  });

  it('puts an unconnected newcomer just outside the existing drawing, not on top of it', () => {
    const previous = new Map([['a', { x: -100, y: 0 }], ['b', { x: 100, y: 0 }]]);
    const placed = placeNodes(['a', 'b', 'lonely'], [], previous, { spacing: 40, random: seeded(3) });
    const p = placed.get('lonely')!;
    expect(Math.hypot(p.x, p.y)).toBeGreaterThan(100);
  });

  it('lays out a first graph without stacking components on one point', () => {
    const names = Array.from({ length: 50 }, (_, i) => `n${i}`);
    const placed = placeNodes(names, [], new Map(), { random: seeded() });
    const keys = new Set([...placed.values()].map((p) => `${p.x.toFixed(3)},${p.y.toFixed(3)}`));
    expect(keys.size).toBe(50);
  });
});
