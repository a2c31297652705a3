import { describe, expect, it } from 'vitest';
import { bottomLeftInsets, centreOn, fitTransform, toWorld } from './viewport.ts';

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

  it('frames nothing under an overlay: the legend in the corner keeps its strip clear', () => {
    const xy = new Float32Array([-500, -100, 900, 300, 0, 0, -480, 290]);
    const insets = bottomLeftInsets({ width: 230, height: 360 }, 1440, 900);
    expect(insets).toEqual({ left: 230, top: 0, right: 0, bottom: 0 });
    const t = fitTransform(xy, 1440, 900, 48, insets);
    for (let i = 0; i < xy.length; i += 2) expect(xy[i]! * t.k + t.x).toBeGreaterThanOrEqual(230 + 48 - 1e-6);
    // A wide, low box is kept out along the bottom instead.
    expect(bottomLeftInsets({ width: 900, height: 120 }, 1440, 900)).toEqual({ left: 0, top: 0, right: 0, bottom: 120 });
    // An overlay that leaves no room to frame into is ignored rather than squeezing the map to nothing.
    expect(fitTransform(xy, 300, 300, 48, { left: 250, top: 0, right: 0, bottom: 0 })).toEqual(fitTransform(xy, 300, 300, 48));
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
