// How the map is looked at, beyond the time range (time-range.ts): folding, focus, path and blast-
// radius modes, filters and the layout. All of it lives in the URL so a link opens the same view;
// this module is its one reader and writer. Pure.
import { COMPONENT_KINDS, DEPENDENCY_KINDS, type ComponentKind, type DependencyKind } from './model.ts';

export type FoldBy = 'none' | 'system' | 'owner' | 'namespace';
export const FOLD_BYS: readonly FoldBy[] = ['none', 'system', 'owner', 'namespace'];
export type LayoutName = 'force' | 'layered';
export type Direction = 'both' | 'up' | 'down';
export const DIRECTIONS: readonly Direction[] = ['both', 'up', 'down'];

export interface MapFilters {
  /** Shown kinds; empty shows every kind. */
  kinds: ComponentKind[];
  /** Shown tiers (0-3, and -1 for undeclared); empty shows all. */
  tiers: number[];
  systems: string[];
  owners: string[];
  protocols: string[];
  dependencyKinds: DependencyKind[];
  /** Only components an active finding concerns (and the dependencies between them). */
  withFindings: boolean;
  /** Dependencies at or above this error rate (0-1); 0 shows all. */
  minErrorRate: number;
  /** Dependencies with fewer calls in the window are hidden (the low-volume threshold); 0 shows all. */
  minCalls: number;
}

export interface MapView {
  fold: FoldBy;
  /** Groups unfolded in place while the rest stays folded (group ids, see fold.ts). */
  expanded: string[];
  /** Focus mode: a component and what lies within `depth` hops of it, in `direction`. */
  focus: { name: string; depth: number; direction: Direction } | null;
  /** Path mode: every simple path from -> to of at most `maxHops` dependencies. */
  path: { from: string; to: string; maxHops: number } | null;
  /** Blast-radius mode: what fails with this component, coloured by propagation probability. */
  blast: string | null;
  filters: MapFilters;
  layout: LayoutName;
}

export const NO_FILTERS: MapFilters = { kinds: [], tiers: [], systems: [], owners: [], protocols: [], dependencyKinds: [], withFindings: false, minErrorRate: 0, minCalls: 0 };
export const DEFAULT_VIEW: MapView = { fold: 'none', expanded: [], focus: null, path: null, blast: null, filters: NO_FILTERS, layout: 'force' };
export const MAX_DEPTH = 6;
export const MAX_PATH_HOPS = 8;

/** URL parameters this module owns; the rest of the query string (range, finding, focus...) is left alone. */
const KEYS = ['fold', 'open', 'around', 'depth', 'dir', 'pathFrom', 'pathTo', 'hops', 'blast', 'kinds', 'tiers', 'systems', 'owners', 'protocols', 'deps', 'findings', 'errors', 'minCalls', 'layout'];

const list = (params: URLSearchParams, key: string): string[] =>
  (params.get(key) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const clampInt = (text: string | null, min: number, max: number, fallback: number) => {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
};

export function readMapView(search: string): MapView {
  const params = new URLSearchParams(search);
  const fold = FOLD_BYS.includes(params.get('fold') as FoldBy) ? (params.get('fold') as FoldBy) : 'none';
  const around = params.get('around');
  const direction = DIRECTIONS.includes(params.get('dir') as Direction) ? (params.get('dir') as Direction) : 'both';
  const from = params.get('pathFrom');
  const to = params.get('pathTo');
  const errors = Number(params.get('errors') ?? '0');
  const minCalls = Number(params.get('minCalls') ?? '0');
  return {
    fold,
    expanded: fold === 'none' ? [] : params.getAll('open'),
    focus: around ? { name: around, depth: clampInt(params.get('depth'), 1, MAX_DEPTH, 1), direction } : null,
    path: from && to ? { from, to, maxHops: clampInt(params.get('hops'), 1, MAX_PATH_HOPS, 4) } : null,
    blast: params.get('blast') || null,
    filters: {
      kinds: list(params, 'kinds').filter((k): k is ComponentKind => (COMPONENT_KINDS as readonly string[]).includes(k)),
      tiers: list(params, 'tiers').map(Number).filter((t) => Number.isInteger(t) && t >= -1 && t <= 3),
      systems: list(params, 'systems'),
      owners: list(params, 'owners'),
      protocols: list(params, 'protocols'),
      dependencyKinds: list(params, 'deps').filter((k): k is DependencyKind => (DEPENDENCY_KINDS as readonly string[]).includes(k)),
      withFindings: params.get('findings') === '1',
      minErrorRate: Number.isFinite(errors) && errors > 0 ? Math.min(1, errors) : 0,
      minCalls: Number.isFinite(minCalls) && minCalls > 0 ? Math.floor(minCalls) : 0,
    },
    layout: params.get('layout') === 'layered' ? 'layered' : 'force',
  };
}

/** The query string for a view, keeping parameters that are not the map view's; "" when nothing is left. */
export function writeMapView(view: MapView, search = ''): string {
  const params = new URLSearchParams(search);
  for (const key of KEYS) params.delete(key);
  if (view.fold !== 'none') {
    params.set('fold', view.fold);
    for (const id of view.expanded) params.append('open', id);
  }
  if (view.focus) {
    params.set('around', view.focus.name);
    params.set('depth', String(view.focus.depth));
    if (view.focus.direction !== 'both') params.set('dir', view.focus.direction);
  }
  if (view.path) {
    params.set('pathFrom', view.path.from);
    params.set('pathTo', view.path.to);
    params.set('hops', String(view.path.maxHops));
  }
  if (view.blast) params.set('blast', view.blast);
  const f = view.filters;
  const join = (key: string, values: readonly (string | number)[]) => values.length > 0 && params.set(key, values.join(','));
  join('kinds', f.kinds);
  join('tiers', f.tiers);
  join('systems', f.systems);
  join('owners', f.owners);
  join('protocols', f.protocols);
  join('deps', f.dependencyKinds);
  if (f.withFindings) params.set('findings', '1');
  if (f.minErrorRate > 0) params.set('errors', String(f.minErrorRate));
  if (f.minCalls > 0) params.set('minCalls', String(f.minCalls));
  if (view.layout !== 'force') params.set('layout', view.layout);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** How many filters narrow the map (for the filter button's badge). */
export function activeFilterCount(f: MapFilters): number {
  return [f.kinds.length, f.tiers.length, f.systems.length, f.owners.length, f.protocols.length, f.dependencyKinds.length, f.withFindings, f.minErrorRate > 0, f.minCalls > 0].filter(Boolean).length;
}
