// Flush buffered spans when the host is about to go, without changing how or when it goes.
//
// - SIGTERM / SIGINT: a listener on a signal disables Node's default "terminate". So when the
//   host has no listener of its own we flush (bounded by `deadlineMs`), take our listener off
//   and raise the same signal again: the process still dies by that signal, as it would have.
//   When the host has its own listener it decides what happens; we only flush alongside it.
//   A second signal during our flush is raised at once: an impatient Ctrl-C still works.
// - beforeExit: the host's loop is empty and it will exit with process.exitCode. We flush once
//   (beforeExit fires again after our flush, so a guard stops the loop). If the collector is
//   unreachable the exporter's retry timers would hold the host up to its export timeout, so
//   after `deadlineMs` we exit with the host's own exit code.

export type ExitSignal = 'SIGTERM' | 'SIGINT';

/** The slice of `process` this needs; tests pass a fake. */
export interface ExitHost {
  pid: number;
  on(event: 'beforeExit', listener: () => void): unknown;
  on(event: ExitSignal, listener: (signal: ExitSignal) => void): unknown;
  removeListener(event: ExitSignal | 'beforeExit', listener: (...args: never[]) => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: ExitSignal): unknown;
  exit(): never | void;
}

export interface ExitFlushOptions {
  flush: () => Promise<void>;
  deadlineMs: number;
  host?: ExitHost;
  signals?: readonly ExitSignal[];
  setTimer?: (fn: () => void, ms: number) => { unref?: () => unknown };
}

export interface ExitFlush {
  /** Removes every listener this installed. */
  uninstall(): void;
}

export function installExitFlush(options: ExitFlushOptions): ExitFlush {
  const host: ExitHost = options.host ?? (process as unknown as ExitHost);
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));

  /** Resolves true when the flush finished, false when the deadline came first. Never rejects. */
  const boundedFlush = (): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimer(() => resolve(false), options.deadlineMs);
      // The timer only bounds our own wait; it must not keep a finished host alive.
      timer.unref?.();
      let flushing: Promise<void>;
      try {
        flushing = options.flush();
      } catch {
        resolve(true);
        return;
      }
      flushing.then(
        () => resolve(true),
        () => resolve(true),
      );
    });

  const flushingFor = new Set<ExitSignal>();
  const onSignal = (signal: ExitSignal) => {
    const hostHandles = host.listenerCount(signal) > 1;
    if (flushingFor.has(signal)) {
      if (!hostHandles) reraise(signal);
      return;
    }
    flushingFor.add(signal);
    void boundedFlush().then(() => {
      flushingFor.delete(signal);
      // Re-check: the host may have added (or removed) its own listener meanwhile.
      if (host.listenerCount(signal) <= 1) reraise(signal);
    });
  };
  const reraise = (signal: ExitSignal) => {
    host.removeListener(signal, onSignal);
    host.kill(host.pid, signal);
  };

  let exitFlushStarted = false;
  const onBeforeExit = () => {
    if (exitFlushStarted) return;
    exitFlushStarted = true;
    void boundedFlush().then((finished) => {
      if (!finished) host.exit();
    });
  };

  for (const signal of signals) host.on(signal, onSignal);
  host.on('beforeExit', onBeforeExit);

  return {
    uninstall() {
      for (const signal of signals) host.removeListener(signal, onSignal);
      host.removeListener('beforeExit', onBeforeExit);
    },
  };
}
