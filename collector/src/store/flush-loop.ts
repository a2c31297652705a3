// Moves published deltas into Neo4j on a timer (ORRERY_WRITE_MS). The read model has them already
// (collector.ts publishes every drain to it first), so this rhythm sets Neo4j's cost and how much
// a crash could lose, not what GraphQL shows. A failed write is kept as it
// is, with its sequence number, and retried with backoff before anything newer is drained: if
// the failed attempt committed after all (its answer was lost), the writer sees the seq already
// recorded and skips it, so nothing is counted twice. While Neo4j is away new traffic waits in the
// aggregator, bounded by the number of distinct edges, and nothing is lost when it returns.
//
// A drained delta is written in pieces of at most `maxRowsPerWrite` rows (split-delta.ts), one
// transaction and one seq each, in order. A piece Neo4j refuses for its transaction memory limit
// never committed: it is cut in half and its halves written with new seqs, and later drains use
// the smaller size, so a backlog can never wedge the loop on a delta too large to ever fit.
import type { GraphDelta } from '../aggregate/graph-aggregator.ts';
import type { GraphWriter } from './graph-writer.ts';
import { isTransactionTooLarge, rowsOf, splitDelta } from './split-delta.ts';

/** Rows (entities + buckets) per transaction at first: a 2-hour backlog of 20,000 edges is ~120 pieces. */
const MAX_ROWS_PER_WRITE = 20_000;
const MIN_ROWS_PER_WRITE = 250;

export interface FlushStats {
  flushes: number;
  failedFlushes: number;
  componentsWritten: number;
  dependenciesWritten: number;
  lastFlushMs: number | undefined;
  lastError: string | undefined;
  /** True while writes are failing: the receiver uses it to push back on exporters. */
  degraded: boolean;
  /** Median and 95th percentile of the last 256 successful writes, ms (the write cost per flush). */
  flushP50Ms: number | undefined;
  flushP95Ms: number | undefined;
  /** A drained delta is being written, or waits to be retried. */
  unwritten: boolean;
}

export interface FlushLoopOptions {
  /** Where deltas wait to be written (the delta buffer; a bare aggregator in tests). */
  aggregator: { drain(): GraphDelta };
  writer: GraphWriter;
  flushMs: number;
  /** Runs before each flush that drains (tests; the collector expires halves in publish()). */
  beforeFlush?: () => void;
  /** Runs after each successful write (the collector writes workflow shapes then). */
  afterFlush?: (delta: GraphDelta) => Promise<void> | void;
  log: (line: string) => void;
  maxBackoffMs?: number;
  /** Rows per transaction to start with (default 20,000); halved whenever Neo4j refuses one as too large. */
  maxRowsPerWrite?: number;
  /** True when a backlog waits (a replay): the next write starts at once instead of after flushMs. */
  backlogged?: () => boolean;
}

export function createFlushLoop(options: FlushLoopOptions) {
  const stats: FlushStats = {
    flushes: 0, failedFlushes: 0, componentsWritten: 0, dependenciesWritten: 0, lastFlushMs: undefined, lastError: undefined, degraded: false,
    flushP50Ms: undefined, flushP95Ms: undefined, unwritten: false,
  };
  const recentMs: number[] = [];
  const quantile = (q: number) => {
    if (recentMs.length === 0) return undefined;
    const sorted = [...recentMs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  };
  let timer: NodeJS.Timeout | undefined;
  let timerDueAt = Infinity;
  let running: Promise<void> | undefined;
  let stopped = false;
  let consecutiveFailures = 0;
  let nextSeq = 1;
  /** A delta whose write failed, retried as it is before anything newer. */
  let retry: { seq: number; delta: GraphDelta } | undefined;
  /** Pieces of the last drain not yet written; they get their seq when their turn comes. */
  const pieces: GraphDelta[] = [];
  let maxRows = options.maxRowsPerWrite ?? MAX_ROWS_PER_WRITE;

  // Flushes run one at a time: the timer's and an explicit flush() must not write (or hand the
  // read model) the same retried delta twice.
  let chain: Promise<void> = Promise.resolve();
  function flushOnce(): Promise<void> {
    const run = chain.then(writeDrain);
    chain = run.catch(() => undefined);
    return run;
  }

  /** One drain, written piece after piece (a failure stops it; the retry comes first next time). */
  async function writeDrain(): Promise<void> {
    do await writeNext();
    while (pieces.length > 0);
  }

  async function writeNext(): Promise<void> {
    if (pieces.length === 0) options.beforeFlush?.();
    if (!retry) {
      if (pieces.length === 0) {
        const delta = options.aggregator.drain();
        if (delta.components.length === 0 && delta.dependencies.length === 0 && delta.workflows.length === 0) return;
        pieces.push(...splitDelta(delta, maxRows));
      }
      retry = { seq: nextSeq++, delta: pieces.shift()! };
    }
    const { seq, delta } = retry;
    const started = performance.now();
    try {
      const written = await options.writer.write(delta, seq);
      if (!written) options.log(`delta ${seq} was already in Neo4j (an earlier attempt committed): not written twice`);
      retry = undefined;
    } catch (error) {
      const rows = rowsOf(delta);
      if (isTransactionTooLarge(error) && rows > MIN_ROWS_PER_WRITE) {
        // Rolled back, so its seq was never recorded: its halves go first, with seqs of their own.
        maxRows = Math.max(MIN_ROWS_PER_WRITE, Math.floor(Math.min(maxRows, rows) / 2));
        pieces.unshift(...splitDelta(delta, maxRows));
        retry = undefined;
        stats.failedFlushes++;
        options.log(`delta ${seq} (${rows} rows) passed Neo4j's transaction memory limit: writing it in pieces of ${maxRows} rows`);
        return; // not Neo4j failing: the halves are written now, by writeDrain
      }
      stats.failedFlushes++;
      consecutiveFailures++;
      stats.degraded = true;
      const message = (error as Error).message;
      if (stats.lastError !== message || consecutiveFailures % 10 === 1) options.log(`write to Neo4j failed (${consecutiveFailures}x, data kept for retry): ${message}`);
      stats.lastError = message;
      throw error;
    }
    if (stats.degraded) options.log(`write to Neo4j recovered after ${consecutiveFailures} failed attempt(s)`);
    consecutiveFailures = 0;
    stats.degraded = false;
    stats.flushes++;
    stats.componentsWritten += delta.components.length;
    stats.dependenciesWritten += delta.dependencies.length;
    stats.lastFlushMs = performance.now() - started;
    recentMs.push(stats.lastFlushMs);
    if (recentMs.length > 256) recentMs.shift();
    // A skipped delta was applied by the earlier attempt; the read model still needs it once.
    if (stats.lastFlushMs > 5 * options.flushMs) {
      options.log(`slow write: ${delta.dependencies.length} dependencies took ${Math.round(stats.lastFlushMs)} ms (write interval ${options.flushMs} ms)`);
    }
    await options.afterFlush?.(delta);
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timerDueAt = performance.now() + delayMs;
    timer = setTimeout(() => {
      timer = undefined;
      timerDueAt = Infinity;
      running = flushOnce()
        .then(() => schedule(options.backlogged?.() ? 0 : options.flushMs))
        .catch(() => schedule(Math.min(options.maxBackoffMs ?? 30_000, options.flushMs * 2 ** Math.min(consecutiveFailures, 6))));
    }, delayMs);
    timer.unref?.();
  }

  return {
    start(): void {
      stopped = false;
      schedule(options.flushMs);
    },
    /**
     * Something new to show (a dependency never written before): flush within `soonMs` instead
     * of waiting out the interval. Known edges keep the steady ORRERY_FLUSH_MS rhythm, so the
     * write rate does not grow with traffic. Ignored while writes are failing (backoff rules).
     */
    flushSoon(soonMs = 50): void {
      // No timer means a flush is under way; it reschedules when done.
      if (stopped || timer === undefined || consecutiveFailures > 0) return;
      if (timerDueAt - performance.now() > soonMs) schedule(soonMs);
    },
    /** Flushes now (waits for a flush already under way first). */
    async flush(): Promise<void> {
      await running;
      await flushOnce();
    },
    /** Stops the timer and makes a last attempt to write what is pending. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      await flushOnce().catch(() => undefined);
    },
    stats: (): FlushStats => ({ ...stats, flushP50Ms: quantile(0.5), flushP95Ms: quantile(0.95), unwritten: retry !== undefined || pieces.length > 0 }),
  };
}
