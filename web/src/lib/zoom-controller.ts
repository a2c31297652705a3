// d3-zoom wrapped as a controller: it owns wheel, pinch and pan on an element and reports the
// transform; whoever renders applies it. Mirrors xyflow's XYPanZoom: `{ update, destroy }`-style.
import { select, zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3';
import { MAX_ZOOM, MIN_ZOOM, type ViewTransform } from './viewport.ts';

export interface ZoomController {
  /** Moves the view; animated when `durationMs` is given. Reported with `byUser` false. */
  setTransform(t: ViewTransform, durationMs?: number): void;
  zoomBy(factor: number): void;
  destroy(): void;
}

export interface ZoomOptions {
  onTransform(t: ViewTransform, byUser: boolean): void;
  /** Pointer-downs that start on something the user may drag are left to the drag behaviour. */
  ignore?(event: Event): boolean;
  /**
   * The element's size, when the caller already knows it: d3-zoom otherwise reads it from the DOM
   * at every transform, which forces a style and layout pass (most of a second while a large map's
   * page is being built).
   */
  size?(): { width: number; height: number };
}

export function createZoomController(element: HTMLElement, options: ZoomOptions): ZoomController {
  const selection = select<HTMLElement, unknown>(element);
  const behaviour: ZoomBehavior<HTMLElement, unknown> = zoom<HTMLElement, unknown>()
    .scaleExtent([MIN_ZOOM, MAX_ZOOM])
    .filter((event: Event) => {
      const e = event as MouseEvent;
      if (e.type === 'dblclick') return false; // Double-click belongs to the nodes (unpin).
      if (e.type !== 'wheel' && e.button) return false;
      if (e.ctrlKey && e.type !== 'wheel') return false;
      return !(options.ignore?.(event) ?? false);
    })
    .on('zoom', (event: D3ZoomEvent<HTMLElement, unknown>) => {
      const { x, y, k } = event.transform;
      options.onTransform({ x, y, k }, event.sourceEvent != null);
    });
  if (options.size) {
    const size = options.size;
    behaviour.extent(() => {
      const { width, height } = size();
      return [[0, 0], [width, height]];
    });
  }
  selection.call(behaviour);

  return {
    setTransform(t, durationMs) {
      const target = zoomIdentity.translate(t.x, t.y).scale(t.k);
      if (durationMs) selection.transition().duration(durationMs).call(behaviour.transform, target);
      else selection.call(behaviour.transform, target);
    },
    zoomBy(factor) {
      selection.transition().duration(200).call(behaviour.scaleBy, factor);
    },
    destroy() {
      selection.interrupt().on('.zoom', null);
    },
  };
}
