import { describe, expect, it } from 'vitest';
import { KIND_STYLES, glyphIcon, glyphOutline } from './kind-style.ts';
import { COMPONENT_KINDS } from './model.ts';

describe('kind styles', () => {
  it('gives every kind its own colour and its own shape', () => {
    const styles = COMPONENT_KINDS.map((k) => KIND_STYLES[k]);
    expect(new Set(styles.map((s) => s.colour)).size).toBe(COMPONENT_KINDS.length);
    expect(new Set(styles.map((s) => s.glyph)).size).toBe(COMPONENT_KINDS.length);
  });

  it('draws a closed outline for every kind', () => {
    for (const kind of COMPONENT_KINDS) {
      const d = glyphOutline(KIND_STYLES[kind]);
      expect(d).toMatch(/^M/);
      expect(d).toContain('Z');
    }
  });

  it('marks human steps and AI providers with an icon, so they read without colour', () => {
    expect(glyphIcon(KIND_STYLES.HUMAN)).not.toBeNull();
    expect(glyphIcon(KIND_STYLES.AI)).not.toBeNull();
    expect(glyphIcon(KIND_STYLES.SERVICE)).toBeNull();
  });
});
