// Runs the force layout off the main thread and posts positions back; the page only renders.
import { createLayoutEngine } from './lib/layout-engine.ts';
import type { LayoutFrameMessage, LayoutRequest } from './lib/layout-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const engine = createLayoutEngine();
/** Ticks run per batch until this much time is spent, leaving the rest of a 60 Hz frame idle. */
const BATCH_BUDGET_MS = 10;
const FRAME_MS = 16;
let version = 0;
let scheduled = false;

function post(tickMs: number): void {
  const xy = engine.positions();
  const message: LayoutFrameMessage = { type: 'frame', version, xy, alpha: engine.alpha, running: engine.running, tickMs };
  scope.postMessage(message, [xy.buffer]);
}

function loop(): void {
  scheduled = false;
  const started = performance.now();
  const ticks = engine.step(BATCH_BUDGET_MS);
  const elapsed = performance.now() - started;
  post(ticks > 0 ? elapsed / ticks : 0);
  if (engine.running) {
    scheduled = true;
    setTimeout(loop, Math.max(0, FRAME_MS - elapsed));
  }
}

function wake(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(loop, 0);
}

scope.addEventListener('message', (event: MessageEvent<LayoutRequest>) => {
  const request = event.data;
  switch (request.type) {
    case 'graph': {
      version = request.version;
      const changed = engine.setGraph(request.nodes, request.links);
      // Even an unchanged graph gets one frame, so the page learns the order of this version.
      if (changed) wake();
      else post(0);
      break;
    }
    case 'pin':
      engine.pin(request.name, request.x, request.y);
      wake();
      break;
    case 'unpin':
      engine.unpin(request.name);
      wake();
      break;
    case 'drag':
      engine.setDragging(request.active);
      wake();
      break;
  }
});
