import { describe, expect, it } from 'vitest';
import { formatCount, formatMs, formatRatio } from './format.ts';

describe('format', () => {
  it('shortens large counts the way dashboards do', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(42_000)).toBe('42k');
    expect(formatCount(1_250_000)).toBe('1.3M');
  });

  it('gives latencies a unit that fits their size', () => {
    expect(formatMs(48)).toBe('48 ms');
    expect(formatMs(2400)).toBe('2.40 s');
    expect(formatMs(null)).toBe('—');
  });

  it('never rounds a real error rate down to zero', () => {
    expect(formatRatio(0.0004)).toBe('<0.1%');
    expect(formatRatio(0.065)).toBe('6.5%');
    expect(formatRatio(0)).toBe('0%');
  });
});
