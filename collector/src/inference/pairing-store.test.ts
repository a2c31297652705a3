import { describe, expect, it } from 'vitest';
import { createPairingStore } from './pairing-store.ts';
import { manualClock } from '../testing/builders.ts';

type Half = { expiresAtMs: number; id: string };
const half = (id: string, expiresAtMs: number): Half => ({ id, expiresAtMs });

describe('pairing store', () => {
  it('hands a half to whoever takes its key, once', () => {
    const store = createPairingStore<Half, string>({ maxEntries: 10, clock: () => 0, onExpire: () => {} });
    store.put('k', half('client', 100));
    expect(store.take('k')?.id).toBe('client');
    expect(store.take('k')).toBeUndefined();
    expect(store.stats()).toMatchObject({ size: 0, stored: 1, taken: 1 });
  });

  it('expires halves once their own deadline passed, oldest first, and reports each', () => {
    const clock = manualClock();
    const expired: string[] = [];
    const store = createPairingStore<Half, string>({ maxEntries: 10, clock: clock.now, onExpire: (k) => expired.push(k) });
    store.put('a', half('1', 100));
    store.put('b', half('2', 150));
    clock.advance(110);
    expect(store.expire()).toBe(1);
    expect(expired).toEqual(['a']);
    clock.advance(50);
    store.expire();
    expect(expired).toEqual(['a', 'b']);
    expect(store.stats()).toMatchObject({ size: 0, expired: 2 });
  });

  it('refuses and counts new halves when full, keeping what it holds', () => {
    const store = createPairingStore<Half, string>({ maxEntries: 2, clock: () => 0, onExpire: () => {} });
    expect(store.put('a', half('1', 100))).toBe(true);
    expect(store.put('b', half('2', 100))).toBe(true);
    expect(store.put('c', half('3', 100))).toBe(false);
    expect(store.stats()).toMatchObject({ size: 2, dropped: 1 });
    expect(store.take('a')?.id).toBe('1');
  });

  it('resolves everything on expireAll (shutdown)', () => {
    const expired: string[] = [];
    const store = createPairingStore<Half, number>({ maxEntries: 5, clock: () => 0, onExpire: (_k, v) => expired.push(v.id) });
    store.put(1, half('1', 1e9));
    store.put(2, half('2', 1e9));
    expect(store.expireAll()).toBe(2);
    expect(expired).toEqual(['1', '2']);
  });
});
