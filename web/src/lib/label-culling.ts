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
  const cut = sorted[Math.max(0, Math.floor(sorted.length * share) - 1)] ?? 0;
  return Math.max(cut, 1);
}

/** Bucketed zoom so the threshold, and the labels, change at a few steps rather than every wheel tick. */
export function zoomBand(k: number): number {
  if (k >= 0.8) return 0.8;
  if (k >= 0.5) return 0.5;
  if (k >= 0.35) return 0.35;
  if (k >= 0.25) return 0.25;
  return 0;
}
