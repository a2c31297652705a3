// Main-thread side of the layout worker. It remembers which node order each graph version was
// sent with, so a frame is always read with the order it was computed for, even while a newer
// graph is on its way to the worker; and it hands the renderer at most one frame per display
// frame.
import type { LayoutNodeInput } from './layout-engine.ts';
import type { LayoutFrameMessage, LayoutRequest } from './layout-protocol.ts';

export interface LayoutPort {
  postMessage(message: LayoutRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<LayoutFrameMessage>) => void): void;
  terminate(): void;
}

export interface LayoutOrder {
  version: number;
  names: readonly string[];
  index: ReadonlyMap<string, number>;
}

export interface LayoutFrame {
  order: LayoutOrder;
  /** x, y per node, indexed through `order.index`. */
  xy: Float32Array;
  alpha: number;
  running: boolean;
  tickMs: number;
}

export interface LayoutClient {
  /** `layout`: the force layout (settles over frames) or the layered one (placed at once). */
  setGraph(nodes: LayoutNodeInput[], links: [string, string][], layout?: 'force' | 'layered'): void;
  pin(name: string, x: number, y: number): void;
  unpin(name: string): void;
  setDragging(active: boolean): void;
  destroy(): void;
}

export interface LayoutClientOptions {
  requestFrame?: (run: () => void) => unknown;
  setTimer?: (run: () => void, ms: number) => unknown;
  now?: () => number;
}

export function createLayoutClient(
  port: LayoutPort,
  onFrame: (frame: LayoutFrame) => void,
  options: LayoutClientOptions = {},
): LayoutClient {
  const requestFrame = options.requestFrame ?? ((run) => requestAnimationFrame(run));
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const now = options.now ?? (() => performance.now());
  /** When drawing a frame costs C ms, the next one waits C ms: the page stays at least half idle. */
  let readyAt = 0;
  let version = 0;
  let current: LayoutOrder | null = null;
  const pending = new Map<number, LayoutOrder>();
  let latest: LayoutFrame | null = null;
  let frameRequested = false;
  let destroyed = false;

  port.addEventListener('message', (event) => {
    const message = event.data;
    if (destroyed || message.type !== 'frame') return;
    if (!current || message.version !== current.version) {
      const order = pending.get(message.version);
      if (!order) return; // Older than what is already shown.
      for (const v of pending.keys()) if (v <= message.version) pending.delete(v);
      current = order;
    }
    if (message.xy.length !== current.names.length * 2) return;
    latest = { order: current, xy: message.xy, alpha: message.alpha, running: message.running, tickMs: message.tickMs };
    if (!frameRequested) {
      frameRequested = true;
      const deliver = () =>
        requestFrame(() => {
          frameRequested = false;
          if (destroyed || !latest) return;
          const frame = latest;
          latest = null;
          const started = now();
          onFrame(frame);
          const finished = now();
          readyAt = finished + (finished - started);
        });
      const wait = readyAt - now();
      if (wait > 0) setTimer(deliver, wait);
      else deliver();
    }
  });

  return {
    setGraph(nodes, links, layout = 'force') {
      version++;
      const names = nodes.map((n) => n.name);
      pending.set(version, { version, names, index: new Map(names.map((n, i) => [n, i])) });
      port.postMessage({ type: 'graph', version, nodes, links, layout });
    },
    pin(name, x, y) {
      port.postMessage({ type: 'pin', name, x, y });
    },
    unpin(name) {
      port.postMessage({ type: 'unpin', name });
    },
    setDragging(active) {
      port.postMessage({ type: 'drag', active });
    },
    destroy() {
      destroyed = true;
      port.terminate();
    },
  };
}
