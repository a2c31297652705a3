// Runs the force layout off the main thread and posts positions back; the page only renders.
import { layeredPositions } from './lib/layered-layout.ts';
import { LARGE_GRAPH, createLayoutEngine } from './lib/layout-engine.ts';
import type { LayoutFrameMessage, LayoutRequest } from './lib/layout-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const engine = createLayoutEngine();
/** Ticks run per batch until this much time is spent, leaving the rest of a 60 Hz frame idle. */
const BATCH_BUDGET_MS = 10;
const FRAME_MS = 16;
/** Large graphs post less often: each frame costs the page far more to draw than to receive. */
const LARGE_POST_MS = 50;
/**
 * A first layout of a large graph is settled silently for up to this long (or until it has
 * cooled this far): the explosion out of the seed positions says nothing to the user.
 */
const WARM_UP_MS = 1500;
const WARM_UP_ALPHA = 0.35;
let version = 0;
let scheduled = false;
let warmUntil = 0;
let lastPostAt = 0;
let layout: 'force' | 'layered' = 'force';

function post(tickMs: number): void {
  const xy = engine.positions();
  const message: LayoutFrameMessage = { type: 'frame', version, xy, alpha: engine.alpha, running: engine.running, tickMs };
  scope.postMessage(message, [xy.buffer]);
}

function loop(): void {
  scheduled = false;
  const started = performance.now();
  const ticks = engine.step(BATCH_BUDGET_MS);
  const now = performance.now();
  const elapsed = now - started;
  const warming = now < warmUntil && engine.alpha > WARM_UP_ALPHA;
  const postEvery = engine.names().length > LARGE_GRAPH ? LARGE_POST_MS : 0;
  if (!engine.running || (!warming && now - lastPostAt >= postEvery)) {
    post(ticks > 0 ? elapsed / ticks : 0);
    lastPostAt = now;
  }
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
      const switched = request.layout !== layout;
      layout = request.layout;
      const changed = engine.setGraph(request.nodes, request.links);
      if (layout === 'layered') {
        // Placed at once and held: a layered drawing does not drift.
        if (changed || switched) engine.place(layeredPositions(request.nodes, request.links));
        post(0);
        break;
      }
      if (switched) engine.reheat(0.3);
      if (changed && engine.cold && request.nodes.length > LARGE_GRAPH) warmUntil = performance.now() + WARM_UP_MS;
      // Even an unchanged graph gets one frame, so the page learns the order of this version.
      if (changed || switched) wake();
      else post(0);
      break;
    }
    case 'pin':
      engine.pin(request.name, request.x, request.y);
      // A layered drawing moves only the component held; the force layout's neighbours follow it.
      if (layout === 'layered') {
        engine.place(new Map());
        post(0);
      } else wake();
      break;
    case 'unpin':
      engine.unpin(request.name);
      wake();
      break;
    case 'drag':
      if (layout === 'layered') break;
      engine.setDragging(request.active);
      wake();
      break;
  }
});
