import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type ExitHost, installExitFlush } from './flush-on-exit.ts';

class FakeHost extends EventEmitter {
  pid = 4242;
  raised: string[] = [];
  exits = 0;
  kill(_pid: number, signal: string) {
    this.raised.push(signal);
  }
  exit() {
    this.exits++;
  }
}

/** A flush the test settles by hand, and timers the test fires by hand. */
function setup() {
  const host = new FakeHost();
  let flushes = 0;
  let settle: () => void = () => {};
  const timers: Array<() => void> = [];
  installExitFlush({
    host: host as unknown as ExitHost,
    deadlineMs: 2000,
    flush: () => {
      flushes++;
      return new Promise<void>((resolve) => (settle = resolve));
    },
    setTimer: (fn) => {
      timers.push(fn);
      return {};
    },
  });
  return { host, flushes: () => flushes, settle: () => settle(), fireTimers: () => timers.forEach((t) => t()) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('installExitFlush', () => {
  it('on a signal the host does not handle, flushes and then raises the same signal again', async () => {
    const t = setup();
    t.host.emit('SIGTERM', 'SIGTERM');
    expect(t.flushes()).toBe(1);
    expect(t.host.raised).toEqual([]);
    t.settle();
    await tick();
    expect(t.host.raised).toEqual(['SIGTERM']);
    expect(t.host.listenerCount('SIGTERM')).toBe(0);
  });

  it('raises the signal at the deadline when the collector never answers', async () => {
    const t = setup();
    t.host.emit('SIGINT', 'SIGINT');
    t.fireTimers();
    await tick();
    expect(t.host.raised).toEqual(['SIGINT']);
  });

  it('a second signal during the flush is raised at once', async () => {
    const t = setup();
    t.host.emit('SIGINT', 'SIGINT');
    t.host.emit('SIGINT', 'SIGINT');
    expect(t.host.raised).toEqual(['SIGINT']);
    expect(t.flushes()).toBe(1);
  });

  it('leaves a signal the host handles to the host', async () => {
    const t = setup();
    t.host.on('SIGTERM', () => {});
    t.host.emit('SIGTERM', 'SIGTERM');
    t.settle();
    await tick();
    expect(t.flushes()).toBe(1);
    expect(t.host.raised).toEqual([]);
  });

  it('flushes once on beforeExit and does not force the exit when the flush finishes', async () => {
    const t = setup();
    t.host.emit('beforeExit');
    t.host.emit('beforeExit');
    expect(t.flushes()).toBe(1);
    t.settle();
    await tick();
    t.host.emit('beforeExit');
    expect(t.flushes()).toBe(1);
    expect(t.host.exits).toBe(0);
  });

  it('exits (with the host exit code) when the beforeExit flush outlives the deadline', async () => {
    const t = setup();
    t.host.emit('beforeExit');
    t.fireTimers();
    await tick();
    expect(t.host.exits).toBe(1);
  });
});
