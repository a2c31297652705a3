// Remembers span ids seen in the last window, to count an exporter's retried span once.
// Two generations of Sets: a lookup checks both, and the older one is discarded whole when the
// window passes or the current one fills, so memory is bounded and every operation is O(1).
//
// Ids are kept as 53-bit numbers folded from the trace and span ids, not as 48-character
// strings: a third of the memory at a million spans a minute. Two different spans meet on one
// number with probability about n²/2^54 — for the ~600k ids held at that rate, once in weeks.

/**
 * A 53-bit number standing for (traceId, spanId): the cyrb53 string hash (two multiplicative
 * 32-bit lanes) over both ids. A real hash, not a fold of the ids' bits: test tracers and some
 * SDKs number traces and spans 1, 2, 3…, and any cheap xor of those collides at once.
 */
export function spanIdentity(traceId: string, spanId: string): number {
  // A span and its parent share the trace id, and spans of one trace come together: the two
  // lanes' state after the trace id is kept for the last trace seen, so most ids hash 16 chars, not 48.
  if (traceId !== lastTraceId) {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < traceId.length; i++) {
      const c = traceId.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    lastTraceId = traceId;
    traceH1 = h1;
    traceH2 = h2;
  }
  let h1 = traceH1;
  let h2 = traceH2;
  for (let i = 0; i < spanId.length; i++) {
    const c = spanId.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

let lastTraceId = '';
let traceH1 = 0;
let traceH2 = 0;

export interface RecentIds {
  /** True if the id was seen within the window; records it otherwise. */
  seenBefore(id: number): boolean;
  has(id: number): boolean;
  add(id: number): void;
  size(): number;
}

export function createRecentIds(options: { windowMs: number; maxIds: number; clock: () => number }): RecentIds {
  let current = new Set<number>();
  let previous = new Set<number>();
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

  const has = (id: number): boolean => current.has(id) || previous.has(id);
  const add = (id: number): void => {
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
