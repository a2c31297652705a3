import { describe, expect, it } from 'vitest';
import { createPairingStore } from './pairing-store.ts';
import { manualClock } from '../testing/builders.ts';

describe('pairing store', () => {
  it('hands a half to whoever takes its key, once', () => {
    const clock = manualClock();
    const store = createPairingStore<string>({ ttlMs: 100, maxEntries: 10, clock: clock.now, onExpire: () => {} });
    store.put('k', 'client');
    expect(store.take('k')).toBe('client');
    expect(store.take('k')).toBeUndefined();
    expect(store.stats()).toMatchObject({ size: 0, stored: 1, taken: 1 });
  });

  it('expires halves older than the TTL, oldest first, and reports each', () => {
    const clock = manualClock();
    const expired: string[] = [];
    const store = createPairingStore<string>({ ttlMs: 100, maxEntries: 10, clock: clock.now, onExpire: (k) => expired.push(k) });
    store.put('a', '1');
    clock.advance(50);
    store.put('b', '2');
    clock.advance(60);
    expect(store.expire()).toBe(1);
    expect(expired).toEqual(['a']);
    clock.advance(50);
    store.expire();
    expect(expired).toEqual(['a', 'b']);
    expect(store.stats()).toMatchObject({ size: 0, expired: 2 });
  });

  it('refuses and counts new halves when full, keeping what it holds', () => {
    const clock = manualClock();
    const store = createPairingStore<number>({ ttlMs: 100, maxEntries: 2, clock: clock.now, onExpire: () => {} });
    expect(store.put('a', 1)).toBe(true);
    expect(store.put('b', 2)).toBe(true);
    expect(store.put('c', 3)).toBe(false);
    expect(store.stats()).toMatchObject({ size: 2, dropped: 1 });
    expect(store.take('a')).toBe(1);
  });

  it('resolves everything on expireAll (shutdown)', () => {
    const expired: number[] = [];
    const store = createPairingStore<number>({ ttlMs: 1e9, maxEntries: 5, clock: () => 0, onExpire: (_k, v) => expired.push(v) });
    store.put('a', 1);
    store.put('b', 2);
    store.expireAll();
    expect(expired.sort()).toEqual([1, 2]);
  });
});
