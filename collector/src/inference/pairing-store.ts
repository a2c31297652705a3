// Holds one half of a pair until its other half arrives, modelled on Tempo's service-graph store:
// it knows nothing about spans. A Map keeps insertion order, so with one TTL for every entry the
// oldest entries are always first and expiry stops at the first one still alive.
// Bounded by size (a full store refuses and counts) and age (expired entries go to onExpire).

export interface PairingStoreOptions<T, K = string> {
  ttlMs: number;
  maxEntries: number;
  clock: () => number;
  onExpire: (key: K, value: T) => void;
}

export interface PairingStoreStats {
  size: number;
  stored: number;
  taken: number;
  expired: number;
  /** Refused because the store was full. */
  dropped: number;
}

export interface PairingStore<T, K = string> {
  /** Stores a half; false (and counted as dropped) when the store is full. */
  put(key: K, value: T): boolean;
  /** Removes and returns the half waiting under key. */
  take(key: K): T | undefined;
  /** Reads without removing. */
  peek(key: K): T | undefined;
  /** Hands every entry older than the TTL to onExpire; returns how many expired. */
  expire(): number;
  /** Hands every entry to onExpire now (shutdown). */
  expireAll(): number;
  stats(): PairingStoreStats;
}

export function createPairingStore<T, K = string>(options: PairingStoreOptions<T, K>): PairingStore<T, K> {
  const entries = new Map<K, { value: T; expiresAtMs: number }>();
  const counts = { stored: 0, taken: 0, expired: 0, dropped: 0 };

  return {
    put(key, value) {
      if (entries.has(key)) entries.delete(key);
      else if (entries.size >= options.maxEntries) {
        counts.dropped++;
        return false;
      }
      entries.set(key, { value, expiresAtMs: options.clock() + options.ttlMs });
      counts.stored++;
      return true;
    },
    take(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      counts.taken++;
      return entry.value;
    },
    peek(key) {
      return entries.get(key)?.value;
    },
    expire() {
      const now = options.clock();
      let n = 0;
      for (const [key, entry] of entries) {
        if (entry.expiresAtMs > now) break;
        entries.delete(key);
        counts.expired++;
        n++;
        options.onExpire(key, entry.value);
      }
      return n;
    },
    expireAll() {
      let n = 0;
      for (const [key, entry] of entries) {
        entries.delete(key);
        counts.expired++;
        n++;
        options.onExpire(key, entry.value);
      }
      return n;
    },
    stats() {
      return { size: entries.size, ...counts };
    },
  };
}
