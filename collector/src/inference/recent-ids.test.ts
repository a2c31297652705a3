import { describe, expect, it } from 'vitest';
import { manualClock } from '../testing/builders.ts';
import { createRecentIds, spanIdentity } from './recent-ids.ts';

describe('recent span ids', () => {
  it('says a span was seen before within the window, and forgets it after two windows', () => {
    const clock = manualClock();
    const ids = createRecentIds({ windowMs: 100, maxIds: 1000, clock: clock.now });
    const id = spanIdentity('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7');
    expect(ids.seenBefore(id)).toBe(false);
    clock.advance(99);
    expect(ids.seenBefore(id)).toBe(true);
    clock.advance(250);
    ids.add(spanIdentity('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b8'));
    clock.advance(150);
    ids.add(spanIdentity('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b9'));
    expect(ids.has(id)).toBe(false);
  });

  it('stays within its bound when ids arrive faster than the window', () => {
    const ids = createRecentIds({ windowMs: 1e9, maxIds: 100, clock: () => 0 });
    for (let i = 0; i < 10_000; i++) ids.add(i);
    expect(ids.size()).toBeLessThanOrEqual(100);
  });

  it('tells apart spans numbered alike in different traces, and the same span id in different traces', () => {
    const a = spanIdentity('0af7651916cd43dd8448eb211c80319c', '0000000000000001');
    const b = spanIdentity('0af7651916cd43dd8448eb211c80319d', '0000000000000001');
    expect(a).not.toBe(b);
    expect(Number.isSafeInteger(a)).toBe(true);
    expect(spanIdentity('0af7651916cd43dd8448eb211c80319c', '0000000000000001')).toBe(a);
  });
});

describe('span identity', () => {
  it('gives sequentially numbered ids (as test tracers send) distinct identities', () => {
    const seen = new Set<number>();
    for (let t = 1; t <= 300; t++) {
      for (let s = 1; s <= 300; s++) seen.add(spanIdentity(t.toString(16).padStart(32, '0'), s.toString(16).padStart(16, '0')));
    }
    expect(seen.size).toBe(90_000);
  });
});
