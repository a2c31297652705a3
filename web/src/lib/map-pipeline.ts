// From the range's snapshot to what the map draws under the view (map-view.ts): filters, then
// focus or path mode, then folding. Each step returns a snapshot, so the drawing, the layout and the
// side panel need to know nothing of them. Pure.
import { fold, type Folded } from './fold.ts';
import type { MapView } from './map-view.ts';
import { applyFilters, applyFocus, applyPaths, simplePaths, type PathsFound } from './map-scope.ts';
import type { GraphSnapshot } from './model.ts';

export interface Pipelined {
  snapshot: GraphSnapshot;
  /** Path mode's search, when on (how many paths, whether the search stopped at its bound). */
  paths: PathsFound | null;
  /** The node each component is drawn as (itself, or its folded group). */
  drawnAs: Folded<GraphSnapshot>['drawnAs'];
}

export function pipeline(snapshot: GraphSnapshot, view: MapView): Pipelined {
  let s = applyFilters(snapshot, view.filters);
  let paths: PathsFound | null = null;
  if (view.path) {
    paths = simplePaths(s, view.path.from, view.path.to, view.path.maxHops);
    s = applyPaths(s, paths);
  } else if (view.focus) {
    s = applyFocus(s, view.focus.name, view.focus.depth, view.focus.direction);
  }
  const folded = fold(s, view.fold, view.expanded);
  return { snapshot: folded.snapshot, paths, drawnAs: folded.drawnAs };
}
