import { describe, expect, it } from 'vitest';
import { blastColours, blastEmphasis, blastHeat, parseBlastRadius } from './blast-radius.ts';
import { edgeId } from './render-model.ts';

describe('blast radius', () => {
  const body = { data: { blastRadius: [
    { component: 'payments', probability: 0.8, path: ['fraud', 'payments'], assumed: false },
    { component: 'web', probability: 0.2, path: ['fraud', 'payments', 'web'], assumed: true },
  ] } };

  it('reads the casualties, lights their paths and colours the likelier redder', () => {
    const blast = parseBlastRadius(body, 'fraud');
    expect(blastHeat(blast)).toEqual(new Map([['payments', 0.8], ['web', 0.2], ['fraud', 1]]));
    const e = blastEmphasis(blast, edgeId);
    expect([...e.nodes].sort()).toEqual(['fraud', 'payments', 'web']);
    expect(e.edges).toEqual(new Set([edgeId('payments', 'fraud'), edgeId('web', 'payments')]));
    const colours = blastColours(blast);
    // OrRd: more likely is darker and redder (less green).
    expect(colours.get('payments')![1]).toBeLessThan(colours.get('web')![1]);
  });

  it('names the field of a malformed answer', () => {
    expect(() => parseBlastRadius({ data: { blastRadius: [{ component: 'x', probability: 'high', path: [], assumed: false }] } }, 'y')).toThrow(/blastRadius\[0\]\.probability/);
  });
});
