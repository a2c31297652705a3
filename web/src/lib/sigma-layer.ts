// Sigma as the map's detail layer, wrapped as a controller: it draws the components and
// dependencies it is handed (all of a small drawing; what is emphasised, or what is on screen when
// zoomed in, of a large one) with the kinds' shapes, arrows, arcs, dashes and finding bands, on a
// transparent canvas over the bulk layer. It only draws: the view, clicks and drags belong to the
// page's own controllers (d3-zoom, d3-drag, a quadtree), so sigma's captors are switched off and
// its camera is set from the page's transform.
import Graph from 'graphology';
import Sigma from 'sigma';
import { SHAPE_NAMES } from './map-glsl.ts';
import { EDGE_VARIABLES, NODE_VARIABLES, mapPrimitives } from './map-primitives.ts';
import { cssColour, type SceneEdge, type SceneNode } from './map-scene.ts';
import type { ViewTransform } from './viewport.ts';

export interface SigmaLayer {
  /** Replaces what sigma draws; positions are world x, y per scene index. */
  setItems(nodes: readonly SceneNode[], edges: readonly SceneEdge[], xy: Float32Array): void;
  /** Moves the same items. */
  setPositions(xy: Float32Array): void;
  /** Sets the camera to the view and draws now (the caller swaps the frame in at once). */
  render(view: ViewTransform): void;
  /** How many items sigma holds (nodes, edges including finding bands). */
  counts(): { nodes: number; edges: number };
  destroy(): void;
}

export interface SigmaLayerOptions {
  /** Nodes never shrink below their radius times this, in pixels (the bulk layer's rule too). */
  minScale: number;
}

const bind = (attribute: string, defaultValue?: unknown) => (defaultValue === undefined ? { attribute } : { attribute, defaultValue });

export function createSigmaLayer(container: HTMLElement, options: SigmaLayerOptions): SigmaLayer {
  let graph = new Graph({ multi: true, type: 'directed' });
  const variableStyles = (variables: Record<string, { default: unknown }>) => Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, bind(name, v.default)]));
  const sigma = new Sigma(graph, container, {
    primitives: mapPrimitives(),
    settings: {
      // 1 graph unit is 1 pixel at ratio 1, the origin at the centre: the page's world units.
      autoRescale: false,
      itemSizesReference: 'positions',
      zoomToSizeRatioFunction: (ratio: number) => Math.min(ratio, 1 / options.minScale),
      renderLabels: false,
      // Panning and zooming stay enabled (the camera ignores setState otherwise); sigma's container
      // takes no pointer events, so only the page moves the view.
      enableCameraRotation: false,
      enableNodeDrag: false,
      minEdgeThickness: 0.8,
      stagePadding: 0,
    },
    styles: {
      nodes: {
        x: bind('x'),
        y: bind('y'),
        size: bind('size', 10),
        shape: bind('shape', SHAPE_NAMES[0]),
        color: bind('orStroke', '#4f9cf9'),
        opacity: bind('opacity', 1),
        zIndex: bind('zIndex', 0),
        ...variableStyles(NODE_VARIABLES),
      },
      edges: {
        size: bind('size', 1),
        color: bind('color', '#56627a'),
        head: bind('head', 'arrow'),
        path: bind('path', 'line'),
        curvature: bind('curvature', 0),
        zIndex: bind('zIndex', 0),
        ...variableStyles(EDGE_VARIABLES),
      },
    },
  } as never);
  let nodeKeys: string[] = [];
  let lastItems: { nodes: readonly SceneNode[]; edges: readonly SceneEdge[] } = { nodes: [], edges: [] };

  const nodeAttributes = (n: SceneNode, xy: Float32Array) => ({
    x: xy[n.index * 2] ?? 0,
    // Sigma's y runs up; the page's world y runs down.
    y: -(xy[n.index * 2 + 1] ?? 0),
    size: n.bodyRadius / n.body,
    shape: SHAPE_NAMES[n.shape],
    opacity: n.opacity,
    zIndex: n.emphasised ? 2 : 1,
    orFill: cssColour(n.fill),
    orStroke: cssColour(n.stroke),
    orOuter: cssColour(n.outer),
    orOuterFill: cssColour(n.outerFill),
    orRing: cssColour(n.ring),
    orBody: n.body,
    orOuterWidth: n.outerWidth,
    orFlags: n.flags,
  });

  return {
    setItems(nodes, edges, xy) {
      lastItems = { nodes, edges };
      const next = new Graph({ multi: true, type: 'directed' });
      for (const n of nodes) next.addNode(n.name, nodeAttributes(n, xy));
      for (const e of edges) {
        if (!next.hasNode(e.from) || !next.hasNode(e.to)) continue;
        const path = e.curvature !== 0 ? 'curved' : 'line';
        // The finding's band first, under its edge: a broad translucent line, no head.
        if (e.band) {
          next.addEdgeWithKey(`${e.id}#band`, e.from, e.to, { size: e.width + 7, color: cssColour(e.band), head: 'none', path, curvature: e.curvature, zIndex: 0 });
        }
        next.addEdgeWithKey(e.id, e.from, e.to, {
          size: e.width,
          color: cssColour(e.colour),
          head: 'arrow',
          path,
          curvature: e.curvature,
          orDash: e.dash,
          orGap: e.gap,
          zIndex: e.emphasised ? 2 : 1,
        });
      }
      graph = next;
      nodeKeys = nodes.map((n) => n.name);
      sigma.setGraph(graph);
    },
    setPositions(xy) {
      const byName = new Map(lastItems.nodes.map((n) => [n.name, n]));
      graph.updateEachNodeAttributes((name, attributes) => {
        const n = byName.get(name);
        if (n) {
          attributes.x = xy[n.index * 2] ?? 0;
          attributes.y = -(xy[n.index * 2 + 1] ?? 0);
        }
        return attributes;
      }, { attributes: ['x', 'y'] });
    },
    render(view) {
      const { width, height } = sigma.getDimensions();
      const centre = sigma.graphToFramedGraph({ x: (width / 2 - view.x) / view.k, y: -(height / 2 - view.y) / view.k });
      sigma.getCamera().setState({ x: centre.x, y: centre.y, ratio: 1 / view.k, angle: 0 });
      sigma.refresh({ skipIndexation: false });
    },
    counts: () => ({ nodes: nodeKeys.length, edges: graph.size }),
    destroy() {
      sigma.kill();
    },
  };
}
