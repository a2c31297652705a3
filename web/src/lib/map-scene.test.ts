import { describe, expect, it } from 'vitest';
import { BODY_SCALE, NODE_FLAGS } from './map-glsl.ts';
import { buildScene, CHANGE_COLOURS, DIMMED_NODE_OPACITY, hexRgba, type SceneInput } from './map-scene.ts';
import { buildRenderModel, emphasisAround } from './render-model.ts';
import { component, dependency, snapshot } from './test-builders.ts';

const snap = snapshot(
  [component('checkout', { tier: 0 }), component('payments'), component('orders', { kind: 'QUEUE' }), component('stripe', { kind: 'EXTERNAL', virtual: true })],
  [dependency('checkout', 'payments', { calls: 100, errors: 20 }), dependency('checkout', 'orders', { kind: 'PUBLISH' }), dependency('payments', 'stripe')],
);
const model = buildRenderModel(snap, new Map(['checkout', 'payments', 'orders', 'stripe'].map((n, i) => [n, i])));
const input = (overrides: Partial<SceneInput> = {}): SceneInput => ({
  model, selected: null, emphasis: null, marks: { nodes: new Map(), edges: new Map() }, diffMarks: null, verdicts: null, pinned: new Set(), ...overrides,
});
const node = (scene: ReturnType<typeof buildScene>, name: string) => scene.nodes.find((n) => n.name === name)!;
const edge = (scene: ReturnType<typeof buildScene>, from: string, to: string) => scene.edges.find((e) => e.from === from && e.to === to)!;

describe('buildScene', () => {
  it('rings critical components, dashes inferred ones and message edges, colours failing edges', () => {
    const scene = buildScene(input());
    expect(node(scene, 'checkout').ring[3]).toBeGreaterThan(0);
    expect(node(scene, 'checkout').body).toBe(BODY_SCALE.ringed);
    expect(node(scene, 'payments').body).toBe(BODY_SCALE.plain);
    expect(node(scene, 'stripe').flags & NODE_FLAGS.virtual).toBeTruthy();
    expect(edge(scene, 'checkout', 'orders').dash).toBeGreaterThan(0);
    expect(edge(scene, 'checkout', 'payments').colour).toEqual(hexRgba('#f0524a', 0.85));
    expect(scene.dimmed).toBe(false);
  });

  it('dims all but the selection and its neighbours, which stay bright', () => {
    const scene = buildScene(input({ selected: 'payments', emphasis: emphasisAround('payments', model.edges) }));
    expect(node(scene, 'orders').opacity).toBe(DIMMED_NODE_OPACITY);
    expect(node(scene, 'stripe').opacity).toBe(1);
    expect(node(scene, 'payments').flags & NODE_FLAGS.selected).toBeTruthy();
    expect(edge(scene, 'checkout', 'orders').colour[3]).toBeLessThan(0.2);
    expect(edge(scene, 'payments', 'stripe').emphasised).toBe(true);
    // An emphasised edge survives any level of detail first.
    expect(edge(scene, 'payments', 'stripe').rank).toBeLessThan(edge(scene, 'checkout', 'orders').rank);
  });

  it('haloes a component in its worst finding\u2019s colour and bands the edge', () => {
    const scene = buildScene(input({ marks: { nodes: new Map([['payments', 'CRITICAL']]), edges: new Map([[edge(buildScene(input()), 'checkout', 'payments').id, 'HIGH']]) } }));
    expect(node(scene, 'payments').outer.slice(0, 3)).toEqual(hexRgba('#ff3d57').slice(0, 3));
    expect(node(scene, 'payments').body).toBe(BODY_SCALE.outer);
    expect(edge(scene, 'checkout', 'payments').band).not.toBeNull();
  });

  it('draws a what-if verdict over a halo, the degraded one dashed', () => {
    const scene = buildScene(input({ marks: { nodes: new Map([['payments', 'LOW']]), edges: new Map() }, verdicts: new Map([['payments', 'degraded'], ['checkout', 'failed']]) }));
    expect(node(scene, 'payments').outer).toEqual(hexRgba('#e3ac3c'));
    expect(node(scene, 'payments').flags & NODE_FLAGS.outerDashed).toBeTruthy();
    expect(node(scene, 'checkout').outerFill[3]).toBeGreaterThan(0);
  });

  it('colours changes in diff mode, each distinctly, the removed one dotted and faded', () => {
    const ids = buildScene(input()).edges;
    const id = (from: string, to: string) => ids.find((e) => e.from === from && e.to === to)!.id;
    const scene = buildScene(input({
      diffMarks: { nodes: new Map([['stripe', 'removed']]), edges: new Map([[id('checkout', 'payments'), 'regressed'], [id('payments', 'stripe'), 'removed'], [id('checkout', 'orders'), 'added']]) },
    }));
    expect(edge(scene, 'checkout', 'payments').colour.slice(0, 3)).toEqual(hexRgba(CHANGE_COLOURS.regressed).slice(0, 3));
    expect(edge(scene, 'payments', 'stripe').dash).toBeGreaterThan(0);
    expect(node(scene, 'stripe').flags & NODE_FLAGS.ghost).toBeTruthy();
    expect(node(scene, 'stripe').opacity).toBe(0.5);
    expect(new Set(scene.edges.map((e) => e.colour.join()))).toHaveProperty('size', 3);
  });
});
