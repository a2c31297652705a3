import { describe, expect, it } from 'vitest';
import { centreOn, fitTransform, toWorld } from './viewport.ts';

describe('fitTransform', () => {
  it('shows every component inside the padded view', () => {
    const xy = new Float32Array([-500, -100, 900, 300, 0, 0]);
    const t = fitTransform(xy, 1200, 800, 40);
    for (let i = 0; i < xy.length; i += 2) {
      const sx = xy[i]! * t.k + t.x;
      const sy = xy[i + 1]! * t.k + t.y;
      expect(sx).toBeGreaterThanOrEqual(40 - 1e-6);
      expect(sx).toBeLessThanOrEqual(1160 + 1e-6);
      expect(sy).toBeGreaterThanOrEqual(40 - 1e-6);
      expect(sy).toBeLessThanOrEqual(760 + 1e-6);
    }
  });

  it('does not blow a tiny estate up past a readable zoom', () => {
    expect(fitTransform(new Float32Array([0, 0, 10, 0]), 1200, 800).k).toBeLessThanOrEqual(1.5);
  });
});

describe('centreOn / toWorld', () => {
  it('puts the component in the middle of the view', () => {
    const t = centreOn({ x: 300, y: -200 }, 2, 1000, 600);
    expect(toWorld(t, { x: 500, y: 300 })).toEqual({ x: 300, y: -200 });
  });
});
