// What sigma's WebGL programs can draw for the map (sigma v4 "primitives"): one SDF shape per
// component kind and one fragment layer painting a component as the bulk layer does (both from
// map-glsl.ts), and edges as lines or arcs with an arrow head, solid or dashed. Everything a node
// or edge varies by is a graph attribute (sigma-layer.ts writes them), so sigma's styles are plain
// bindings and a refresh costs no per-item function calls.
import type { CustomNodeShape, PrimitivesDeclaration } from 'sigma/primitives';
import { extremityArrow, pathCurved, pathLine, type EdgeLayer, type FragmentLayer } from 'sigma/rendering';
import { INRADIUS, SHAPE_GLSL, SHAPE_NAMES, paintNodeGlsl } from './map-glsl.ts';

// WebGL2RenderingContext's constants, spelled out: this module is also read outside a browser.
const UNSIGNED_BYTE = 0x1401;
const FLOAT = 0x1406;

/** Node variables: each reads the graph attribute of the same name, in layer_orrery's parameter order. */
export const NODE_VARIABLES = {
  orFill: { type: 'color', default: '#10141b' },
  orStroke: { type: 'color', default: '#4f9cf9' },
  orOuter: { type: 'color', default: 'rgba(0,0,0,0)' },
  orOuterFill: { type: 'color', default: 'rgba(0,0,0,0)' },
  orRing: { type: 'color', default: 'rgba(0,0,0,0)' },
  orBody: { type: 'number', default: 1 },
  orOuterWidth: { type: 'number', default: 0.17 },
  orFlags: { type: 'number', default: 0 },
} as const;

/** Edge variables: dash and gap as multiples of the edge's drawn thickness (0: solid). */
export const EDGE_VARIABLES = {
  orDash: { type: 'number', default: 0 },
  orGap: { type: 'number', default: 0 },
} as const;

const shapes: CustomNodeShape[] = SHAPE_NAMES.map((name) => ({ name, glsl: SHAPE_GLSL[name]!, inradiusFactor: INRADIUS[name] }));

/** The shared painting, reaching the node's own shape at another size through sigma's shape selector. */
function orreryLayer(): FragmentLayer {
  const names = Object.keys(NODE_VARIABLES);
  return {
    name: 'orrery',
    uniforms: [],
    attributes: Object.entries(NODE_VARIABLES).map(([name, v]) =>
      v.type === 'color' ? { name, size: 4 as const, type: UNSIGNED_BYTE, normalized: true, source: name } : { name, size: 1 as const, type: FLOAT, source: name },
    ),
    glsl: /* glsl */ `
float orShapeAt(float size) {
  float outer = context.sdf;
  float inradius = context.inradiusFactor;
  queryNodeSDF(int(v_shapeId + 0.5), context.uv, size);
  float d = context.sdf;
  context.sdf = outer;
  context.inradiusFactor = inradius;
  return d;
}
${paintNodeGlsl((size) => `orShapeAt(${size})`)}
vec4 layer_orrery(${names.map((n) => `${n in { orBody: 1, orOuterWidth: 1, orFlags: 1 } ? 'float' : 'vec4'} v_${n}`).join(', ')}) {
  return orPaintNode(context.uv, context.sdf, context.shapeSize, context.aaWidth, context.pixelToUV, ${names.map((n) => `v_${n}`).join(', ')});
}`,
  };
}

/**
 * Edges in their colour, solid or dashed: asynchronous interactions dashed, a diff's removed edges
 * dotted. Sigma's own dashed layer draws nothing where an edge is solid, and a solid layer under
 * it would fill its gaps, so the two are one layer here.
 */
function dashLayer(): EdgeLayer {
  return {
    name: 'ordash',
    uniforms: [],
    attributes: Object.keys(EDGE_VARIABLES).map((name) => ({ name: `a_${name}`, size: 1 as const, type: FLOAT, source: name })),
    glsl: /* glsl */ `
vec4 layer_ordash(EdgeContext ctx) {
  if (v_orDash <= 0.0) return v_color;
  float dash = v_orDash * ctx.thickness;
  float period = dash + v_orGap * ctx.thickness;
  float pos = mod(ctx.distanceFromSource, period);
  float inside = smoothstep(-ctx.aaWidth, ctx.aaWidth, min(pos, dash - pos));
  return vec4(v_color.rgb, v_color.a * inside);
}`,
  };
}

// Arcs keep the curvature given to them: without a spread, sigma's parallel-edge spreading (which
// would bend both edges of a pair to one side) leaves them alone.
function arcs() {
  const curved = pathCurved();
  delete (curved as { spread?: unknown }).spread;
  return curved;
}

export function mapPrimitives() {
  return {
    nodes: {
      shapes,
      variables: NODE_VARIABLES,
      layers: [orreryLayer()],
    },
    edges: {
      paths: [pathLine(), arcs()],
      extremities: [extremityArrow({ lengthRatio: 4, widthRatio: 3.2 })],
      variables: EDGE_VARIABLES,
      layers: [dashLayer()],
    },
  } satisfies PrimitivesDeclaration;
}
