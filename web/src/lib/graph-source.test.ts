import { describe, expect, it } from 'vitest';
import { createLiveGraphSource, createPollingGraphSource, startEarlyRead, type GraphListener } from './graph-source.ts';
import { component, wireWindow } from './test-builders.ts';

function harness(bodies: (string | Error)[]) {
  const timers: (() => void)[] = [];
  const delays: number[] = [];
  const requests: unknown[] = [];
  const events: string[] = [];
  const source = createPollingGraphSource({
    intervalMs: 2000,
    clock: () => new Date('2025-01-01T00:00:00Z'),
    setTimer: (run, ms) => {
      timers.push(run);
      delays.push(ms);
    },
    clearTimer: () => {},
    fetch: (async (_url: string, init: RequestInit) => {
      requests.push(JSON.parse(String(init.body)));
      const next = bodies.shift() ?? new Error('no more bodies');
      if (next instanceof Error) throw next;
      return new Response(next, { status: 200 });
    }) as typeof fetch,
  });
  const listener: GraphListener = {
    snapshot: (s) => events.push(`snapshot ${s.components.length}`),
    unchanged: () => events.push('unchanged'),
    error: (e) => events.push(`error ${e.message}`),
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { source, listener, timers, delays, requests, events, settle };
}

const body = (n: number) =>
  JSON.stringify({ data: { window: wireWindow(), components: Array.from({ length: n }, (_, i) => component(`c${i}`)), dependencies: [], findings: [] } });

describe('createPollingGraphSource', () => {
  it('posts the map query and delivers a snapshot, then polls again', async () => {
    const h = harness([body(2), body(2), body(3)]);
    h.source.start(h.listener);
    await h.settle();
    expect(h.events).toEqual(['snapshot 2']);
    expect(h.requests[0]).toMatchObject({ query: expect.stringContaining('dependencies') });
    expect(h.requests[0]).toMatchObject({ query: expect.stringContaining('findings') });
    h.timers.shift()!();
    await h.settle();
    h.timers.shift()!();
    await h.settle();
    expect(h.events).toEqual(['snapshot 2', 'unchanged', 'snapshot 3']);
  });

  it('keeps polling after the API fails', async () => {
    const h = harness([new Error('connection refused'), body(1)]);
    h.source.start(h.listener);
    await h.settle();
    h.timers.shift()!();
    await h.settle();
    expect(h.events).toEqual(['error connection refused', 'snapshot 1']);
  });

  it('sends the window and polls at the interval asked for', async () => {
    const h = harness([body(1)]);
    h.source.start(h.listener, { window: { last: '24h' }, intervalMs: 60_000 });
    await h.settle();
    expect(h.requests[0]).toMatchObject({ variables: { window: { last: '24h' } } });
    expect(h.delays).toEqual([60_000]);
  });

  it('asks for a fixed range until it is answered once, then stops', async () => {
    const h = harness([new Error('connection refused'), body(2)]);
    h.source.start(h.listener, { window: { from: '2025-01-01T00:00:00Z', to: '2025-01-01T01:00:00Z' }, intervalMs: null });
    await h.settle();
    h.timers.shift()!();
    await h.settle();
    expect(h.events).toEqual(['error connection refused', 'snapshot 2']);
    expect(h.timers).toHaveLength(0);
  });

  it('stops scheduling once stopped', async () => {
    const h = harness([body(1)]);
    const stop = h.source.start(h.listener);
    stop();
    await h.settle();
    expect(h.events).toEqual([]);
    expect(h.timers).toHaveLength(0);
  });
});

describe('createLiveGraphSource', () => {
  const answer = (since: number, version: number, names: string[], full = since === 0) =>
    JSON.stringify({ data: { graphChanges: { version, full, window: wireWindow(), components: names.map((n) => component(n)), removedComponents: [], dependencies: [], removedDependencies: [] }, ...(full ? { findings: [] } : {}) } });

  it('reads everything once, then after each graphUpdated only what changed since the version it holds', async () => {
    const requests: Array<{ since: number; withFindings: boolean }> = [];
    const bodies = [answer(0, 5, ['a', 'b']), answer(5, 6, ['c'])];
    const events: string[] = [];
    let publish: () => void = () => {};
    const source = createLiveGraphSource({
      minGapMs: 0,
      fetch: (async (_url: string, init: RequestInit) => {
        requests.push(JSON.parse(String(init.body)).variables);
        return new Response(bodies.shift() ?? answer(6, 6, [], false), { status: 200 });
      }) as typeof fetch,
      subscribe: async (o) => {
        o.onOpen?.();
        if (o.query.includes('graphUpdated')) publish = () => o.onNext({ data: {} });
        await new Promise(() => {});
      },
    });
    const stop = source.start({ snapshot: (s) => events.push(s.components.map((c) => c.name).join()), unchanged: () => events.push('unchanged'), error: (e) => events.push(`error ${e.message}`) });
    await new Promise((r) => setTimeout(r, 20));
    publish();
    await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(requests.map((r) => r.since)).toEqual([0, 5]);
    expect(requests[0]!.withFindings).toBe(true);
    expect(requests[1]!.withFindings).toBe(false);
    expect(events).toEqual(['a,b', 'a,b,c']);
  });

  it('takes an early read sent before the page loaded when its first question is the same one, and only then', async () => {
    const never: Parameters<typeof createLiveGraphSource>[0] = { subscribe: async () => new Promise(() => {}) };
    const earlyBodies: string[] = [];
    const earlyFetch = (async (_url: string, init: RequestInit) => {
      earlyBodies.push(String(init.body));
      return new Response(answer(0, 5, ['early']), { status: 200 });
    }) as typeof fetch;
    const pageFetches: string[] = [];
    const pageFetch = (async (_url: string, init: RequestInit) => {
      pageFetches.push(JSON.parse(String(init.body)).variables.since);
      return new Response(answer(0, 7, ['asked']), { status: 200 });
    }) as typeof fetch;
    const run = async (window: { last: string }) => {
      const seen: string[] = [];
      const source = createLiveGraphSource({ ...never, minGapMs: 0, fetch: pageFetch, early: startEarlyRead('/graphql', { last: '1h' }, earlyFetch, 'secret') });
      const stop = source.start({ snapshot: (s) => seen.push(s.components.map((c) => c.name).join()), unchanged: () => {}, error: () => {} }, { window });
      await new Promise((r) => setTimeout(r, 20));
      stop();
      return seen;
    };
    expect(await run({ last: '1h' })).toEqual(['early']);
    expect(pageFetches).toEqual([]);
    // Another window than the early read's: asked for again, the early answer left unused.
    expect(await run({ last: '24h' })).toEqual(['asked']);
    expect(pageFetches).toEqual([0]);
    expect(JSON.parse(earlyBodies[0]!).variables).toEqual({ since: 0, withFindings: true, window: { last: '1h' } });
  });

  it('asks for changes every interval while it cannot hold the subscription', async () => {
    const sinces: number[] = [];
    const timers: Array<[() => void, number]> = [];
    const source = createLiveGraphSource({
      minGapMs: 0,
      setTimer: (run, ms) => timers.push([run, ms]),
      clearTimer: () => {},
      fetch: (async (_url: string, init: RequestInit) => {
        sinces.push(JSON.parse(String(init.body)).variables.since);
        return new Response(answer(sinces.length === 1 ? 0 : 3, 3, ['a'], sinces.length === 1), { status: 200 });
      }) as typeof fetch,
      subscribe: async () => {
        throw new Error('no SSE here');
      },
    });
    source.start({ snapshot: () => {}, unchanged: () => {}, error: () => {} }, { intervalMs: 2000 });
    await new Promise((r) => setTimeout(r, 20));
    const poll = timers.find(([, ms]) => ms === 2000)!;
    poll[0]();
    await new Promise((r) => setTimeout(r, 20));
    expect(sinces).toEqual([0, 3]);
  });
});
