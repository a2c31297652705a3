// Runs `publish` on a short timer (ORRERY_FLUSH_MS), or sooner when something new asks for it (a
// dependency never seen before: freshness is span -> edge on the map). One run at a time; a
// failed run is logged and the rhythm goes on. collector.ts's publish drains the aggregator into
// the read model and the delta buffer that the flush loop writes to Neo4j on its own rhythm.
export function createPublishLoop(options: { everyMs: number; publish: () => Promise<void>; log: (line: string) => void }) {
  let timer: NodeJS.Timeout | undefined;
  let dueAt = Infinity;
  let stopped = true;
  let chain: Promise<void> = Promise.resolve();

  function runOnce(): Promise<void> {
    const run = chain.then(options.publish);
    chain = run.catch((error: Error) => options.log(`publish failed: ${error.stack ?? error.message}`));
    return chain;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    dueAt = performance.now() + delayMs;
    timer = setTimeout(() => {
      timer = undefined;
      dueAt = Infinity;
      void runOnce().then(() => schedule(options.everyMs));
    }, delayMs);
    timer.unref?.();
  }

  return {
    start(): void {
      stopped = false;
      schedule(options.everyMs);
    },
    /** Publishes within `soonMs` instead of waiting out the interval (no timer: a run is under way and reschedules). */
    soon(soonMs = 50): void {
      if (stopped || timer === undefined) return;
      if (dueAt - performance.now() > soonMs) schedule(soonMs);
    },
    /** Publishes now, after any run under way. */
    now(): Promise<void> {
      return runOnce();
    },
    stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      return chain;
    },
  };
}
