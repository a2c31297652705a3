import { describe, expect, it } from 'vitest';
import { createLayoutEngine } from './layout-engine.ts';

function seeded(seed = 1) {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
}

const nodes = (...names: string[]) => names.map((name) => ({ name, radius: 13 }));

function settle(engine: ReturnType<typeof createLayoutEngine>) {
  let ticks = 0;
  while (engine.running && ticks < 2000) ticks += engine.step(1000);
  return ticks;
}

function positionsByName(engine: ReturnType<typeof createLayoutEngine>) {
  const xy = engine.positions();
  return new Map(engine.names().map((n, i) => [n, { x: xy[i * 2]!, y: xy[i * 2 + 1]! }]));
}

describe('createLayoutEngine', () => {
  it('settles a graph and then stops', () => {
    const engine = createLayoutEngine({ random: seeded() });
    engine.setGraph(nodes('a', 'b', 'c'), [['a', 'b'], ['b', 'c']]);
    expect(engine.running).toBe(true);
    expect(settle(engine)).toBeGreaterThan(0);
    expect(engine.running).toBe(false);
  });

  it('opens a layout whose every position was remembered as it was, without moving it', () => {
    const engine = createLayoutEngine({ random: seeded() });
    const at = { a: { x: 0, y: 0 }, b: { x: 80, y: 10 }, c: { x: 40, y: 90 } };
    engine.setGraph((['a', 'b', 'c'] as const).map((name) => ({ name, radius: 10, ...at[name] })), [['a', 'b'], ['b', 'c']]);
    expect(engine.running).toBe(false);
    expect(settle(engine)).toBe(0);
    expect(Object.fromEntries(positionsByName(engine))).toEqual(at);
  });

  it('does not wake the layout when a poll brings the same graph', () => {
    const engine = createLayoutEngine({ random: seeded() });
    engine.setGraph(nodes('a', 'b'), [['a', 'b']]);
    settle(engine);
    const before = positionsByName(engine);
    expect(engine.setGraph(nodes('a', 'b'), [['a', 'b']])).toBe(false);
    expect(engine.running).toBe(false);
    expect(positionsByName(engine)).toEqual(before);
  });

  it('keeps existing components in place when one is added, and seeds it beside its neighbour', () => {
    const engine = createLayoutEngine({ random: seeded() });
    const names = ['storefront', 'checkout', 'payments', 'pricing', 'inventory'];
    engine.setGraph(nodes(...names), [['storefront', 'checkout'], ['checkout', 'payments'], ['checkout', 'pricing'], ['storefront', 'inventory']]);
    settle(engine);
    const before = positionsByName(engine);
    const changed = engine.setGraph(nodes(...names, 'recommendations'), [
      ['storefront', 'checkout'], ['checkout', 'payments'], ['checkout', 'pricing'], ['storefront', 'inventory'], ['storefront', 'recommendations'],
    ]);
    expect(changed).toBe(true);
    const seededAt = positionsByName(engine);
    for (const name of names) expect(seededAt.get(name)).toEqual(before.get(name));
    const s = before.get('storefront')!;
    const r = seededAt.get('recommendations')!;
    expect(Math.hypot(r.x - s.x, r.y - s.y)).toBeLessThan(80);
    // A gentle reheat: after settling again the old components have barely moved.
    expect(engine.alpha).toBeLessThan(0.5);
    settle(engine);
    const after = positionsByName(engine);
    for (const name of names) {
      const a = after.get(name)!;
      const b = before.get(name)!;
      expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeLessThan(60);
    }
  });

  it('brings back a component that left the map where it was last drawn', () => {
    const engine = createLayoutEngine({ random: seeded() });
    engine.setGraph(nodes('a', 'b', 'c'), [['a', 'b'], ['b', 'c']]);
    settle(engine);
    const lastDrawn = positionsByName(engine).get('c')!;
    engine.setGraph(nodes('a', 'b'), [['a', 'b']]);
    settle(engine);
    engine.setGraph([...nodes('a', 'b'), { name: 'c', radius: 13, ...lastDrawn }], [['a', 'b'], ['b', 'c']]);
    expect(positionsByName(engine).get('c')).toEqual(lastDrawn);
  });

  it('holds a pinned component where the user dropped it', () => {
    const engine = createLayoutEngine({ random: seeded() });
    engine.setGraph(nodes('a', 'b'), [['a', 'b']]);
    settle(engine);
    engine.pin('a', 400, -250);
    settle(engine);
    expect(positionsByName(engine).get('a')).toEqual({ x: 400, y: -250 });
  });
});

describe('a first graph whose positions were remembered', () => {
  it('starts warm and keeps them, where an unplaced one is laid out from scratch', () => {
    const placed = [{ name: 'a', radius: 13, x: 0, y: 0 }, { name: 'b', radius: 13, x: 120, y: 0 }, { name: 'c', radius: 13, x: 60, y: 100 }];
    const warm = createLayoutEngine({ random: seeded() });
    warm.setGraph(placed, [['a', 'b'], ['b', 'c']]);
    expect(warm.cold).toBe(false);
    expect(warm.alpha).toBeLessThan(0.5);
    settle(warm);
    const moved = Math.max(...placed.map((p) => Math.hypot(positionsByName(warm).get(p.name)!.x - p.x!, positionsByName(warm).get(p.name)!.y - p.y!)));
    expect(moved).toBeLessThan(60);
    const cold = createLayoutEngine({ random: seeded() });
    cold.setGraph(nodes('a', 'b', 'c'), [['a', 'b'], ['b', 'c']]);
    expect(cold.cold).toBe(true);
    expect(cold.alpha).toBe(1);
  });
});
