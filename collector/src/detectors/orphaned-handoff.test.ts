import { describe, expect, it } from 'vitest';
import { createOrphanedHandoffDetector } from './orphaned-handoff.ts';
import { HOUR_MS, NOW_MS, component, edge, snapshot } from './testing.ts';

const detect = createOrphanedHandoffDetector().detect;
const queues = [component('checkout', { tier: 0 }), component('orders.audit', { kind: 'QUEUE', tier: 3 }), component('fulfilment', { tier: 2 })];
const publish = (spec: Parameters<typeof edge>[2] = {}) => edge('checkout', 'orders.audit', { kind: 'PUBLISH', calls: 500, firstSeenMs: NOW_MS - HOUR_MS, exemplarTraceIds: ['t-audit'], ...spec });

describe('ORPHANED_HANDOFF', () => {
  it('raises a destination nobody has ever read once the first message is older than the timeout', () => {
    const findings = detect(snapshot({ components: queues, dependencies: [publish()] }));
    expect(findings).toHaveLength(1);
    // The audit topic is declared tier 3: losing its messages is what the catalog says it may do.
    expect(findings[0]).toMatchObject({ kind: 'ORPHANED_HANDOFF', severity: 'LOW', components: ['orders.audit', 'checkout'], path: ['checkout', 'orders.audit'], evidence: { traceIds: ['t-audit'], published: 500 } });
    expect(findings[0]?.detail).toContain('checkout (tier 0: must never go down) publishes to orders.audit (tier 3: may degrade) (500 messages), but no consumer has ever been seen reading it');
    expect(findings[0]?.detail).toContain('the handoff timeout is 5 minutes');
  });

  it('rates the loss by the destination\'s declared tier, else by its producers\' (at most HIGH)', () => {
    const severityWith = (queue: ReturnType<typeof component>) => detect(snapshot({ components: [queues[0]!, queue], dependencies: [publish()] }))[0]?.severity;
    expect(severityWith(component('orders.audit', { kind: 'QUEUE', tier: 0 }))).toBe('CRITICAL');
    expect(severityWith(component('orders.audit', { kind: 'QUEUE' }))).toBe('HIGH');
  });

  it('raises a destination whose consumer stopped: the last message has waited past the timeout', () => {
    const findings = detect(snapshot({
      components: queues,
      dependencies: [publish({ lastSeenMs: NOW_MS - 20 * 60_000 }), edge('orders.audit', 'fulfilment', { kind: 'CONSUME', lastSeenMs: NOW_MS - 40 * 60_000 })],
    }));
    expect(findings[0]?.detail).toContain('has waited 20 minutes');
  });

  it('raises messages reported never consumed while publishing goes on', () => {
    const findings = detect(snapshot({ components: queues, dependencies: [publish({ unconsumed: 60 }), edge('orders.audit', 'fulfilment', { kind: 'CONSUME', lastSeenMs: NOW_MS - HOUR_MS / 2 })] }));
    expect(findings[0]?.detail).toContain('60 of 500 published messages (12%) were never picked up');
  });

  describe('a backlog being replayed is judged by how far ingestion has caught up, not by the wall clock', () => {
    it('a replay two minutes behind: the producer\'s batch is written, the consumer\'s not yet', () => {
      const replayAt = NOW_MS - 20 * 60_000; // spans being written are 20 minutes old
      const findings = detect(snapshot({
        components: [queues[0]!, queues[1]!, component('fulfilment', { tier: 2, lastSeenMs: replayAt - 60_000 })],
        dependencies: [publish({ firstSeenMs: replayAt - 60_000, lastSeenMs: replayAt }), edge('orders.audit', 'fulfilment', { kind: 'CONSUME', lastSeenMs: replayAt - 60_000 })],
        caughtUpToMs: replayAt,
      }));
      expect(findings).toEqual([]);
    });

    it('a queue nobody reads, while the whole graph is 10 minutes behind: judged at the watermark', () => {
      const caughtUpToMs = NOW_MS - 10 * 60_000;
      expect(detect(snapshot({ components: queues, dependencies: [publish({ firstSeenMs: caughtUpToMs - 60_000 })], caughtUpToMs }))).toEqual([]);
      expect(detect(snapshot({ components: queues, dependencies: [publish({ firstSeenMs: caughtUpToMs - 6 * 60_000 })], caughtUpToMs }))).toHaveLength(1);
    });
  });

  describe('near misses raise nothing', () => {
    it('a destination with a live consumer and few unconsumed messages', () => {
      expect(detect(snapshot({ components: queues, dependencies: [publish({ unconsumed: 3 }), edge('orders.audit', 'fulfilment', { kind: 'CONSUME' })] }))).toEqual([]);
    });

    it('a destination first published to within the timeout', () => {
      expect(detect(snapshot({ components: queues, dependencies: [publish({ firstSeenMs: NOW_MS - 60_000 })] }))).toEqual([]);
    });

    it('a consumer slower than the producer but within the timeout', () => {
      expect(detect(snapshot({
        components: queues,
        dependencies: [publish({ lastSeenMs: NOW_MS - 60_000 }), edge('orders.audit', 'fulfilment', { kind: 'CONSUME', lastSeenMs: NOW_MS - 30 * 60_000 })],
      }))).toEqual([]);
    });
  });
});
