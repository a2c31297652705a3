import { describe, expect, it } from 'vitest';
import { layeredPositions } from './layered-layout.ts';

describe('layeredPositions', () => {
  it('places each caller left of what it calls, and parallel callees in one column', () => {
    const nodes = ['web', 'api', 'db', 'cache'].map((name) => ({ name, radius: 13 }));
    const p = layeredPositions(nodes, [['web', 'api'], ['api', 'db'], ['api', 'cache']]);
    expect(p.get('web')!.x).toBeLessThan(p.get('api')!.x);
    expect(p.get('api')!.x).toBeLessThan(p.get('db')!.x);
    expect(p.get('db')!.x).toBeCloseTo(p.get('cache')!.x);
    expect(p.get('db')!.y).not.toBeCloseTo(p.get('cache')!.y);
  });

  it('lays out a cycle and ignores links to components it was not given', () => {
    const nodes = ['a', 'b'].map((name) => ({ name, radius: 13 }));
    const p = layeredPositions(nodes, [['a', 'b'], ['b', 'a'], ['a', 'ghost']]);
    expect(p.size).toBe(2);
    expect(Number.isFinite(p.get('a')!.x)).toBe(true);
  });
});
