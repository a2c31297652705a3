import { describe, expect, it } from 'vitest';
import { manualClock } from '../testing/builders.ts';
import { createExpiringStore } from './expiring-store.ts';

describe('expiring store', () => {
  it('hands values to onExpire once their own deadline passed, oldest first, and counts everything', () => {
    const clock = manualClock();
    const expired: number[] = [];
    const store = createExpiringStore<{ expiresAtMs: number; id: number }>({ maxEntries: 2, clock: clock.now, onExpire: (_k, v) => expired.push(v.id) });
    expect(store.put(1, { expiresAtMs: 100, id: 1 })).toBe(true);
    expect(store.put(2, { expiresAtMs: 200, id: 2 })).toBe(true);
    expect(store.put(3, { expiresAtMs: 300, id: 3 })).toBe(false); // full: refused and counted
    clock.advance(150);
    expect(store.expire()).toBe(1);
    expect(expired).toEqual([1]);
    expect(store.take(2)?.id).toBe(2);
    expect(store.stats()).toEqual({ size: 0, stored: 2, taken: 1, expired: 1, dropped: 1 });
  });

  it('hands every value over on expireAll (shutdown)', () => {
    const expired: number[] = [];
    const store = createExpiringStore<{ expiresAtMs: number; id: number }>({ maxEntries: 10, clock: () => 0, onExpire: (_k, v) => expired.push(v.id) });
    store.put(1, { expiresAtMs: 1e9, id: 1 });
    store.put(2, { expiresAtMs: 1e9, id: 2 });
    expect(store.expireAll()).toBe(2);
    expect(expired).toEqual([1, 2]);
  });
});
