// How each component and dependency looks on the map, decided once for both WebGL layers (the
// estate-wide bulk layer and sigma) and the DOM markers: colours, rings, flags, dashes, dimming.
// These are the SVG map's CSS rules (selection emphasis, error levels, findings, diff mode,
// what-if verdicts) written as data. Pure.
import type { DiffMarks, EdgeChange } from './diff.ts';
import { SEVERITY_STYLES, type SeverityMarks } from './findings.ts';
import { BODY_SCALE, GROUP_SHAPE, ICONS, NODE_FLAGS, SHAPE_IDS } from './map-glsl.ts';
import type { Emphasis, MapEdge, MapNode, RenderModel } from './render-model.ts';
import type { Verdict } from './what-if.ts';

/** Red, green, blue 0-255 and alpha 0-1. */
export type Rgba = readonly [number, number, number, number];

export const TRANSPARENT: Rgba = [0, 0, 0, 0];
const BACKGROUND: Rgba = [16, 20, 27, 1];

export function hexRgba(hex: string, alpha = 1): Rgba {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

/** `colour` at `share` over the map's node background, as `color-mix(in srgb, colour share, #10141b)`. */
export function mixOverBackground(colour: Rgba, share: number): Rgba {
  return [0, 1, 2].map((i) => Math.round(colour[i]! * share + BACKGROUND[i]! * (1 - share))).concat(1) as unknown as Rgba;
}

export function cssColour(c: Rgba): string {
  return `rgba(${c[0]},${c[1]},${c[2]},${Math.round(c[3] * 1000) / 1000})`;
}

export interface SceneNode {
  name: string;
  index: number;
  label: string;
  kind: MapNode['kind'];
  shape: number;
  /** Radius of the body (the glyph), world units. */
  bodyRadius: number;
  /** The body's radius over the quad's (the outermost ring's). */
  body: number;
  outerWidth: number;
  flags: number;
  fill: Rgba;
  stroke: Rgba;
  outer: Rgba;
  outerFill: Rgba;
  ring: Rgba;
  /** 1, or less when something else is emphasised or the component is a diff's ghost. */
  opacity: number;
  /** Part of what stays bright (a selection's neighbourhood, a finding's path, a diff entry, a what-if path). */
  emphasised: boolean;
  change: 'added' | 'removed' | null;
  verdict: Verdict | null;
  severity: keyof typeof SEVERITY_STYLES | null;
  /** A folded group: how many components it holds. */
  group: number | null;
}

export interface SceneEdge {
  id: string;
  from: string;
  to: string;
  fromIndex: number;
  toIndex: number;
  colour: Rgba;
  /** World units. */
  width: number;
  /** Dash and gap in multiples of the width; 0 for a solid edge. */
  dash: number;
  gap: number;
  curvature: number;
  emphasised: boolean;
  change: EdgeChange | null;
  /** A finding's translucent band under the edge, or null. */
  band: Rgba | null;
  /** Ordering for level of detail: lower draws first and survives the edge budget. */
  rank: number;
}

export interface Scene {
  nodes: SceneNode[];
  edges: SceneEdge[];
  /** Something is emphasised: everything else is dimmed. */
  dimmed: boolean;
  diffing: boolean;
}

export interface SceneInput {
  model: RenderModel;
  selected: string | null;
  emphasis: Emphasis | null;
  marks: SeverityMarks;
  diffMarks: DiffMarks | null;
  verdicts: ReadonlyMap<string, Verdict> | null;
  pinned: ReadonlySet<string>;
  /** Blast-radius mode: the colour of each component the failure reaches (lib/blast-radius.ts). */
  heat?: ReadonlyMap<string, Rgba> | null;
}

const VERDICT_RINGS: Readonly<Record<Exclude<Verdict, 'unaffected'>, { stroke: Rgba; fill: Rgba; dashed: boolean }>> = {
  failed: { stroke: hexRgba('#ff3b30'), fill: hexRgba('#ff3b30', 0.3), dashed: false },
  slowed: { stroke: hexRgba('#b18cff'), fill: hexRgba('#b18cff', 0.25), dashed: false },
  broken: { stroke: hexRgba('#ff6b62'), fill: TRANSPARENT, dashed: false },
  degraded: { stroke: hexRgba('#e3ac3c'), fill: TRANSPARENT, dashed: true },
};

const EDGE_LEVELS = {
  // dimmed: at DIMMED_EDGE_ALPHA (below), made once rather than per edge.
  ok: { colour: hexRgba('#56627a', 0.55), active: hexRgba('#9fb3d1', 0.95), dimmed: hexRgba('#56627a', 0.12) },
  warn: { colour: hexRgba('#d29922', 0.75), active: hexRgba('#e3ac3c', 0.95), dimmed: hexRgba('#d29922', 0.12) },
  bad: { colour: hexRgba('#f0524a', 0.85), active: hexRgba('#ff6b62', 0.95), dimmed: hexRgba('#f0524a', 0.12) },
} as const;

export const CHANGE_COLOURS: Readonly<Record<EdgeChange, string>> = {
  added: '#35c39e',
  removed: '#8b95a5',
  regressed: '#ff6b62',
  improved: '#5fa8ff',
};

/** Dimmed items keep this much of their opacity (the SVG map's 0.22 for nodes, 0.12 for edges). */
export const DIMMED_NODE_OPACITY = 0.22;
export const DIMMED_EDGE_ALPHA = 0.12;

// A scene is built again at every selection (5,000 nodes, 20,000 edges): colours are computed once per kind colour, not per item.
const kindColours = new Map<string, Rgba>();
const kindFills = new Map<string, Rgba>();
function kindRgba(hex: string): Rgba {
  let c = kindColours.get(hex);
  if (!c) kindColours.set(hex, (c = hexRgba(hex)));
  return c;
}
function kindFill(hex: string, colour: Rgba, share: number): Rgba {
  const key = `${hex} ${share}`;
  let c = kindFills.get(key);
  if (!c) kindFills.set(key, (c = mixOverBackground(colour, share)));
  return c;
}

function sceneNode(node: MapNode, input: SceneInput, dimmed: boolean): SceneNode {
  const style = node.style;
  const kindColour = kindRgba(style.colour);
  const selected = node.name === input.selected;
  const emphasised = input.emphasis?.nodes.has(node.name) ?? false;
  const change = input.diffMarks?.nodes.get(node.name) ?? null;
  const verdict = input.verdicts?.get(node.name) ?? null;
  const severity = input.marks.nodes.get(node.name) ?? null;
  const ghost = change === 'removed';
  let flags = node.group === null ? ICONS[node.kind] << NODE_FLAGS.iconShift : 0;
  if (node.virtual) flags |= NODE_FLAGS.virtual;
  if (selected) flags |= NODE_FLAGS.selected;
  if (ghost) flags |= NODE_FLAGS.ghost;
  if (input.pinned.has(node.name)) flags |= NODE_FLAGS.pinned;

  // The outer ring: a what-if verdict first, then a diff's "added", then the worst finding's halo.
  let outer = TRANSPARENT;
  let outerFill = TRANSPARENT;
  let outerWidth = 0.17;
  const heat = input.heat?.get(node.name);
  if (heat) {
    outer = heat;
    outerFill = [heat[0], heat[1], heat[2], 0.3];
    outerWidth = 0.26;
  } else if (verdict && verdict !== 'unaffected') {
    const ring = VERDICT_RINGS[verdict];
    outer = ring.stroke;
    outerFill = ring.fill;
    outerWidth = 0.23;
    if (ring.dashed) flags |= NODE_FLAGS.outerDashed;
  } else if (change === 'added') {
    outer = hexRgba('#35c39e');
    outerFill = hexRgba('#35c39e', 0.1);
    outerWidth = 0.154;
  } else if (severity) {
    outer = hexRgba(SEVERITY_STYLES[severity].colour, 0.9);
    outerFill = hexRgba(SEVERITY_STYLES[severity].colour, 0.12);
  }
  const ring = node.critical ? ([kindColour[0], kindColour[1], kindColour[2], 0.45] as Rgba) : TRANSPARENT;
  const body = outer[3] > 0 || outerFill[3] > 0 ? BODY_SCALE.outer : ring[3] > 0 || input.pinned.has(node.name) ? BODY_SCALE.ringed : BODY_SCALE.plain;
  const fill = ghost ? BACKGROUND : kindFill(style.colour, kindColour, selected ? 0.45 : node.virtual ? 0.08 : 0.22);
  let opacity = ghost ? 0.5 : 1;
  if (dimmed && !emphasised) opacity = DIMMED_NODE_OPACITY;
  else if (dimmed && ghost) opacity = 0.75;
  return {
    name: node.name,
    index: node.index,
    label: node.label,
    kind: node.kind,
    shape: node.group === null ? SHAPE_IDS[node.kind] : GROUP_SHAPE,
    bodyRadius: style.radius,
    body,
    outerWidth,
    flags,
    fill,
    stroke: kindColour,
    outer,
    outerFill,
    ring,
    opacity,
    emphasised,
    change,
    verdict,
    severity,
    group: node.group,
  };
}

function sceneEdge(edge: MapEdge, input: SceneInput, dimmed: boolean): SceneEdge {
  const emphasised = input.emphasis?.edges.has(edge.id) ?? false;
  const change = input.diffMarks?.edges.get(edge.id) ?? null;
  const severity = input.marks.edges.get(edge.id) ?? null;
  const level = EDGE_LEVELS[edge.level];
  let colour: Rgba;
  if (input.diffMarks) {
    // Diff mode: change takes the colour channel from the error rate; what did not change recedes.
    if (change === 'removed') colour = emphasised ? hexRgba('#c9d1dc', 1) : hexRgba(CHANGE_COLOURS.removed, 0.6);
    else if (change) colour = hexRgba(CHANGE_COLOURS[change], emphasised ? 1 : 0.95);
    else colour = emphasised ? hexRgba('#9fb3d1', 1) : hexRgba('#56627a', 0.32);
    if (dimmed && !emphasised) colour = [colour[0], colour[1], colour[2], 0.1];
  } else {
    colour = dimmed ? (emphasised ? level.active : level.dimmed) : level.colour;
  }
  const bandColour = severity ? hexRgba(SEVERITY_STYLES[severity].colour) : null;
  const band = bandColour ? ([bandColour[0], bandColour[1], bandColour[2], dimmed ? (emphasised ? 0.38 : 0.05) : 0.2] as Rgba) : null;
  // A ghost is dotted (0.5 on, 5 off in the SVG map's units of 1.5 wide edges); messages dashed 6, 4.
  const [dash, gap] = change === 'removed' ? [0.5, 4] : edge.async ? [4, 2.7] : [0, 0];
  const rank = emphasised ? 0 : change ? 1 : severity ? 2 : edge.level === 'bad' ? 3 : edge.level === 'warn' ? 4 : 5;
  return {
    id: edge.id,
    from: edge.from,
    to: edge.to,
    fromIndex: edge.fromIndex,
    toIndex: edge.toIndex,
    colour,
    width: edge.width,
    dash,
    gap,
    curvature: edge.curvature,
    emphasised,
    change,
    band,
    rank: rank * 100 - Math.min(edge.width, 99),
  };
}

export function buildScene(input: SceneInput): Scene {
  const dimmed = input.emphasis !== null;
  return {
    nodes: input.model.nodes.map((n) => sceneNode(n, input, dimmed)),
    edges: input.model.edges.map((e) => sceneEdge(e, input, dimmed)),
    dimmed,
    diffing: input.diffMarks !== null,
  };
}
