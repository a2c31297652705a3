import { describe, expect, it } from 'vitest';
import { manualClock } from '../testing/builders.ts';
import { spanIdentity } from './recent-ids.ts';
import { createSpanIndex, foldsTransport, ROLE, roleOf, serviceOf } from './span-index.ts';

describe('span index', () => {
  it('remembers service, role and transport ownership per span, across growth', () => {
    const clock = manualClock();
    const index = createSpanIndex({ windowMs: 10_000, maxSpans: 1_000_000, maxServices: 10, clock: clock.now });
    const checkout = index.serviceId('checkout');
    const ids = Array.from({ length: 20_000 }, (_, i) => spanIdentity('a'.repeat(31) + (i % 10), i.toString(16).padStart(16, '0')));
    ids.forEach((id, i) => index.set(id, checkout, i % 2 ? ROLE.client : ROLE.server, i % 2 === 1));
    expect(index.size()).toBe(20_000);
    const entry = index.get(ids[7]!)!;
    expect([index.serviceName(serviceOf(entry)), roleOf(entry), foldsTransport(entry)]).toEqual(['checkout', ROLE.client, true]);
    expect(roleOf(index.get(ids[8]!)!)).toBe(ROLE.server);
    expect(index.get(spanIdentity('b'.repeat(32), '0'.repeat(15) + '1'))).toBeUndefined();
  });

  it('forgets a span after two windows, not after one', () => {
    const clock = manualClock();
    const index = createSpanIndex({ windowMs: 1000, maxSpans: 100, maxServices: 10, clock: clock.now });
    const id = spanIdentity('c'.repeat(32), '1'.repeat(16));
    index.set(id, index.serviceId('a'), ROLE.internal, false);
    clock.advance(1000);
    index.set(spanIdentity('d'.repeat(32), '1'.repeat(16)), 1, ROLE.internal, false); // rotates
    expect(index.get(id)).toBeDefined();
    clock.advance(1000);
    index.set(spanIdentity('e'.repeat(32), '1'.repeat(16)), 1, ROLE.internal, false); // rotates again
    expect(index.get(id)).toBeUndefined();
  });

  it('gives services past its bound the id 0, which names no service', () => {
    const index = createSpanIndex({ windowMs: 1000, maxSpans: 100, maxServices: 2, clock: () => 0 });
    expect([index.serviceId('a'), index.serviceId('b'), index.serviceId('c'), index.serviceId('a')]).toEqual([1, 2, 0, 1]);
    expect(index.serviceName(0)).toBeUndefined();
  });
});
