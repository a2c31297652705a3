// Which labels to draw. Zoomed out over a large estate, thousands of overlapping labels are
// noise and cost; the hubs keep theirs longest, and the selection with its neighbours always does.

/** Estates this small keep every label down to a far zoom: they cannot crowd the screen. */
const SMALL_ESTATE = 80;

/**
 * Minimum number of neighbours a node needs for its label to show at zoom `k`; Infinity hides
 * all labels except the selection's. `degrees` holds each node's neighbour count.
 */
export function labelMinDegree(k: number, degrees: readonly number[]): number {
  const small = degrees.length <= SMALL_ESTATE;
  if (k >= 0.8 || (small && k >= 0.35)) return 0;
  if (k < 0.25) return Infinity;
  // Keep roughly the busiest 2% (zoomed quite far out) to 10% (nearly readable).
  const share = k >= 0.5 ? 0.1 : 0.02;
  const sorted = [...degrees].sort((a, b) => b - a);
  const keep = Math.max(1, Math.floor(sorted.length * share));
  const cut = sorted[keep - 1] ?? 0;
  // When many nodes tie at the cut, taking them all would label far more than the share.
  const tied = sorted[keep] === cut;
  return Math.max(tied ? cut + 1 : cut, 1);
}

/** Bucketed zoom so the threshold, and the labels, change at a few steps rather than every wheel tick. */
export function zoomBand(k: number): number {
  if (k >= 0.8) return 0.8;
  if (k >= 0.5) return 0.5;
  if (k >= 0.35) return 0.35;
  if (k >= 0.25) return 0.25;
  return 0;
}

export interface LabelView {
  /** Screen = world * k + (x, y). */
  x: number;
  y: number;
  k: number;
  width: number;
  height: number;
}

/**
 * Names whose label to draw: the selection and its neighbours always, otherwise components with
 * at least `minDegree` neighbours that are on screen (with a margin, so a short pan does not
 * reveal unlabelled nodes).
 */
export function labelledComponents(
  nodes: readonly { name: string; index: number; degree: number }[],
  xy: Float32Array,
  view: LabelView,
  minDegree: number,
  always: ReadonlySet<string>,
): Set<string> {
  const labelled = new Set(always);
  if (minDegree === Infinity) return labelled;
  const margin = 0.5;
  const left = -view.width * margin;
  const right = view.width * (1 + margin);
  const top = -view.height * margin;
  const bottom = view.height * (1 + margin);
  for (const n of nodes) {
    if (n.degree < minDegree) continue;
    const sx = (xy[n.index * 2] ?? 0) * view.k + view.x;
    const sy = (xy[n.index * 2 + 1] ?? 0) * view.k + view.y;
    if (sx >= left && sx <= right && sy >= top && sy <= bottom) labelled.add(n.name);
  }
  return labelled;
}
