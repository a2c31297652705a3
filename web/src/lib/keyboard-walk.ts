// Walking the map with the arrow keys: from the selected component to the neighbour (a component it
// depends on or that depends on it) that lies most nearly in the arrow's direction on screen.
// Pure.
import type { Point } from './model.ts';

export type Arrow = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';
const DIRECTIONS: Readonly<Record<Arrow, Point>> = { ArrowLeft: { x: -1, y: 0 }, ArrowRight: { x: 1, y: 0 }, ArrowUp: { x: 0, y: -1 }, ArrowDown: { x: 0, y: 1 } };

export function isArrow(key: string): key is Arrow {
  return key in DIRECTIONS;
}

/**
 * The candidate within 70° of the arrow, nearest once the angle is weighed in (a neighbour straight
 * ahead beats a nearer one off to the side); null when none lies that way. Screen y runs down.
 */
export function stepToward(from: Point, candidates: readonly { name: string; at: Point }[], arrow: Arrow): string | null {
  const dir = DIRECTIONS[arrow];
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const dx = c.at.x - from.x;
    const dy = c.at.y - from.y;
    const distance = Math.hypot(dx, dy);
    if (distance === 0) continue;
    const cos = (dx * dir.x + dy * dir.y) / distance;
    if (cos < Math.cos((70 * Math.PI) / 180)) continue;
    const score = distance / (cos * cos);
    if (score < bestScore || (score === bestScore && best !== null && c.name < best)) {
      best = c.name;
      bestScore = score;
    }
  }
  return best;
}
