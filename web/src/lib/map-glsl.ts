// The GLSL both WebGL layers of the map share (map-primitives.ts for sigma, bulk-renderer.ts for the
// estate-wide layer): one signed distance function per component kind and the painting of a
// component (fill and outline in the kind's colour, the tier ring, an outer ring for a finding, a
// what-if verdict or a diff, the kind's inner mark, the pin), so a component looks the same in both.
//
// Geometry, in the node quad's UV space ([-1, 1], y up): the quad is the outermost ring; the body
// (the kind's glyph) is the same shape scaled by `body` (1 without rings; BODY_SCALE otherwise), so a
// ring never costs a second node and the body keeps its size on screen.
import type { ComponentKind } from './model.ts';

/** Shape ids, in the order both layers declare them (sigma's shape name is the kind, lower-cased). */
export const SHAPE_IDS: Readonly<Record<ComponentKind, number>> = { SERVICE: 0, DATABASE: 1, QUEUE: 2, EXTERNAL: 3, AI: 4, HUMAN: 5 };
export const SHAPE_NAMES: readonly string[] = ['service', 'database', 'queue', 'external', 'ai', 'human', 'group'];
/** A folded system, owner or namespace (lib/fold.ts). */
export const GROUP_SHAPE = 6;

/** The inner mark drawn on the body, by kind. */
export const ICONS: Readonly<Record<ComponentKind, number>> = { SERVICE: 0, DATABASE: 3, QUEUE: 0, EXTERNAL: 0, AI: 2, HUMAN: 1 };

/** Bits of a node's flags. */
export const NODE_FLAGS = {
  /** Inferred from callers only: the outline is dashed. */
  virtual: 1,
  selected: 2,
  /** The outer ring is dashed (a degraded verdict): colour is not the only cue. */
  outerDashed: 4,
  /** A removed component in diff mode: dotted outline. */
  ghost: 8,
  pinned: 16,
  /** Icon id << 5 (two bits). */
  iconShift: 5,
} as const;

/**
 * Body scale: the body's radius over the quad's. An outer ring sits at 1.62 of the body, as the SVG
 * map's halo did; the tier ring at 1.38 needs a little room past it for antialiasing and the pin.
 */
export const BODY_SCALE = { plain: 1, ringed: 1 / 1.45, outer: 1 / 1.62 } as const;

/** `float sdf_<shape>(vec2 uv, float size)` for each kind: negative inside, size the outer radius. */
export const SHAPE_GLSL: Readonly<Record<string, string>> = {
  service: /* glsl */ `
float sdf_service(vec2 uv, float size) {
  return length(uv) - size;
}`,
  database: /* glsl */ `
float sdf_database(vec2 uv, float size) {
  float hw = size * 0.79;
  float hh = size * 0.93;
  float e = hh * 0.3;
  vec2 p = abs(uv);
  vec2 d = vec2(p.x - hw, p.y - (hh - e));
  float box = length(max(d, 0.0)) + min(max(d.x, d.y), 0.0);
  // An ellipse's distance, approximated through its gradient (Inigo Quilez).
  vec2 r = vec2(hw, e);
  vec2 q = vec2(p.x, p.y - (hh - e));
  float k0 = length(q / r);
  float k1 = length(q / (r * r));
  return min(box, k0 * (k0 - 1.0) / k1);
}`,
  queue: /* glsl */ `
float sdf_queue(vec2 uv, float size) {
  float r = size * 0.5;
  vec2 d = abs(uv) - vec2(size - r, 0.0);
  return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0) - r;
}`,
  // Flat top and bottom, corners left and right (vertices at 0°, 60°, ...).
  external: /* glsl */ `
float sdf_external(vec2 uv, float size) {
  const vec3 k = vec3(-0.866025404, 0.5, 0.577350269);
  float r = size * 0.866025404;
  vec2 p = abs(uv);
  p -= 2.0 * min(dot(k.xy, p), 0.0) * k.xy;
  p -= vec2(clamp(p.x, -k.z * r, k.z * r), r);
  return length(p) * sign(p.y);
}`,
  ai: /* glsl */ `
float sdf_ai(vec2 uv, float size) {
  vec2 p = abs(uv);
  return (p.x + p.y - size) * 0.70710678;
}`,
  group: /* glsl */ `
float sdf_group(vec2 uv, float size) {
  float h = size * 0.9;
  float r = h * 0.28;
  vec2 d = abs(uv) - vec2(h - r);
  return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0) - r;
}`,
  human: /* glsl */ `
float sdf_human(vec2 uv, float size) {
  float h = size * 0.92;
  float r = h * 0.35;
  vec2 d = abs(uv) - vec2(h - r);
  return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0) - r;
}`,
};

/** Inradius over circumradius of each shape (sigma places labels and backdrops with it). */
export const INRADIUS: Readonly<Record<string, number>> = { service: 1, database: 0.78, queue: 0.5, external: 0.866, ai: 0.707, human: 0.9, group: 0.9 };

/**
 * `vec4 orPaintNode(...)`: the colour of one fragment of a component. `shapeAt` is the GLSL
 * expression of the node's own shape's distance at another size (the body, the tier ring), which
 * each layer reaches its own way; `outer` is the distance at the quad's full size.
 */
export function paintNodeGlsl(shapeAt: (size: string) => string): string {
  return /* glsl */ `
float orCover(float d, float aa) { return smoothstep(aa, -aa, d); }
float orDash(vec2 uv, float radius, float dash, float gap) {
  float s = (atan(uv.y, uv.x) + 3.14159265) * radius;
  return mod(s, dash + gap) < dash ? 1.0 : 0.0;
}
vec4 orPaint(vec4 under, vec4 colour, float coverage) {
  float a = colour.a * coverage;
  return vec4(mix(under.rgb, colour.rgb, a), under.a + a * (1.0 - under.a));
}
vec4 orPaintNode(vec2 uv, float outer, float size, float aa, float px, vec4 fill, vec4 stroke, vec4 outerStroke, vec4 outerFill, vec4 ring, float bodyScale, float outerWidth, float flagsValue) {
  int flags = int(flagsValue + 0.5);
  float bodyR = size * bodyScale;
  float body = bodyScale > 0.99 ? outer : ${shapeAt('bodyR')};
  vec4 c = vec4(0.0);
  // Outer ring: its fill between it and the body, its stroke along the quad's edge.
  if (bodyScale < 0.99 && (outerStroke.a > 0.0 || outerFill.a > 0.0)) {
    float w = max(bodyR * outerWidth, 1.5 * px);
    c = orPaint(c, outerFill, orCover(outer, aa) * (1.0 - orCover(body, aa)));
    float band = orCover(abs(outer + 0.5 * w) - 0.5 * w, aa);
    if ((flags & ${NODE_FLAGS.outerDashed}) != 0) band *= orDash(uv, size, 0.38 * bodyR, 0.23 * bodyR);
    c = orPaint(c, outerStroke, band);
  }
  // The tier ring: the shape at 1.38 of the body, a thin line.
  if (ring.a > 0.0) {
    float w = max(bodyR * 0.077, 1.0 * px);
    c = orPaint(c, ring, orCover(abs(${shapeAt('bodyR * 1.38')}) - 0.5 * w, aa));
  }
  // Body: fill, then the outline (thicker when selected; dashed when inferred; dotted for a ghost).
  float sw = max(bodyR * ((flags & ${NODE_FLAGS.selected}) != 0 ? 0.23 : 0.135), 1.0 * px);
  c = orPaint(c, fill, orCover(body, aa));
  float line = orCover(abs(body + 0.5 * sw) - 0.5 * sw, aa);
  if ((flags & ${NODE_FLAGS.virtual}) != 0) line *= orDash(uv, bodyR, 0.31 * bodyR, 0.23 * bodyR);
  if ((flags & ${NODE_FLAGS.ghost}) != 0) line *= orDash(uv, bodyR, 0.12 * bodyR, 0.23 * bodyR);
  c = orPaint(c, stroke, line);
  // The kind's inner mark, in the outline's colour (p in body radii, y up). Too small to read
  // under four pixels: not drawn.
  int icon = (flags >> ${NODE_FLAGS.iconShift}) & 3;
  vec2 p = uv / max(bodyR, 1e-4);
  if (icon != 0 && bodyR > 4.0 * px) {
    float mark = 1e3;
    if (icon == 1) {
      // A person: head and shoulders.
      float head = length(p - vec2(0.0, 0.22)) - 0.24;
      vec2 r = vec2(0.5, 0.44);
      vec2 q = p - vec2(0.0, -0.52);
      float k0 = length(q / r);
      float k1 = length(q / (r * r));
      mark = min(head, max(k0 * (k0 - 1.0) / k1, -q.y));
    } else if (icon == 2) {
      // A four-pointed spark, the common mark of generated content.
      vec2 a = abs(p) / 0.45;
      mark = (sqrt(a.x) + sqrt(a.y) - 1.0) * 0.2;
    } else {
      // A database's lid: the front rim of the top ellipse.
      vec2 r = vec2(0.79, 0.28);
      vec2 q = p - vec2(0.0, 0.65);
      float k0 = length(q / r);
      float k1 = length(q / (r * r));
      if (q.y < 0.0) mark = abs(k0 * (k0 - 1.0) / k1) - 0.5 * sw / bodyR;
    }
    c = orPaint(c, stroke, orCover(mark * bodyR, aa));
  }
  // A pinned component: a small dot at the top right of the body.
  if ((flags & ${NODE_FLAGS.pinned}) != 0) {
    float dot = length(p - vec2(0.8, 0.8)) - 0.23;
    c = orPaint(c, vec4(0.063, 0.078, 0.106, 1.0), orCover((dot - 0.12) * bodyR, aa));
    c = orPaint(c, vec4(0.835, 0.859, 0.89, 1.0), orCover(dot * bodyR, aa));
  }
  return c;
}`;
}
