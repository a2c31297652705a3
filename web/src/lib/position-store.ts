// Where each component was drawn, kept across reloads in localStorage (one entry per component
// name), so the estate opens where the eye left it and needs no layout: at 5,000 components a force
// layout takes tens of seconds in a browser, a remembered one paints at once. Bounded: the most
// recently drawn MAX_POSITIONS names are kept. Storage that is full, absent or holds something
// else is not an error: the map lays out as if nothing were remembered.
import type { Point } from './model.ts';

export const POSITIONS_KEY = 'orrery.positions';
export const MAX_POSITIONS = 20_000;

export interface PositionStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface PositionStore {
  /** What was remembered for these names (those known). */
  load(names: readonly string[]): Map<string, Point>;
  /** Remembers these positions (newest last), keeping the most recent MAX_POSITIONS names. */
  save(positions: Iterable<[string, Point]>): void;
  /** Names remembered at all. */
  size(): number;
}

interface Stored {
  version: 1;
  /** Name to [x, y], rounded to tenths; insertion order is recency (oldest first). */
  positions: Record<string, [number, number]>;
}

function read(storage: PositionStorage | null): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  if (!storage) return out;
  try {
    const raw = storage.getItem(POSITIONS_KEY);
    if (!raw) return out;
    const parsed = JSON.parse(raw) as Partial<Stored>;
    if (parsed.version !== 1 || typeof parsed.positions !== 'object' || parsed.positions === null) return out;
    for (const [name, p] of Object.entries(parsed.positions)) {
      if (Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1])) out.set(name, [p[0], p[1]]);
    }
  } catch {
    // Unreadable: nothing remembered.
  }
  return out;
}

export function createPositionStore(storage: PositionStorage | null = globalThis.localStorage ?? null, max = MAX_POSITIONS): PositionStore {
  let cache: Map<string, [number, number]> | null = null;
  const all = () => (cache ??= read(storage));
  return {
    load(names) {
      const known = all();
      const out = new Map<string, Point>();
      for (const name of names) {
        const p = known.get(name);
        if (p) out.set(name, { x: p[0], y: p[1] });
      }
      return out;
    },
    save(positions) {
      const known = all();
      for (const [name, p] of positions) {
        if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
        known.delete(name);
        known.set(name, [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10]);
      }
      while (known.size > max) known.delete(known.keys().next().value!);
      if (!storage) return;
      const stored: Stored = { version: 1, positions: Object.fromEntries(known) };
      try {
        storage.setItem(POSITIONS_KEY, JSON.stringify(stored));
      } catch {
        // Quota or privacy mode: positions stay remembered for this page only.
      }
    },
    size: () => all().size,
  };
}
