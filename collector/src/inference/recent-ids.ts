// Remembers span ids seen in the last window, to count an exporter's retried span once.
// Two generations of Sets: a lookup checks both, and the older one is discarded whole when the
// window passes or the current one fills, so memory is bounded and every operation is O(1).

export interface RecentIds {
  /** True if the id was seen within the window; records it otherwise. */
  seenBefore(id: string): boolean;
  has(id: string): boolean;
  add(id: string): void;
  size(): number;
}

export function createRecentIds(options: { windowMs: number; maxIds: number; clock: () => number }): RecentIds {
  let current = new Set<string>();
  let previous = new Set<string>();
  let rotatedAtMs = options.clock();
  const generationMax = Math.max(1, Math.floor(options.maxIds / 2));

  function rotateIfDue(): void {
    const now = options.clock();
    if (now - rotatedAtMs >= options.windowMs || current.size >= generationMax) {
      previous = current;
      current = new Set();
      rotatedAtMs = now;
    }
  }

  const has = (id: string): boolean => current.has(id) || previous.has(id);
  const add = (id: string): void => {
    rotateIfDue();
    current.add(id);
  };

  return {
    seenBefore(id) {
      if (has(id)) return true;
      add(id);
      return false;
    },
    has,
    add,
    size: () => current.size + previous.size,
  };
}
