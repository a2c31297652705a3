import { describe, expect, it } from 'vitest';
import { manualClock } from '../testing/builders.ts';
import { createEndpointDirectory } from './endpoint-directory.ts';

describe('endpoint directory', () => {
  it('names the service a paired call found behind an address, until the memory window passes', () => {
    const clock = manualClock();
    const directory = createEndpointDirectory({ memoryMs: 1000, maxAddresses: 10, clock: clock.now });
    expect(directory.serviceAt('127.0.0.1:7103')).toBe(0);
    directory.learn('127.0.0.1:7103', 4);
    clock.advance(1000);
    expect(directory.serviceAt('127.0.0.1:7103')).toBe(4);
    clock.advance(1);
    expect(directory.serviceAt('127.0.0.1:7103')).toBe(0);
  });

  it('names nobody behind an address two services answered at, until only one has for a window', () => {
    const clock = manualClock();
    const directory = createEndpointDirectory({ memoryMs: 1000, maxAddresses: 10, clock: clock.now });
    directory.learn('gateway', 1);
    directory.learn('gateway', 2);
    expect(directory.serviceAt('gateway')).toBe(0);
    directory.learn('gateway', 1);
    expect(directory.serviceAt('gateway')).toBe(0);
    clock.advance(1001);
    directory.learn('gateway', 3); // an IP reassigned after a quiet window: the new tenant
    expect(directory.serviceAt('gateway')).toBe(3);
  });

  it('forgets the least recently confirmed address first when full', () => {
    const clock = manualClock();
    const directory = createEndpointDirectory({ memoryMs: 1e9, maxAddresses: 2, clock: clock.now });
    directory.learn('a', 1);
    directory.learn('b', 2);
    clock.advance(60_001);
    directory.learn('a', 1);
    directory.learn('c', 3);
    expect(directory.size).toBe(2);
    expect([directory.serviceAt('a'), directory.serviceAt('b'), directory.serviceAt('c')]).toEqual([1, 0, 3]);
  });
});
