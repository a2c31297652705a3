// How each kind of component looks: one shape and one colour per kind, shared by the map, the
// legend and the side panel so the three always agree.
import type { Shape } from './edge-geometry.ts';
import type { ComponentKind } from './model.ts';

export type Glyph = 'circle' | 'cylinder' | 'pill' | 'hexagon' | 'diamond' | 'person' | 'group';

export interface KindStyle {
  kind: ComponentKind;
  label: string;
  colour: string;
  glyph: Glyph;
  /** Outline used to trim edges; matches the drawn glyph. */
  shape: Shape;
  /** Radius of the circle that holds the glyph, for collision and label placement. */
  radius: number;
}

export const KIND_STYLES: Readonly<Record<ComponentKind, KindStyle>> = {
  SERVICE: { kind: 'SERVICE', label: 'Service', colour: '#4f9cf9', glyph: 'circle', shape: { type: 'circle', r: 13 }, radius: 13 },
  DATABASE: { kind: 'DATABASE', label: 'Database', colour: '#e7a93b', glyph: 'cylinder', shape: { type: 'rect', hw: 11, hh: 13 }, radius: 14 },
  QUEUE: { kind: 'QUEUE', label: 'Queue / topic', colour: '#a37cf0', glyph: 'pill', shape: { type: 'rect', hw: 16, hh: 8 }, radius: 16 },
  EXTERNAL: { kind: 'EXTERNAL', label: 'External API', colour: '#8fa1b8', glyph: 'hexagon', shape: { type: 'hexagon', r: 14 }, radius: 14 },
  AI: { kind: 'AI', label: 'AI provider', colour: '#e96bb8', glyph: 'diamond', shape: { type: 'diamond', hw: 15, hh: 15 }, radius: 15 },
  HUMAN: { kind: 'HUMAN', label: 'Human step', colour: '#35c39e', glyph: 'person', shape: { type: 'rect', hw: 12, hh: 12 }, radius: 13 },
};

export function kindStyle(kind: ComponentKind): KindStyle {
  return KIND_STYLES[kind];
}

/** A folded group (lib/fold.ts): a rounded square, larger the more it holds. */
export function groupStyle(members: number): KindStyle {
  const radius = Math.round(16 + 4 * Math.log2(Math.max(1, members)));
  return { kind: 'SERVICE', label: 'Group', colour: '#b3bfd1', glyph: 'group', shape: { type: 'rect', hw: radius * 0.9, hh: radius * 0.9 }, radius };
}

const f = (n: number) => (Math.round(n * 100) / 100).toString();

/** SVG path of a kind's outline centred on (0, 0), scaled by `scale`. */
export function glyphOutline(style: KindStyle, scale = 1): string {
  const s = style.shape;
  switch (style.glyph) {
    case 'circle': {
      const r = (s.type === 'circle' ? s.r : style.radius) * scale;
      return `M${f(-r)},0A${f(r)},${f(r)} 0 1,0 ${f(r)},0A${f(r)},${f(r)} 0 1,0 ${f(-r)},0Z`;
    }
    case 'cylinder': {
      const hw = (s.type === 'rect' ? s.hw : style.radius) * scale;
      const hh = (s.type === 'rect' ? s.hh : style.radius) * scale;
      const e = hh * 0.3;
      // Body, then the rim of the lid as a second subpath so the top reads as a cylinder.
      return (
        `M${f(-hw)},${f(-hh + e)}A${f(hw)},${f(e)} 0 0,1 ${f(hw)},${f(-hh + e)}V${f(hh - e)}` +
        `A${f(hw)},${f(e)} 0 0,1 ${f(-hw)},${f(hh - e)}Z` +
        `M${f(-hw)},${f(-hh + e)}A${f(hw)},${f(e)} 0 0,0 ${f(hw)},${f(-hh + e)}`
      );
    }
    case 'pill': {
      const hw = (s.type === 'rect' ? s.hw : style.radius) * scale;
      const hh = (s.type === 'rect' ? s.hh : style.radius / 2) * scale;
      return `M${f(-hw + hh)},${f(-hh)}H${f(hw - hh)}A${f(hh)},${f(hh)} 0 0,1 ${f(hw - hh)},${f(hh)}H${f(-hw + hh)}A${f(hh)},${f(hh)} 0 0,1 ${f(-hw + hh)},${f(-hh)}Z`;
    }
    case 'hexagon': {
      const r = (s.type === 'hexagon' ? s.r : style.radius) * scale;
      const pts = [0, 1, 2, 3, 4, 5].map((i) => {
        const a = (Math.PI / 3) * i;
        return `${f(r * Math.cos(a))},${f(r * Math.sin(a))}`;
      });
      return `M${pts.join('L')}Z`;
    }
    case 'diamond': {
      const hw = (s.type === 'diamond' ? s.hw : style.radius) * scale;
      const hh = (s.type === 'diamond' ? s.hh : style.radius) * scale;
      return `M0,${f(-hh)}L${f(hw)},0L0,${f(hh)}L${f(-hw)},0Z`;
    }
    case 'group': {
      const h = (s.type === 'rect' ? s.hw : style.radius) * scale;
      const c = h * 0.28;
      return `M${f(-h + c)},${f(-h)}H${f(h - c)}Q${f(h)},${f(-h)} ${f(h)},${f(-h + c)}V${f(h - c)}Q${f(h)},${f(h)} ${f(h - c)},${f(h)}H${f(-h + c)}Q${f(-h)},${f(h)} ${f(-h)},${f(h - c)}V${f(-h + c)}Q${f(-h)},${f(-h)} ${f(-h + c)},${f(-h)}Z`;
    }
    case 'person': {
      const h = (s.type === 'rect' ? s.hw : style.radius) * scale;
      const c = h * 0.35;
      return `M${f(-h + c)},${f(-h)}H${f(h - c)}Q${f(h)},${f(-h)} ${f(h)},${f(-h + c)}V${f(h - c)}Q${f(h)},${f(h)} ${f(h - c)},${f(h)}H${f(-h + c)}Q${f(-h)},${f(h)} ${f(-h)},${f(h - c)}V${f(-h + c)}Q${f(-h)},${f(-h)} ${f(-h + c)},${f(-h)}Z`;
    }
  }
}

/** Optional inner mark that tells the kinds apart even without colour. */
export function glyphIcon(style: KindStyle, scale = 1): string | null {
  switch (style.glyph) {
    case 'person': {
      // Head and shoulders.
      const u = style.radius * scale;
      const hr = u * 0.24;
      const hy = -u * 0.22;
      return (
        `M${f(-hr)},${f(hy)}A${f(hr)},${f(hr)} 0 1,0 ${f(hr)},${f(hy)}A${f(hr)},${f(hr)} 0 1,0 ${f(-hr)},${f(hy)}Z` +
        `M${f(-u * 0.5)},${f(u * 0.52)}Q${f(-u * 0.5)},${f(u * 0.08)} 0,${f(u * 0.08)}Q${f(u * 0.5)},${f(u * 0.08)} ${f(u * 0.5)},${f(u * 0.52)}Z`
      );
    }
    case 'diamond': {
      // A four-pointed spark, the common mark for generated content.
      const u = style.radius * scale * 0.45;
      const k = u * 0.22;
      return `M0,${f(-u)}Q${f(k)},${f(-k)} ${f(u)},0Q${f(k)},${f(k)} 0,${f(u)}Q${f(-k)},${f(k)} ${f(-u)},0Q${f(-k)},${f(-k)} 0,${f(-u)}Z`;
    }
    default:
      return null;
  }
}
