// Spans from a Kafka topic, as the OpenTelemetry Collector's `kafka` exporter writes them
// (encoding `otlp_proto`: each message value an ExportTraceServiceRequest, keyed by trace id with
// `partition_traces_by_id`, so both halves of a call reach the same consumer). Orrery collectors
// read the topic as one consumer group; each hands what it reads to the collector's ingest() and
// commits a partition's offset only once collector.durable() has said everything ingested up to it
// is in Neo4j. A crash or a Neo4j outage therefore loses nothing; the price is at-least-once: what
// was written but not yet committed when a collector died is read again by the next owner.
import { Consumer, MessagesStream, type Message } from '@platformatic/kafka';
import type { Span } from '../model/span.ts';
import { decodeProtobufTraces } from '../otlp/decode-protobuf.ts';

/** The part of the collector a source needs (collector.ts). */
export interface SpanSink {
  /** False: pushing back; pause and offer the same spans again later. */
  ingest(spans: Span[]): boolean;
  /** Resolves once everything ingested before the call is in Neo4j; rejects when the write failed. */
  durable(): Promise<void>;
}

export interface KafkaSourceOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  clientId: string;
  sink: SpanSink;
  log: (line: string) => void;
  /** Pause between commit rounds (each waits for durable(), about one pairing timeout). */
  commitEveryMs?: number;
  /** How long a pushed-back message waits before it is offered again. */
  retryMs?: number;
  /**
   * Group session timeout: how soon a dead member's partitions go to the others. It must outlast
   * a commit before a rebalance (one durable(): a pairing timeout and a write).
   */
  sessionTimeoutMs?: number;
  /** The consumer failed beyond the client's own retries: the process should exit and be restarted (nothing is lost). */
  onFatal?: (error: Error) => void;
}

export interface KafkaSourceStats {
  messages: number;
  spans: number;
  /** Messages that were not OTLP protobuf: counted, skipped, their offsets committed like any other. */
  badMessages: number;
  /** Spans the decoder refused inside otherwise good messages. */
  rejectedSpans: number;
  /** Times ingest() pushed back and reading paused. */
  pausedForPushBack: number;
  commits: number;
  failedCommits: number;
  rebalances: number;
  lastError: string | undefined;
}

/** What decoding one message gives: the spans, or why it is skipped. */
export function decodeKafkaMessage(value: Buffer | undefined | null): { spans: Span[]; rejected: number } | { bad: string } {
  if (!value || value.length === 0) return { bad: 'empty message' };
  try {
    const decoded = decodeProtobufTraces(value);
    return { spans: decoded.spans, rejected: decoded.rejected.length };
  } catch (error) {
    return { bad: (error as Error).message };
  }
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export function createKafkaSource(options: KafkaSourceOptions) {
  const { sink, log } = options;
  const commitEveryMs = options.commitEveryMs ?? 1000;
  const retryMs = options.retryMs ?? 200;
  const stats: KafkaSourceStats = {
    messages: 0, spans: 0, badMessages: 0, rejectedSpans: 0, pausedForPushBack: 0, commits: 0, failedCommits: 0, rebalances: 0, lastError: undefined,
  };
  const consumer = new Consumer({
    groupId: options.groupId,
    clientId: options.clientId,
    bootstrapBrokers: options.brokers,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 10)),
    rebalanceTimeout: 2 * (options.sessionTimeoutMs ?? 30_000),
    // Cooperative rebalancing: a member gives a partition up only after the client has asked its
    // stream to commit, and waited (see revokeHook below); eager rebalancing would hand it over at
    // once, and the new owner would read again everything ingested since the last commit.
    protocols: [{ name: 'cooperative-sticky', version: 1 }],
  });
  /** The last message handed to the sink per partition, not yet committed. */
  const uncommitted = new Map<string, Message>();
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  let reading: Promise<void> | undefined;
  let commitTimer: NodeJS.Timeout | undefined;
  let committing: Promise<void> | undefined;
  let stopping = false;
  /** While partitions are being revoked: the read loop waits, so nothing is ingested meanwhile. */
  let revoking: Promise<void> | undefined;

  /**
   * One round: note the newest ingested message per partition, wait until the sink has made
   * everything ingested so far durable, then commit those offsets. A failed write commits nothing;
   * the next round tries again with everything ingested meanwhile.
   */
  function commitRound(): Promise<void> {
    committing ??= (async () => {
      if (uncommitted.size === 0) return;
      const batch = [...uncommitted.entries()];
      try {
        await sink.durable();
      } catch (error) {
        stats.failedCommits++;
        stats.lastError = (error as Error).message;
        log(`offsets not committed, Neo4j write failed (read again on a restart): ${(error as Error).message}`);
        return;
      }
      // One request for every partition (a committed offset is the next one to read). Rounds never
      // overlap, so a lower offset can never land after a higher one.
      try {
        await consumer.commit({
          offsets: batch.map(([, m]) => ({ topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch })),
        });
        stats.commits++;
        for (const [key, message] of batch) if (uncommitted.get(key) === message) uncommitted.delete(key);
      } catch (error) {
        // Typically a partition moved in a rebalance: its new owner reads from the last commit.
        stats.failedCommits++;
        stats.lastError = (error as Error).message;
        log(`offsets not committed (${batch.map(([, m]) => `${m.topic}[${m.partition}]@${m.offset}`).join(', ')}): ${(error as Error).message}`);
        // A partition no longer ours is the new owner's to commit: forget it.
        const owned = new Set((consumer.assignments ?? []).flatMap((a) => a.partitions.map((p) => partitionKey(a.topic, p))));
        for (const [key] of batch) if (!owned.has(key)) uncommitted.delete(key);
      }
    })().finally(() => { committing = undefined; });
    return committing;
  }

  function scheduleCommits(): void {
    if (stopping) return;
    commitTimer = setTimeout(() => void commitRound().finally(scheduleCommits), commitEveryMs);
  }

  async function read(s: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    // Awaiting inside the loop is the back-pressure: the stream buffers up to its high-water
    // mark and then stops fetching until the loop takes the next message.
    for await (const message of s) {
      if (revoking) {
        await revoking;
        // A message of a partition this member just gave up is its new owner's to read.
        if (!owns(message.topic, message.partition)) continue;
      }
      stats.messages++;
      const decoded = decodeKafkaMessage(message.value);
      if ('bad' in decoded) {
        // Never wedge a partition on one bad message: count it, skip it, commit past it.
        stats.badMessages++;
        if (stats.badMessages <= 10 || stats.badMessages % 1000 === 0) log(`skipped a message that is not OTLP protobuf (${message.topic}[${message.partition}]@${message.offset}, ${stats.badMessages} so far): ${decoded.bad}`);
      } else {
        stats.rejectedSpans += decoded.rejected;
        if (decoded.spans.length > 0) {
          let paused = false;
          while (!sink.ingest(decoded.spans)) {
            if (!paused) stats.pausedForPushBack++;
            paused = true;
            if (stopping) return;
            await new Promise((resolve) => setTimeout(resolve, retryMs));
          }
          stats.spans += decoded.spans.length;
        }
      }
      uncommitted.set(partitionKey(message.topic, message.partition), message);
      if (stopping) return;
    }
  }

  function owns(topic: string, partition: number): boolean {
    return (consumer.assignments ?? []).some((a) => a.topic === topic && a.partitions.includes(partition));
  }

  /**
   * Before a cooperative rebalance takes partitions away, the client pauses its streams and asks
   * each to commit, waiting for the answer. The client has no public hook there, so the stream's
   * commit method (found by its symbol's description) is wrapped: reading stops, everything read so
   * far is made durable and committed, then the client's own commit runs and the rebalance goes on.
   * The new owner then starts after what this member wrote: nothing is read twice. Without the
   * method (another client version) rebalances still work, with the replay described in README.md.
   */
  function revokeHook(s: MessagesStream<Buffer, Buffer, Buffer, Buffer>): void {
    const symbol = Object.getOwnPropertySymbols(MessagesStream.prototype).find((sym) => sym.description === 'plt.kafka.messagesStream.autocommit');
    if (!symbol) {
      log('this Kafka client version offers no commit before a rebalance: a partition that moves is read again from its last commit');
      return;
    }
    const target = s as unknown as Record<symbol, (callback?: (error?: Error | null) => void) => void>;
    const original = target[symbol]!.bind(s);
    target[symbol] = (callback) => {
      if (!callback) {
        original();
        return;
      }
      stats.rebalances++;
      let release!: () => void;
      revoking = new Promise((resolve) => { release = resolve; });
      // After any round under way (it noted less than has been read since), one more.
      // Bounded: a member that holds a rebalance up past its session timeout is dropped from the
      // group; past the bound the partitions go, and what was not committed is read again.
      const bound = new Promise((resolve) => setTimeout(resolve, (options.sessionTimeoutMs ?? 30_000) / 2).unref());
      void Promise.race([bound, (async () => {
        await committing;
        await commitRound();
      })()]).finally(() => {
        original((error) => {
          callback(error);
          // The client updates its assignment right after this callback.
          setImmediate(() => { revoking = undefined; release(); });
        });
      });
    };
  }

  return {
    async start(): Promise<void> {
      stream = await consumer.consume({
        topics: [options.topic],
        autocommit: false,
        // From the group's committed offsets; a new group starts at the beginning of the topic.
        mode: 'committed',
        fallbackMode: 'earliest',
        maxWaitTime: 500,
        highWaterMark: 256,
      });
      // Any other rebalance (a member joined or left without taking our partitions): commit soon.
      revokeHook(stream);
      consumer.on('consumer:group:rebalance', () => void commitRound());
      const fatal = (error: Error) => {
        if (stopping) return;
        stats.lastError = error.message;
        log(`Kafka consumer failed: ${error.message}`);
        options.onFatal?.(error);
      };
      // Errors the client gives up on (a join that failed every retry) arrive as events.
      consumer.on('error', fatal);
      reading = read(stream).then(() => {
        if (!stopping) fatal(new Error('the message stream ended'));
      }, fatal);
      scheduleCommits();
      log(`reading OTLP from Kafka topic ${options.topic} on ${options.brokers.join(',')} as group ${options.groupId}`);
    },
    /** Stops reading, makes what was read durable and commits it, then leaves the group. */
    async stop(): Promise<void> {
      stopping = true;
      if (commitTimer) clearTimeout(commitTimer);
      await stream?.close().catch(() => undefined);
      await reading;
      await committing;
      await commitRound();
      await consumer.close(true).catch((error: Error) => log(`while leaving the Kafka group: ${error.message}`));
    },
    /** Runs a commit round now (tests). */
    commit: commitRound,
    stats: (): KafkaSourceStats => ({ ...stats }),
  };
}

export type KafkaSource = ReturnType<typeof createKafkaSource>;
