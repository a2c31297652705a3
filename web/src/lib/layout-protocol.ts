// Messages between the main thread and layout.worker.ts. Positions travel as one Float32Array
// (x, y per node in the order of the graph message of the same version), transferred, not copied.
import type { LayoutNodeInput } from './layout-engine.ts';

export type LayoutRequest =
  | { type: 'graph'; version: number; nodes: LayoutNodeInput[]; links: [string, string][]; layout: 'force' | 'layered' }
  | { type: 'pin'; name: string; x: number; y: number }
  | { type: 'unpin'; name: string }
  | { type: 'drag'; active: boolean };

export interface LayoutFrameMessage {
  type: 'frame';
  /** Version of the graph message these positions belong to. */
  version: number;
  xy: Float32Array;
  alpha: number;
  running: boolean;
  /** Mean time of one simulation tick in the last batch, in milliseconds. */
  tickMs: number;
}
