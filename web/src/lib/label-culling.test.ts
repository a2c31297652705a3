import { describe, expect, it } from 'vitest';
import { labelMinDegree, labelledComponents, zoomBand } from './label-culling.ts';

const large = Array.from({ length: 3000 }, (_, i) => (i < 30 ? 40 : i % 5));

describe('labelMinDegree', () => {
  it('labels everything when zoomed in', () => {
    expect(labelMinDegree(1, large)).toBe(0);
  });

  it('keeps only the hubs of a large estate when zoomed out, and nothing when very far', () => {
    const threshold = labelMinDegree(0.3, large);
    expect(large.filter((d) => d >= threshold).length).toBeLessThanOrEqual(0.02 * large.length);
    expect(labelMinDegree(0.1, large)).toBe(Infinity);
  });

  it('keeps every label of a small estate at an overview zoom', () => {
    expect(labelMinDegree(0.4, [1, 2, 3, 1, 0])).toBe(0);
  });

  it('changes only at a few zoom steps', () => {
    expect(zoomBand(0.61)).toBe(zoomBand(0.79));
  });
});

describe('labelledComponents', () => {
  const nodes = [
    { name: 'here', index: 0, degree: 3 },
    { name: 'far-away', index: 1, degree: 3 },
    { name: 'selected', index: 2, degree: 0 },
  ];
  const xy = new Float32Array([100, 100, 10_000, 10_000, 20_000, 20_000]);
  const view = { x: 0, y: 0, k: 1, width: 800, height: 600 };

  it('labels what is on screen, never what is far off it', () => {
    expect([...labelledComponents(nodes, xy, view, 0, new Set())]).toEqual(['here']);
  });

  it('always labels the selection and its neighbours', () => {
    expect(labelledComponents(nodes, xy, view, Infinity, new Set(['selected'])).has('selected')).toBe(true);
  });
});
