import { describe, expect, it } from 'vitest';
import { edgeMiddle, labelledNodes, levelOfDetail, visibleLength } from './map-lod.ts';
import { buildScene } from './map-scene.ts';
import { buildRenderModel, emphasisAround } from './render-model.ts';
import { component, dependency, snapshot } from './test-builders.ts';

/** A ring of `n` services, each calling the next: positions on a circle of `radius` world units. */
function ring(n: number, radius = 1000) {
  const names = Array.from({ length: n }, (_, i) => `s${i}`);
  const snap = snapshot(names.map((name) => component(name)), names.map((name, i) => dependency(name, names[(i + 1) % n]!, { calls: i + 1 })));
  const model = buildRenderModel(snap, new Map(names.map((name, i) => [name, i])));
  const xy = new Float32Array(n * 2);
  names.forEach((_, i) => {
    xy[i * 2] = radius * Math.cos((2 * Math.PI * i) / n);
    xy[i * 2 + 1] = radius * Math.sin((2 * Math.PI * i) / n);
  });
  return { model, xy };
}
const scene = (model: ReturnType<typeof ring>['model'], selected: string | null = null) =>
  buildScene({ model, selected, emphasis: selected ? emphasisAround(selected, model.edges) : null, marks: { nodes: new Map(), edges: new Map() }, diffMarks: null, verdicts: null, pinned: new Set() });
const viewport = { width: 1000, height: 800 };
const fitAll = { x: 500, y: 400, k: 0.35 };

describe('levelOfDetail', () => {
  it('hands a small drawing wholly to sigma', () => {
    const { model, xy } = ring(12);
    const lod = levelOfDetail(scene(model), xy, fitAll, viewport);
    expect(lod.detailNodes).toHaveLength(12);
    expect(lod.detailEdges).toHaveLength(12);
    expect(lod.bulkNodes).toEqual([]);
  });

  it('draws a large one in the bulk layer, sigma drawing only what stays bright', () => {
    const { model, xy } = ring(2000);
    const plain = levelOfDetail(scene(model), xy, fitAll, viewport);
    expect(plain.bulkNodes).toHaveLength(2000);
    expect(plain.detailNodes).toEqual([]);
    const lit = levelOfDetail(scene(model, 's10'), xy, fitAll, viewport);
    expect(lit.detailNodes.map((i) => model.nodes[i]!.name).sort()).toEqual(['s10', 's11', 's9']);
    expect(lit.detailEdges).toHaveLength(2);
  });

  it('gives sigma everything on screen once zoomed into a large drawing, with the far ends of its edges', () => {
    const { model, xy } = ring(2000);
    // Zoomed onto s0 at (1000, 0): a handful of components in view.
    const lod = levelOfDetail(scene(model), xy, { x: 500 - 1000 * 3, y: 400, k: 3 }, viewport);
    expect(lod.detailNodes.length).toBeGreaterThan(2);
    expect(lod.detailNodes.length).toBeLessThanOrEqual(160 + 2);
    expect(lod.bulkNodes.length + lod.detailNodes.length).toBe(2000);
  });

  it('keeps the busiest dependencies within the on-screen length budget and counts the rest', () => {
    const { model, xy } = ring(2000);
    const lod = levelOfDetail(scene(model), xy, fitAll, viewport, { detailNodes: 160, edgePixels: 500, labels: 10 });
    expect(lod.bulkEdges.length).toBeGreaterThan(0);
    expect(lod.bulkEdges.length + lod.edgesLeftOut).toBe(2000);
    // The kept ones are the busiest (calls = index + 1 here: widths grow with calls).
    const keptWidth = Math.min(...lod.bulkEdges.map((i) => model.edges[i]!.width));
    expect(keptWidth).toBeGreaterThanOrEqual(Math.max(...model.edges.filter((_, i) => !lod.bulkEdges.includes(i)).map((e) => e.width)));
  });
});

describe('visibleLength', () => {
  it('clips a segment to the viewport', () => {
    const view = { x: 0, y: 0, k: 1 };
    expect(visibleLength(-100, 50, 200, 50, view, viewport)).toBeCloseTo(200);
    expect(visibleLength(-100, -50, -10, -50, view, viewport)).toBe(0);
    expect(visibleLength(10, 10, 20, 10, { x: 0, y: 0, k: 2 }, viewport)).toBeCloseTo(20);
  });
});

describe('labelledNodes', () => {
  it('labels what is emphasised, then the busiest on screen, up to the limit', () => {
    const { model, xy } = ring(300);
    const s = scene(model, 's5');
    const degrees = new Map(model.nodes.map((n) => [n.name, n.name === 's100' ? 9 : n.name === 's200' ? 5 : 2]));
    const names = labelledNodes(s, degrees, xy, fitAll, viewport, 3, 1).map((n) => n.name);
    expect(names).toEqual(expect.arrayContaining(['s4', 's5', 's6', 's100']));
    expect(names).not.toContain('s200');
  });
});

describe('edgeMiddle', () => {
  it('is the midpoint of a straight edge and off it for an arc', () => {
    const xy = Float32Array.from([0, 0, 100, 0]);
    expect(edgeMiddle({ fromIndex: 0, toIndex: 1, curvature: 0 }, xy)).toEqual({ x: 50, y: 0 });
    expect(Math.abs(edgeMiddle({ fromIndex: 0, toIndex: 1, curvature: 0.2 }, xy).y)).toBeCloseTo(10);
  });
});
