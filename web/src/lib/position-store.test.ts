import { describe, expect, it } from 'vitest';
import { createPositionStore, POSITIONS_KEY, type PositionStorage } from './position-store.ts';

function memory(): PositionStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('createPositionStore', () => {
  it('remembers positions across stores on the same storage, by component name', () => {
    const storage = memory();
    createPositionStore(storage).save([['checkout', { x: 10.04, y: -3 }], ['payments', { x: 1, y: 2 }]]);
    const again = createPositionStore(storage);
    expect(again.load(['checkout', 'ghost'])).toEqual(new Map([['checkout', { x: 10, y: -3 }]]));
    expect(again.size()).toBe(2);
  });

  it('keeps the most recently drawn names within its bound', () => {
    const storage = memory();
    const store = createPositionStore(storage, 2);
    store.save([['a', { x: 0, y: 0 }], ['b', { x: 0, y: 0 }]]);
    store.save([['a', { x: 1, y: 1 }], ['c', { x: 0, y: 0 }]]);
    expect([...createPositionStore(storage).load(['a', 'b', 'c']).keys()].sort()).toEqual(['a', 'c']);
  });

  it('treats unreadable, foreign or full storage as nothing remembered', () => {
    const storage = memory();
    storage.data.set(POSITIONS_KEY, '{not json');
    expect(createPositionStore(storage).load(['a']).size).toBe(0);
    storage.data.set(POSITIONS_KEY, JSON.stringify({ version: 7, positions: { a: [1, 2] } }));
    expect(createPositionStore(storage).load(['a']).size).toBe(0);
    const full: PositionStorage = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    const store = createPositionStore(full);
    expect(() => store.save([['a', { x: 1, y: 1 }]])).not.toThrow();
    expect(store.load(['a']).get('a')).toEqual({ x: 1, y: 1 });
    expect(createPositionStore(null).load(['a']).size).toBe(0);
  });
});
