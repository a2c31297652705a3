import { describe, expect, it } from 'vitest';
import { LIST_ALL_UP_TO, SUGGESTIONS, suggestedNames } from './suggest.ts';

const named = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `svc-${String(i).padStart(4, '0')}` }));

describe('suggestedNames', () => {
  it('lists every name of a small drawing, typed or not', () => {
    expect(suggestedNames(named(15), '')).toHaveLength(15);
    expect(suggestedNames(named(LIST_ALL_UP_TO), 'zzz')).toHaveLength(LIST_ALL_UP_TO);
  });

  it('suggests nothing for a large drawing until something is typed, then at most a few matches', () => {
    const estate = named(5000);
    expect(suggestedNames(estate, '  ')).toEqual([]);
    expect(suggestedNames(estate, 'SVC-001')).toHaveLength(10);
    expect(suggestedNames(estate, 'svc')).toHaveLength(SUGGESTIONS);
  });
});
