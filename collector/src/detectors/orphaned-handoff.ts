// ORPHANED_HANDOFF: messages go to a destination that no consumer reads within the handoff
// timeout (ORRERY_HANDOFF_TIMEOUT_MS, default 5 min), or published messages are reported never
// taken (the PUBLISH edges' `unconsumed` count). Per destination:
//   - nobody has ever consumed from it and the first message is older than the timeout; or
//   - consumption stopped: the last message was published after the last consumption and has
//     waited longer than the timeout; or
//   - at least orphanMinUnconsumed messages, and orphanUnconsumedShare of those published, were
//     never consumed (this catches a consumer that stopped while publishing goes on).
// Severity follows the destination's declared tier (CRITICAL for tier 0: work is being lost now),
// else the producers' with a HIGH ceiling.
import type { GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { count, describe, duration, exampleTraces, instant, percent, traceIdsOf } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

export function createOrphanedHandoffDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'ORPHANED_HANDOFF',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      const index = indexGraph(snapshot);
      const findings: RaisedFinding[] = [];
      const destinations = new Set(snapshot.dependencies.filter((e) => e.kind === 'PUBLISH').map((e) => e.to));
      for (const destination of destinations) {
        const publishes = index.incoming(destination).filter((e) => e.kind === 'PUBLISH');
        const consumes = index.outgoing(destination).filter((e) => e.kind === 'CONSUME');
        const published = publishes.reduce((sum, e) => sum + e.calls, 0);
        const unconsumed = publishes.reduce((sum, e) => sum + e.unconsumed, 0);
        const firstPublishMs = Math.min(...publishes.map((e) => e.firstSeenMs));
        const lastPublishMs = Math.max(...publishes.map((e) => e.lastSeenMs));
        const lastConsumeMs = consumes.length > 0 ? Math.max(...consumes.map((e) => e.lastSeenMs)) : undefined;
        const timeout = duration(t.handoffTimeoutMs);
        // Judge waiting against how far ingestion has caught up, and per source: a consumer whose
        // own spans are still in a backlog cannot be said to have missed a message yet.
        const caughtUp = Math.min(snapshot.nowMs, snapshot.caughtUpToMs ?? snapshot.nowMs);
        const consumersCaughtUp = consumes.length > 0 ? Math.max(...consumes.map((e) => index.components.get(e.to)?.lastSeenMs ?? 0)) : caughtUp;
        const judgedAt = Math.min(caughtUp, Math.max(consumersCaughtUp, lastConsumeMs ?? 0));

        const reasons: string[] = [];
        if (lastConsumeMs === undefined) {
          if (caughtUp - firstPublishMs > t.handoffTimeoutMs) {
            reasons.push(`no consumer has ever been seen reading it, though messages have been published since ${instant(firstPublishMs)} (the handoff timeout is ${timeout})`);
          }
        } else if (lastPublishMs > lastConsumeMs && judgedAt - lastPublishMs > t.handoffTimeoutMs) {
          reasons.push(`nothing has been consumed since ${instant(lastConsumeMs)}; the last message, published ${instant(lastPublishMs)}, has waited ${duration(judgedAt - lastPublishMs)} (the handoff timeout is ${timeout})`);
        }
        if (unconsumed >= t.orphanMinUnconsumed && published > 0 && unconsumed / published >= t.orphanUnconsumedShare) {
          reasons.push(`${count(unconsumed)} of ${count(published)} published messages (${percent(unconsumed / published)}) were never picked up`);
        }
        if (reasons.length === 0) continue;

        const producers = [...new Set(publishes.map((e) => e.from))];
        const consumers = [...new Set(consumes.map((e) => e.to))];
        const queue = index.components.get(destination);
        const traceIds = traceIdsOf(publishes, t.maxTraceIds);
        findings.push({
          id: findingId('ORPHANED_HANDOFF', [destination]),
          kind: 'ORPHANED_HANDOFF',
          // The work exposed is the destination's: its declared tier says what losing it costs (a
          // tier-0 destination losing work now is CRITICAL, a tier-3 audit topic LOW); with no
          // declared tier, the producers' (at most HIGH: nothing declares the handoff critical).
          severity: queue?.intent.tier !== undefined
            ? severityFromIntent([queue.intent], 'CRITICAL')
            : severityFromIntent(producers.map((p) => index.components.get(p)?.intent), 'HIGH'),
          title: `Work handed off to ${destination} is not picked up`,
          get detail() {
            return `${producers.map((p) => describe(p, index.components.get(p))).join(', ')} ${producers.length === 1 ? 'publishes' : 'publish'} to ${describe(destination, queue)} ` +
            `(${count(published)} messages), but ${reasons.join('; and ')}.` +
            `${consumers.length > 0 ? ` Consumers seen: ${consumers.join(', ')}.` : ''} Work handed off there may be silently lost: add or fix the consumer, or stop publishing.` +
            exampleTraces(traceIds);
          },
          components: [destination, ...producers],
          path: producers.length === 1 ? [producers[0]!, destination] : undefined,
          evidence: { traceIds, published, unconsumed, producers, consumers, lastPublished: instant(lastPublishMs), ...(lastConsumeMs === undefined ? {} : { lastConsumed: instant(lastConsumeMs) }) },
        });
      }
      return findings;
    },
  };
}
