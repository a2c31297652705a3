import { describe, expect, it } from 'vitest';
import { isArrow, stepToward } from './keyboard-walk.ts';

describe('stepToward', () => {
  const from = { x: 0, y: 0 };
  const around = [
    { name: 'east', at: { x: 100, y: 10 } },
    { name: 'north-east-near', at: { x: 30, y: -40 } },
    { name: 'west', at: { x: -80, y: 0 } },
    { name: 'south', at: { x: 5, y: 60 } },
  ];

  it('takes the neighbour lying most nearly the arrow\u2019s way', () => {
    expect(stepToward(from, around, 'ArrowRight')).toBe('east');
    expect(stepToward(from, around, 'ArrowLeft')).toBe('west');
    expect(stepToward(from, around, 'ArrowDown')).toBe('south');
    expect(stepToward(from, around, 'ArrowUp')).toBe('north-east-near');
  });

  it('goes nowhere when nothing lies that way', () => {
    expect(stepToward(from, [{ name: 'east', at: { x: 100, y: 0 } }], 'ArrowLeft')).toBeNull();
    expect(isArrow('ArrowUp')).toBe(true);
    expect(isArrow('Enter')).toBe(false);
  });
});
