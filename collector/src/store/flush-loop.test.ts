import { describe, expect, it } from 'vitest';
import { createGraphAggregator, type GraphDelta } from '../aggregate/graph-aggregator.ts';
import type { Interaction } from '../model/interaction.ts';
import { createFlushLoop } from './flush-loop.ts';

const call = (from: string, to: string): Interaction => ({
  from: { name: from, kind: 'SERVICE', virtual: false }, to: { name: to, kind: 'SERVICE', virtual: false }, kind: 'SYNC', protocol: 'http',
  operation: undefined, traceId: 'a'.repeat(32), timeUnixMs: 1, durationMs: 5, callerError: false, calleeError: false,
});

/** A writer that records deltas and can be told to fail, as Neo4j does while it is away. */
function recordingWriter() {
  const written: Array<{ seq: number; delta: GraphDelta }> = [];
  let failing = false;
  return {
    written,
    fail: (value: boolean) => { failing = value; },
    async write(delta: GraphDelta, seq: number) {
      if (failing) throw new Error('Neo4j unavailable');
      written.push({ seq, delta });
      return true;
    },
    async warmUp() {},
  };
}

describe('flush loop', () => {
  it('keeps a failed delta and writes it as it was, then later traffic, once writes succeed', async () => {
    const aggregator = createGraphAggregator({ maxDependencies: 100, maxComponents: 100 });
    const writer = recordingWriter();
    const loop = createFlushLoop({ aggregator, writer, flushMs: 60_000, log: () => {} });
    aggregator.addInteraction(call('a', 'b'));
    writer.fail(true);
    await expect(loop.flush()).rejects.toThrow(/unavailable/);
    expect(loop.stats()).toMatchObject({ degraded: true, failedFlushes: 1 });
    aggregator.addInteraction(call('a', 'b'));
    writer.fail(false);
    await loop.flush(); // the failed delta, with the seq it first had
    await loop.flush(); // then what came meanwhile
    expect(writer.written.map((w) => [w.seq, w.delta.dependencies.map((d) => [d.from, d.to, d.calls])])).toEqual([[1, [['a', 'b', 1]]], [2, [['a', 'b', 1]]]]);
    expect(loop.stats()).toMatchObject({ degraded: false, flushes: 2 });
  });

  it('retries a delta whose commit was lost under the same seq, so the writer can skip it', async () => {
    const aggregator = createGraphAggregator({ maxDependencies: 100, maxComponents: 100 });
    const applied = new Set<number>();
    let loseAnswer = true;
    const writer = {
      async write(_delta: GraphDelta, seq: number) {
        if (applied.has(seq)) return false;
        applied.add(seq);
        if (loseAnswer) throw new Error('connection reset after commit');
        return true;
      },
      async warmUp() {},
    };
    const after: GraphDelta[] = [];
    const loop = createFlushLoop({ aggregator, writer, flushMs: 60_000, log: () => {}, afterFlush: (d) => { after.push(d); } });
    aggregator.addInteraction(call('a', 'b'));
    await expect(loop.flush()).rejects.toThrow(/reset/);
    loseAnswer = false;
    await loop.flush();
    expect([...applied]).toEqual([1]);
    expect(after).toHaveLength(1); // the read model hears of it once
  });

  it('runs flushes one at a time, so a retried delta reaches the writer and the read model once', async () => {
    const aggregator = createGraphAggregator({ maxDependencies: 100, maxComponents: 100 });
    const seqs: number[] = [];
    const writer = { async write(_d: GraphDelta, seq: number) { seqs.push(seq); await new Promise((r) => setTimeout(r, 20)); return true; }, async warmUp() {} };
    const after: GraphDelta[] = [];
    const loop = createFlushLoop({ aggregator, writer, flushMs: 60_000, log: () => {}, afterFlush: (d) => { after.push(d); } });
    aggregator.addInteraction(call('a', 'b'));
    await Promise.all([loop.flush(), loop.flush(), loop.flush()]);
    expect(seqs).toEqual([1]);
    expect(after.map((d) => d.dependencies[0]!.calls)).toEqual([1]);
  });

  it('writes a backlog too large for one transaction in pieces, cutting a refused piece in half, every call once', async () => {
    const aggregator = createGraphAggregator({ maxDependencies: 10_000, maxComponents: 10_000 });
    for (let i = 0; i < 400; i++) aggregator.addInteraction({ ...call('a', `peer-${i}`), timeUnixMs: 60_000 * (i % 5) });
    const committed: Array<{ seq: number; delta: GraphDelta }> = [];
    const writer = {
      async write(delta: GraphDelta, seq: number) {
        const rows = delta.components.length + delta.dependencies.reduce((n, d) => n + 1 + d.buckets.length, 0);
        // Neo4j's refusal: the transaction rolls back, nothing of it is kept.
        if (rows > 300) throw Object.assign(new Error('dbms.memory.transaction.total.max threshold reached'), { code: 'Neo.TransientError.General.MemoryPoolOutOfMemoryError' });
        committed.push({ seq, delta });
        return true;
      },
      async warmUp() {},
    };
    const after: GraphDelta[] = [];
    const loop = createFlushLoop({ aggregator, writer, flushMs: 60_000, log: () => {}, maxRowsPerWrite: 1200, afterFlush: (d) => { after.push(d); } });
    await loop.flush();
    const calls = committed.flatMap((c) => c.delta.dependencies).reduce((n, d) => n + d.calls, 0);
    expect(calls).toBe(400);
    expect(new Set(committed.flatMap((c) => c.delta.dependencies.map((d) => d.to))).size).toBe(400);
    const seqs = committed.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y)); // increasing: the writer's seq claim holds
    expect(after).toHaveLength(committed.length);
    expect(loop.stats()).toMatchObject({ degraded: false, unwritten: false });
  });

  it('writes a dependency never seen before within tens of milliseconds, not a whole interval later', async () => {
    let loop: ReturnType<typeof createFlushLoop> | undefined;
    const aggregator = createGraphAggregator({ maxDependencies: 100, maxComponents: 100, onNewDependency: () => loop?.flushSoon(20) });
    const writer = recordingWriter();
    loop = createFlushLoop({ aggregator, writer, flushMs: 60_000, log: () => {} });
    loop.start();
    aggregator.addInteraction(call('a', 'b'));
    await new Promise((r) => setTimeout(r, 200));
    expect(writer.written).toHaveLength(1);
    // A known edge waits for the regular interval.
    aggregator.addInteraction(call('a', 'b'));
    await new Promise((r) => setTimeout(r, 200));
    expect(writer.written).toHaveLength(1);
    await loop.stop();
    expect(writer.written).toHaveLength(2);
  });
});
