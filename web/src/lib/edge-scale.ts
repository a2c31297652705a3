// Edge width encodes traffic. Call counts span orders of magnitude (a health check next to a
// hot path), so the width follows the logarithm: ten times the calls adds a constant width.
import { scaleLog } from 'd3';

export const MIN_EDGE_WIDTH = 1;
export const MAX_EDGE_WIDTH = 7;

/** Width in world units for a number of calls, given the busiest edge on the map. */
export function createEdgeWidthScale(maxCalls: number): (calls: number) => number {
  // A floor on the domain keeps a quiet estate from drawing its only edge at full width.
  const top = Math.max(maxCalls, 100);
  const scale = scaleLog().domain([1, top]).range([MIN_EDGE_WIDTH, MAX_EDGE_WIDTH]).clamp(true);
  return (calls) => (calls <= 1 ? MIN_EDGE_WIDTH : scale(calls));
}

export type ErrorLevel = 'ok' | 'warn' | 'bad';

/** Error ratio bands used to colour edges: above 1% draws attention, above 5% alarms. */
export function errorLevel(calls: number, errors: number): ErrorLevel {
  if (calls <= 0 || errors <= 0) return 'ok';
  const ratio = errors / calls;
  if (ratio > 0.05) return 'bad';
  if (ratio > 0.01) return 'warn';
  return 'ok';
}
