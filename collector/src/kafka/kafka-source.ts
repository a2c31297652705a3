// Spans from a Kafka topic, as the OpenTelemetry Collector's `kafka` exporter writes them
// (encoding `otlp_proto`: each message value an ExportTraceServiceRequest, keyed by trace id with
// `partition_traces_by_id`, so both halves of a call reach the same consumer). Orrery collectors
// read the topic as one consumer group; each hands what it reads to the collector's ingest() and
// commits a partition's offset only once collector.durable() has said everything ingested up to it
// is in Neo4j. A crash or a Neo4j outage therefore loses nothing; the price is at-least-once: what
// was written but not yet committed when a collector died is read again by the next owner.
//
// Brokers that refuse the connection (a wrong SASL password, a certificate not trusted, none
// reachable) do not stop the collector: the failure is counted by reason, logged with what to
// check, and the connection retried with backoff, while the OTLP receivers and /metrics go on.
import { Consumer, MessagesStream, type Message } from '@platformatic/kafka';
import type { Span } from '../model/span.ts';
import { decodeProtobufTraces } from '../otlp/decode-protobuf.ts';
import { describeKafkaSecurity, explainKafkaError, KAFKA_FAILURE_REASONS, kafkaFailureHint, type KafkaFailureReason, type KafkaSecurity } from './kafka-security.ts';

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
  /** TLS and SASL (kafka-security.ts); plaintext without. */
  security?: KafkaSecurity;
  /** First pause before connecting again after the brokers refused or could not be reached; doubles up to maxReconnectMs. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  /** The client's own retries of one operation before it gives up (default: the client's, 3); each join attempt includes them. */
  clientRetries?: number;
  /** How often the lag of the partitions this member owns is asked of the brokers. */
  lagEveryMs?: number;
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
  /** A consumer is in the group and reading. */
  connected: boolean;
  /** Attempts to join that failed, by reason: authentication (SASL), tls, network, other. */
  connectionFailures: Record<KafkaFailureReason, number>;
  /** Per partition this member owns, at the last lag check: the group's committed offset, the end of the log, the difference. */
  partitions: Array<{ topic: string; partition: number; committedOffset: number; endOffset: number; lag: number }>;
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
  const reconnectMs = options.reconnectMs ?? 1000;
  const maxReconnectMs = options.maxReconnectMs ?? 60_000;
  const stats: KafkaSourceStats = {
    messages: 0, spans: 0, badMessages: 0, rejectedSpans: 0, pausedForPushBack: 0, commits: 0, failedCommits: 0, rebalances: 0,
    connected: false, connectionFailures: Object.fromEntries(KAFKA_FAILURE_REASONS.map((r) => [r, 0])) as Record<KafkaFailureReason, number>,
    partitions: [], lastError: undefined,
  };
  const newConsumer = () => new Consumer({
    groupId: options.groupId,
    clientId: options.clientId,
    bootstrapBrokers: options.brokers,
    // TLS and SASL; the password is handed over as a function and never held in a plain field here.
    ...options.security?.clientOptions(),
    ...(options.clientRetries !== undefined ? { retries: options.clientRetries } : {}),
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 10)),
    rebalanceTimeout: 2 * (options.sessionTimeoutMs ?? 30_000),
    // Cooperative rebalancing: a member gives a partition up only after the client has asked its
    // stream to commit, and waited (see revokeHook below); eager rebalancing would hand it over at
    // once, and the new owner would read again everything ingested since the last commit.
    protocols: [{ name: 'cooperative-sticky', version: 1 }],
  });
  /** The consumer that joined the group; undefined until one has (and while connecting again). */
  let consumer: Consumer | undefined;
  let failedAttempts = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let lagTimer: NodeJS.Timeout | undefined;
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
      if (uncommitted.size === 0 || !consumer) return;
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
        await consumer!.commit({
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
        const owned = new Set((consumer?.assignments ?? []).flatMap((a) => a.partitions.map((p) => partitionKey(a.topic, p))));
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
    return (consumer?.assignments ?? []).some((a) => a.topic === topic && a.partitions.includes(partition));
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

  const fatal = (error: Error) => {
    if (stopping) return;
    stats.connected = false;
    stats.lastError = error.message;
    log(`Kafka consumer failed: ${explainKafkaError(error).message}`);
    options.onFatal?.(error);
  };

  /**
   * Joins the group and starts reading; true when it did. When the brokers refuse (a wrong
   * password, an untrusted certificate) or cannot be reached, the failure is counted and logged
   * with what to check, and another attempt is scheduled with backoff: never a crash.
   */
  async function connect(): Promise<boolean> {
    retryTimer = undefined;
    if (stopping) return false;
    const candidate = newConsumer();
    let joined = false;
    // Errors the client gives up on (a join that failed every retry) arrive as events: before the
    // join they are this attempt's failure (consume() rejects too), after it they are fatal.
    candidate.on('error', (error: Error) => {
      if (joined) fatal(error);
    });
    try {
      const s = await candidate.consume({
        topics: [options.topic],
        autocommit: false,
        // From the group's committed offsets; a new group starts at the beginning of the topic.
        mode: 'committed',
        fallbackMode: 'earliest',
        maxWaitTime: 500,
        highWaterMark: 256,
      });
      if (stopping) {
        await s.close().catch(() => undefined);
        await candidate.close(true).catch(() => undefined);
        return false;
      }
      joined = true;
      consumer = candidate;
      stream = s;
      stats.connected = true;
      failedAttempts = 0;
      // Any other rebalance (a member joined or left without taking our partitions): commit soon.
      revokeHook(s);
      candidate.on('consumer:group:rebalance', () => void commitRound());
      reading = read(s).then(() => {
        if (!stopping) fatal(new Error('the message stream ended'));
      }, fatal);
      scheduleLag(0);
      log(`reading OTLP from Kafka topic ${options.topic} on ${options.brokers.join(',')} as group ${options.groupId} (${describeKafkaSecurity(options.security)})`);
      return true;
    } catch (error) {
      await candidate.close(true).catch(() => undefined);
      if (stopping) return false;
      const { reason, message } = explainKafkaError(error);
      stats.connectionFailures[reason]++;
      stats.lastError = `${reason}: ${message}`;
      failedAttempts++;
      const delayMs = Math.min(maxReconnectMs, reconnectMs * 2 ** Math.min(failedAttempts - 1, 20));
      // The first few, then every tenth: a long outage must not flood the log.
      if (failedAttempts <= 3 || failedAttempts % 10 === 0) {
        log(`cannot consume from ${options.brokers.join(',')} (${describeKafkaSecurity(options.security)}): ${kafkaFailureHint(reason, options.security)}. `
          + `The client said: ${message}. Trying again in ${(delayMs / 1000).toFixed(1)} s (${failedAttempts} failed attempt${failedAttempts === 1 ? '' : 's'}); OTLP ingest goes on meanwhile`);
      }
      retryTimer = setTimeout(() => void connect(), delayMs);
      return false;
    }
  }

  /** The lag of the partitions this member owns: the end of each log minus the group's committed offset. */
  async function refreshLag(): Promise<void> {
    const c = consumer;
    if (!c || !stats.connected || !c.isActive()) return;
    const owned = (c.assignments ?? []).filter((a) => a.partitions.length > 0);
    if (owned.length === 0) {
      stats.partitions = [];
      return;
    }
    const [ends, committed] = await Promise.all([c.listOffsets({ topics: owned.map((a) => a.topic) }), c.listCommittedOffsets({ topics: owned })]);
    const partitions: KafkaSourceStats['partitions'] = [];
    for (const { topic, partitions: indexes } of owned) {
      for (const partition of indexes) {
        const end = ends.get(topic)?.[partition];
        if (end === undefined) continue;
        // No commit yet (-1): everything from the start of the log is to be read.
        const done = committed.get(topic)?.[partition] ?? -1n;
        const from = done < 0n ? 0n : done;
        partitions.push({ topic, partition, committedOffset: Number(done), endOffset: Number(end), lag: Number(end > from ? end - from : 0n) });
      }
    }
    stats.partitions = partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  function scheduleLag(delayMs: number): void {
    if (stopping) return;
    lagTimer = setTimeout(() => {
      void refreshLag().catch(() => undefined).finally(() => scheduleLag(options.lagEveryMs ?? 10_000));
    }, delayMs);
    lagTimer.unref();
  }

  return {
    /**
     * Joins the group and starts reading. Resolves after the first attempt whether or not the
     * brokers took it (a failed one is retried in the background); only a bad option throws.
     */
    async start(): Promise<void> {
      await connect();
      scheduleCommits();
    },
    /** Stops reading, makes what was read durable and commits it, then leaves the group. */
    async stop(): Promise<void> {
      stopping = true;
      if (commitTimer) clearTimeout(commitTimer);
      if (retryTimer) clearTimeout(retryTimer);
      if (lagTimer) clearTimeout(lagTimer);
      await stream?.close().catch(() => undefined);
      await reading;
      await committing;
      await commitRound();
      stats.connected = false;
      await consumer?.close(true).catch((error: Error) => log(`while leaving the Kafka group: ${error.message}`));
    },
    /** Runs a commit round now (tests). */
    commit: commitRound,
    stats: (): KafkaSourceStats => ({ ...stats, connectionFailures: { ...stats.connectionFailures }, partitions: [...stats.partitions] }),
  };
}

export type KafkaSource = ReturnType<typeof createKafkaSource>;
