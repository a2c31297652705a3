// What the renderer draws, derived from a snapshot and the node order of the current layout
// frame. Renderer-neutral: the SVG renderer reads it today, a canvas renderer can read it later.
import { createEdgeWidthScale, errorLevel, type ErrorLevel } from './edge-scale.ts';
import type { Shape } from './edge-geometry.ts';
import { groupStyle, kindStyle, type KindStyle } from './kind-style.ts';
import type { Component, ComponentKind, Dependency, GraphSnapshot } from './model.ts';

export interface MapNode {
  name: string;
  /** What the node's label says. */
  label: string;
  kind: ComponentKind;
  style: KindStyle;
  virtual: boolean;
  /** Tier 0 or 1: drawn with a ring, because these are what cascading risks are measured from. */
  critical: boolean;
  /** Position of the node in the layout frame's arrays. */
  index: number;
  /** Number of distinct neighbours; hubs keep their labels longest when zooming out. */
  degree: number;
  /** A folded group: how many components it holds; null for a component. */
  group: number | null;
}

export interface MapEdge {
  /** `from` and `to` JSON-encoded, unique per drawn edge. */
  id: string;
  from: string;
  to: string;
  fromIndex: number;
  toIndex: number;
  /** Outlines of both ends, to trim the edge to them. */
  fromShape: Shape;
  toShape: Shape;
  /**
   * Stroke width in world units for the calls summed over every dependency on this pair,
   * rounded so small traffic changes leave the edge untouched. Counts themselves are read from
   * the snapshot (side panel), never from here: an unchanged drawing keeps its old object.
   */
  width: number;
  level: ErrorLevel;
  /** Every interaction on this pair is asynchronous (message passing), drawn dashed. */
  async: boolean;
  /** Edges in both directions between two nodes bend apart so both stay visible. */
  curvature: number;
}

export interface RenderModel {
  nodes: MapNode[];
  edges: MapEdge[];
}

/** `MapEdge.id` of the edge drawn from one component to another (JSON keeps any name apart). */
export function edgeId(from: string, to: string): string {
  return JSON.stringify([from, to]);
}

const ASYNC_KINDS = new Set<Dependency['kind']>(['ASYNC', 'PUBLISH', 'CONSUME']);
export const REVERSE_PAIR_CURVATURE = 0.18;

/**
 * Nodes and edges that draw exactly as in `previous` are returned as the same objects, so a
 * poll that only moved call counts leaves the renderer's each-blocks with nothing to do.
 */
export function buildRenderModel(
  snapshot: Pick<GraphSnapshot, 'components' | 'dependencies'>,
  index: ReadonlyMap<string, number>,
  previous?: RenderModel,
): RenderModel {
  const grouped = new Map<string, Dependency[]>();
  for (const d of snapshot.dependencies) {
    if (d.from === d.to || !index.has(d.from) || !index.has(d.to)) continue;
    const id = edgeId(d.from, d.to);
    const group = grouped.get(id);
    if (group) group.push(d);
    else grouped.set(id, [d]);
  }

  const styles = new Map(snapshot.components.map((c) => [c.name, c.group ? groupStyle(c.group.members.length) : kindStyle(c.kind)]));
  const shapeOf = (name: string) => (styles.get(name) ?? kindStyle('SERVICE')).shape;
  let maxCalls = 0;
  const neighbours = new Map<string, Set<string>>();
  const touch = (a: string, b: string) => {
    const set = neighbours.get(a);
    if (set) set.add(b);
    else neighbours.set(a, new Set([b]));
  };
  const draft: (Omit<MapEdge, 'width'> & { calls: number })[] = [];
  for (const [id, deps] of grouped) {
    const first = deps[0]!;
    const calls = deps.reduce((sum, d) => sum + d.calls, 0);
    const errors = deps.reduce((sum, d) => sum + d.errors, 0);
    maxCalls = Math.max(maxCalls, calls);
    touch(first.from, first.to);
    touch(first.to, first.from);
    draft.push({
      id,
      from: first.from,
      to: first.to,
      fromIndex: index.get(first.from)!,
      toIndex: index.get(first.to)!,
      fromShape: shapeOf(first.from),
      toShape: shapeOf(first.to),
      calls,
      level: errorLevel(calls, errors),
      async: deps.every((d) => ASYNC_KINDS.has(d.kind)),
      curvature: grouped.has(edgeId(first.to, first.from)) ? REVERSE_PAIR_CURVATURE : 0,
    });
  }
  const width = createEdgeWidthScale(maxCalls);
  const previousEdges = new Map(previous?.edges.map((e) => [e.id, e]));
  const edges = draft.map(({ calls, ...e }) => {
    const next: MapEdge = { ...e, width: Math.round(width(calls) * 4) / 4 };
    const before = previousEdges.get(e.id);
    return before && sameEdgeDrawing(before, next) ? before : next;
  });
  const previousNodes = new Map(previous?.nodes.map((n) => [n.name, n]));

  const nodes: MapNode[] = [];
  for (const c of snapshot.components) {
    const i = index.get(c.name);
    if (i === undefined) continue;
    const next: MapNode = {
      name: c.name,
      label: c.displayName,
      kind: c.kind,
      style: styles.get(c.name)!,
      virtual: c.virtual,
      critical: c.tier !== null && c.tier <= 1,
      index: i,
      degree: neighbours.get(c.name)?.size ?? 0,
      group: c.group ? c.group.members.length : null,
    };
    const before = previousNodes.get(c.name);
    nodes.push(before && sameNodeDrawing(before, next) ? before : next);
  }
  return { nodes, edges };
}

function sameNodeDrawing(a: MapNode, b: MapNode): boolean {
  return a.label === b.label && a.kind === b.kind && a.virtual === b.virtual && a.critical === b.critical && a.index === b.index && a.degree === b.degree && a.group === b.group;
}

function sameEdgeDrawing(a: MapEdge, b: MapEdge): boolean {
  return (
    a.fromIndex === b.fromIndex &&
    a.toIndex === b.toIndex &&
    a.fromShape === b.fromShape &&
    a.toShape === b.toShape &&
    a.width === b.width &&
    a.level === b.level &&
    a.async === b.async &&
    a.curvature === b.curvature
  );
}

/** A builder that remembers its last model, to hand unchanged nodes and edges back as they were. */
export function createRenderModelBuilder(): (
  snapshot: Pick<GraphSnapshot, 'components' | 'dependencies'>,
  index: ReadonlyMap<string, number>,
) => RenderModel {
  let last: RenderModel | undefined;
  return (snapshot, index) => (last = buildRenderModel(snapshot, index, last));
}

/** The selected component and everything it talks to directly, in either direction. */
export function neighbourhood(name: string | null, edges: readonly MapEdge[]): Set<string> {
  const related = new Set<string>();
  if (name === null) return related;
  related.add(name);
  for (const e of edges) {
    if (e.from === name) related.add(e.to);
    if (e.to === name) related.add(e.from);
  }
  return related;
}

/** What stays bright while something is selected; the rest of the map is dimmed. */
export interface Emphasis {
  /** Component names. */
  nodes: ReadonlySet<string>;
  /** Edge ids (`MapEdge.id`). */
  edges: ReadonlySet<string>;
}

/** A selected component: itself, its direct neighbours and the edges that join it to them. */
export function emphasisAround(name: string, edges: readonly MapEdge[]): Emphasis {
  const ids = new Set<string>();
  for (const e of edges) if (e.from === name || e.to === name) ids.add(e.id);
  return { nodes: neighbourhood(name, edges), edges: ids };
}

export interface ComponentDetails {
  component: Component;
  dependsOn: Dependency[];
  dependents: Dependency[];
}

/** Details for the side panel, busiest interactions first. */
export function componentDetails(
  snapshot: Pick<GraphSnapshot, 'components' | 'dependencies'>,
  name: string,
): ComponentDetails | null {
  const component = snapshot.components.find((c) => c.name === name);
  if (!component) return null;
  const byCalls = (a: Dependency, b: Dependency) => b.calls - a.calls || a.to.localeCompare(b.to);
  return {
    component,
    dependsOn: snapshot.dependencies.filter((d) => d.from === name).sort(byCalls),
    dependents: snapshot.dependencies.filter((d) => d.to === name).sort(byCalls),
  };
}
