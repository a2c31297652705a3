import { describe, expect, it } from 'vitest';
import { createHighCouplingDetector } from './high-coupling.ts';
import { edge, snapshot } from './testing.ts';

const detect = createHighCouplingDetector().detect;
/** n small services in a chain (degree 1-2 each). */
const chain = (n: number) => Array.from({ length: n - 1 }, (_, i) => edge(`s${i}`, `s${i + 1}`));

describe('HIGH_COUPLING', () => {
  it('raises a hub far above the estate norm', () => {
    const hub = Array.from({ length: 6 }, (_, i) => edge('hub', `s${i * 2}`)).concat(Array.from({ length: 4 }, (_, i) => edge(`s${i * 3 + 1}`, 'hub')));
    const findings = detect(snapshot({ dependencies: [...chain(20), ...hub] }));
    expect(findings.map((f) => f.components)).toEqual([['hub']]);
    expect(findings[0]?.detail).toContain('is depended on by 4 and depends on 6 distinct components (10 in all), against an estate median of');
  });

  describe('near misses raise nothing', () => {
    it('a hub under the minimum degree', () => {
      const hub = Array.from({ length: 7 }, (_, i) => edge('hub', `s${i * 2}`));
      expect(detect(snapshot({ dependencies: [...chain(20), ...hub] }))).toEqual([]);
    });

    it('an estate too small to have a norm', () => {
      const hub = Array.from({ length: 8 }, (_, i) => edge('hub', `leaf${i}`));
      expect(detect(snapshot({ dependencies: hub }))).toEqual([]);
    });

    it('an evenly meshed estate', () => {
      const names = Array.from({ length: 12 }, (_, i) => `m${i}`);
      const mesh = names.flatMap((a, i) => names.slice(i + 1).map((b) => edge(a, b)));
      expect(detect(snapshot({ dependencies: mesh }))).toEqual([]);
    });
  });
});
