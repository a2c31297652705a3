// Holds one half of a pair until its other half arrives, modelled on Tempo's service-graph store:
// it knows nothing about spans. A Map keeps insertion order; each value carries its own deadline
// (`expiresAtMs`, from the injected clock), set when it was first put, so expiry walks from the
// oldest and stops at the first one still waiting. Values are stored as they are, with no wrapper
// object per entry: span inference puts one waiting span into two stores at the same instant (a
// CLIENT waits for its callee and for its parent), and one deadline serves both.
// Bounded by size (a full store refuses and counts) and age (expired values go to onExpire).

export interface Expiring {
  /** When the value has waited long enough, epoch ms of the injected clock. */
  expiresAtMs: number;
}

export interface PairingStoreOptions<T, K> {
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

export interface PairingStore<T extends Expiring, K> {
  /** Stores a value; false (and counted as dropped) when the store is full. */
  put(key: K, value: T): boolean;
  /** Removes and returns the value waiting under key. */
  take(key: K): T | undefined;
  /** Reads without removing. */
  peek(key: K): T | undefined;
  /** Hands every value whose deadline has passed to onExpire, oldest first; returns how many. */
  expire(): number;
  /** Hands every value to onExpire now (shutdown). */
  expireAll(): number;
  stats(): PairingStoreStats;
}

export function createPairingStore<T extends Expiring, K = number>(options: PairingStoreOptions<T, K>): PairingStore<T, K> {
  const entries = new Map<K, T>();
  const counts = { stored: 0, taken: 0, expired: 0, dropped: 0 };

  function expireWhile(due: (value: T) => boolean): number {
    let n = 0;
    for (const [key, value] of entries) {
      if (!due(value)) break;
      entries.delete(key);
      counts.expired++;
      n++;
      options.onExpire(key, value);
    }
    return n;
  }

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
      return expireWhile((value) => value.expiresAtMs <= now);
    },
    expireAll: () => expireWhile(() => true),
    stats: () => ({ size: entries.size, ...counts }),
  };
}
