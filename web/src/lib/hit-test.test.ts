import { describe, expect, it } from 'vitest';
import { createHitTester } from './hit-test.ts';

describe('createHitTester', () => {
  const nodes = [{ name: 'a', index: 0, radius: 10 }, { name: 'b', index: 1, radius: 20 }];
  const xy = Float32Array.from([0, 0, 100, 0]);

  it('finds the component under a point, and none between them', () => {
    const hits = createHitTester(nodes, xy, 0.15, 0);
    expect(hits.at({ x: 5, y: 5 }, 1)).toBe('a');
    expect(hits.at({ x: 85, y: 0 }, 1)).toBe('b');
    expect(hits.at({ x: 50, y: 0 }, 1)).toBeNull();
  });

  it('counts the larger radius a node is drawn with far out', () => {
    // At k = 0.05 a node is drawn at 0.15 of its radius in pixels: 3 times its world radius.
    const hits = createHitTester(nodes, xy, 0.15, 0);
    expect(hits.at({ x: 25, y: 0 }, 0.05)).toBe('a');
    expect(hits.at({ x: 25, y: 0 }, 1)).toBeNull();
  });
});
