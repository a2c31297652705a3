// A pairing store for values that carry their own deadline: the same split as pairing-store.ts
// (a Map in insertion order, a size cap, expiry handed to a callback, everything counted) without
// a wrapper object per entry. Span inference puts one waiting span into up to two of these at the
// same instant (a CLIENT waits for its callee and for its parent), so one deadline on the span
// serves both, and the stores allocate nothing per span.
import type { PairingStoreStats } from './pairing-store.ts';

export interface Expiring {
  /** When the value has waited long enough, epoch ms of the injected clock. */
  expiresAtMs: number;
}

export interface ExpiringStore<T extends Expiring> {
  /** Stores a value; false (and counted as dropped) when the store is full. */
  put(key: number, value: T): boolean;
  take(key: number): T | undefined;
  peek(key: number): T | undefined;
  /** Hands every value whose deadline has passed to onExpire, oldest first. */
  expire(): number;
  /** Hands every value to onExpire now (shutdown). */
  expireAll(): number;
  stats(): PairingStoreStats;
}

export function createExpiringStore<T extends Expiring>(options: { maxEntries: number; clock: () => number; onExpire: (key: number, value: T) => void }): ExpiringStore<T> {
  const entries = new Map<number, T>();
  const counts = { stored: 0, taken: 0, expired: 0, dropped: 0 };

  return {
    put(key, value) {
      if (entries.has(key)) entries.delete(key);
      else if (entries.size >= options.maxEntries) {
        counts.dropped++;
        return false;
      }
      entries.set(key, value);
      counts.stored++;
      return true;
    },
    take(key) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      counts.taken++;
      return value;
    },
    peek: (key) => entries.get(key),
    expire() {
      const now = options.clock();
      let n = 0;
      // Values are put with deadlines in clock order, so the first one still waiting ends the scan.
      for (const [key, value] of entries) {
        if (value.expiresAtMs > now) break;
        entries.delete(key);
        counts.expired++;
        n++;
        options.onExpire(key, value);
      }
      return n;
    },
    expireAll() {
      let n = 0;
      for (const [key, value] of entries) {
        entries.delete(key);
        counts.expired++;
        n++;
        options.onExpire(key, value);
      }
      return n;
    },
    stats: () => ({ size: entries.size, ...counts }),
  };
}
