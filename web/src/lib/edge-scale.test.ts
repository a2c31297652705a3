import { describe, expect, it } from 'vitest';
import { MAX_EDGE_WIDTH, MIN_EDGE_WIDTH, createEdgeWidthScale, errorLevel } from './edge-scale.ts';

describe('createEdgeWidthScale', () => {
  const width = createEdgeWidthScale(1_000_000);

  it('draws the busiest edge widest and an idle one thinnest', () => {
    expect(width(1_000_000)).toBeCloseTo(MAX_EDGE_WIDTH);
    expect(width(0)).toBe(MIN_EDGE_WIDTH);
    expect(width(1)).toBe(MIN_EDGE_WIDTH);
  });

  it('adds the same width for every tenfold increase in calls', () => {
    expect(width(1000) - width(100)).toBeCloseTo(width(100_000) - width(10_000));
    expect(width(1000)).toBeGreaterThan(width(100));
  });

  it('does not draw the only edge of a quiet estate at full width', () => {
    expect(createEdgeWidthScale(3)(3)).toBeLessThan(MAX_EDGE_WIDTH / 2);
  });
});

describe('errorLevel', () => {
  it('flags error ratios above 1% and alarms above 5%', () => {
    expect(errorLevel(1000, 5)).toBe('ok');
    expect(errorLevel(1000, 20)).toBe('warn');
    expect(errorLevel(1000, 60)).toBe('bad');
    expect(errorLevel(0, 0)).toBe('ok');
  });
});
