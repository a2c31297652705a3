// Collects the keys asked for within one tick and loads them with one query, so resolving
// `dependsOn` on a hundred components costs one Cypher round trip, not a hundred.

export function createBatchLoader<V>(loadMany: (keys: string[]) => Promise<Map<string, V>>, fallback: V) {
  let pending: { keys: Set<string>; result: Promise<Map<string, V>> } | undefined;
  return (key: string): Promise<V> => {
    if (!pending) {
      const batch = { keys: new Set<string>(), result: undefined as unknown as Promise<Map<string, V>> };
      batch.result = new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => {
        pending = undefined;
        return loadMany([...batch.keys]);
      });
      pending = batch;
    }
    pending.keys.add(key);
    return pending.result.then((values) => values.get(key) ?? fallback);
  };
}
