// Scaled out on an existing engine (DESIGN.md §9): a real Kafka broker in KRaft mode, two Orrery
// collectors (ORRERY_ROLE=collector, child processes of `node tools/start.ts`) reading the topic as
// one consumer group, and one API (ORRERY_ROLE=api) following Neo4j. Spans are produced as the
// OpenTelemetry Collector's kafka exporter writes them (otlp_proto, one message per trace, keyed by
// trace id). Hop traffic (collector/src/testing/hop-traffic.ts) gives the exact graph each set
// must make.
//
// 1. both collectors up: the API's graph equals the expected one exactly; bad messages are skipped;
// 2. one collector SIGKILLed mid-stream: the other takes its partitions and nothing is lost (every
//    call is there, some perhaps twice: delivery is at-least-once, a killed collector's written but
//    uncommitted messages are read again by the next owner);
// 3. Neo4j stopped under load and started again: nothing lost, and nothing doubled either (no
//    collector died, so nothing is read twice). The outage is 15 s in the suite, not the issue's
//    60 s, to keep it lean: what it exercises (failed writes, no commits, retries, push-back) is the
//    same. ORRERY_TEST_OUTAGE_S=60 runs the length.
//
// This file runs its own embedded Neo4j (the shared one cannot be stopped) on a free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../collector/src/config.ts';
import { generateHopTraffic, type ExpectedEdge } from '../../collector/src/testing/hop-traffic.ts';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../../neo4j-embedded/neo4j.ts';
import { startApiRole, type RoleProcess } from '../../tools/roles.ts';
import { startProcess, type RunningProcess } from './support/child-processes.ts';
import { freePort } from './support/free-port.ts';
import { kafkaMessages, startKafka, type KafkaBroker } from './support/kafka.ts';
import { eventually, graphql } from './support/platform.ts';

const TOPIC = 'otlp_spans';
const PARTITIONS = 4;
const repoRoot = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'orrery-scale-out-'));
const log = (line: string) => process.stderr.write(`[scale-out] ${line}\n`);

let kafka: KafkaBroker;
let neo4j: EmbeddedNeo4j;
let boltPort: number;
let api: RoleProcess;
let producer: Producer;
const collectors: RunningProcess[] = [];

async function produce(messages: Array<{ key: Buffer; value: Buffer }>): Promise<void> {
  for (let i = 0; i < messages.length; i += 200) {
    await producer.send({ messages: messages.slice(i, i + 200).map((m) => ({ topic: TOPIC, key: m.key, value: m.value })) });
  }
}

function traffic(prefix: string, spans: number, seed: number) {
  const generated = generateHopTraffic({ spans, services: 24, spansPerRequest: 200, startMs: Date.now() - 120_000, seed, prefix });
  return { messages: kafkaMessages(generated.requests), expected: generated.expected, spans: generated.spans };
}

/** The API's SYNC dependencies among one traffic set's services. */
async function observed(prefix: string): Promise<ExpectedEdge[]> {
  const data = await graphql<{ dependencies: Array<{ from: string; to: string; kind: string; calls: number; errors: number }> }>(
    api.apiUrl!, '{ dependencies(window: { last: "1h" }) { from to kind calls errors } }');
  return data.dependencies.filter((d) => d.kind === 'SYNC' && d.from.startsWith(prefix))
    .map(({ from, to, calls, errors }) => ({ from, to, calls, errors }));
}

const sorted = (edges: ExpectedEdge[]) => [...edges].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
const total = (edges: ExpectedEdge[]) => edges.reduce((n, e) => n + e.calls, 0);

async function startCollector(name: string): Promise<RunningProcess> {
  const child = startProcess({
    name, command: process.execPath, args: [join(repoRoot, 'tools', 'start.ts')], cwd: repoRoot,
    env: {
      ...process.env, ORRERY_ROLE: 'collector', NEO4J_URI: neo4j.uri, ORRERY_KAFKA_BROKERS: kafka.bootstrap, ORRERY_COLLECTOR_ID: name,
      ORRERY_OTLP_PORT: String(await freePort()), ORRERY_OTLP_GRPC_PORT: String(await freePort()), ORRERY_API_PORT: String(await freePort()), ORRERY_DEMO: '0',
      // Every half of a trace is in its message: pairing needs no wait, and durable() (so each
      // commit) follows a pairing timeout.
      ORRERY_PAIRING_TIMEOUT_MS: '1000', ORRERY_FLUSH_MS: '200', ORRERY_WRITE_MS: '500',
    },
  });
  await child.waitForLine(/^orrery collector ready/, 120_000);
  return child;
}

beforeAll(async () => {
  const t0 = Date.now();
  const at = (what: string) => log(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  boltPort = await freePort();
  [kafka, neo4j] = await Promise.all([
    startKafka({ partitions: PARTITIONS, log }).finally(() => at('kafka up')),
    startEmbeddedNeo4j({ dataDir, boltPort, heapMb: 512, log: () => {} }).finally(() => at('neo4j up')),
  ]);
  const admin = new Admin({ clientId: 'scale-out-test', bootstrapBrokers: [kafka.bootstrap] });
  await admin.createTopics({ topics: [TOPIC], partitions: PARTITIONS, replicas: 1 });
  await admin.close();
  producer = new Producer({ clientId: 'scale-out-test', bootstrapBrokers: [kafka.bootstrap] });
  // All three at once: collectors starting together on a fresh Neo4j race to create its schema.
  const [a, b, apiRole] = await Promise.all([
    startCollector('collector-a'), startCollector('collector-b'),
    startApiRole(loadConfig({
      ORRERY_ROLE: 'api', NEO4J_URI: neo4j.uri, ORRERY_API_PORT: String(await freePort()), ORRERY_DEMO: '0', ORRERY_FLUSH_MS: '250', ORRERY_WRITE_MS: '500',
    }), () => {}),
  ]);
  collectors.push(a, b);
  api = apiRole;
  at('api up');
}, 300_000);

afterAll(async () => {
  await producer?.close().catch(() => undefined);
  await api?.stop();
  for (const c of collectors) await c.stop(5000);
  await kafka?.stop();
  await neo4j?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('two collectors on one Kafka topic, one API', () => {
  it('build the graph one collector builds from the same spans, skipping bad messages', async () => {
    const set = traffic('ka-', 8000, 21);
    await producer.send({ messages: [{ topic: TOPIC, key: Buffer.from('not-a-trace'), value: Buffer.from('this is not OTLP protobuf') }] });
    await produce(set.messages);
    await eventually(async () => expect(sorted(await observed('ka-'))).toEqual(sorted(set.expected)), 60_000, 500);
    const tails = collectors.map((c) => c.outputTail()).join('\n');
    expect(tails).toMatch(/skipped a message that is not OTLP protobuf/);
  });

  it('lose nothing when one collector is killed mid-stream: the other takes its partitions', async () => {
    const set = traffic('kb-', 16_000, 22);
    const half = Math.floor(set.messages.length / 2);
    await produce(set.messages.slice(0, half));
    // Mid-stream: some of the set is in the graph, and the killed collector has read its share.
    await eventually(async () => expect(total(await observed('kb-'))).toBeGreaterThan(0), 30_000, 200);
    const killed = collectors.shift()!;
    process.kill(killed.pid!, 'SIGKILL');
    await killed.exited;
    await produce(set.messages.slice(half));
    const edges = await eventually(async () => {
      const seen = new Map((await observed('kb-')).map((e) => [`${e.from}>${e.to}`, e]));
      for (const e of set.expected) expect(seen.get(`${e.from}>${e.to}`)?.calls ?? 0, `${e.from} -> ${e.to}`).toBeGreaterThanOrEqual(e.calls);
      return [...seen.values()];
    }, 90_000, 1000);
    log(`after the kill: ${total(edges)} calls observed for ${total(set.expected)} sent (${total(edges) - total(set.expected)} read twice)`);
    expect(edges.length).toBe(set.expected.length);
  });

  it('lose nothing, and double nothing, when Neo4j is away under load', async () => {
    const set = traffic('kc-', 8000, 23);
    const third = Math.floor(set.messages.length / 3);
    await produce(set.messages.slice(0, third));
    await neo4j.stop();
    await produce(set.messages.slice(third));
    const outageS = Number(process.env['ORRERY_TEST_OUTAGE_S'] ?? 15);
    await new Promise((resolve) => setTimeout(resolve, outageS * 1000));
    log(`neo4j was away ${outageS} s under load`);
    const restart = Date.now();
    neo4j = await startEmbeddedNeo4j({ dataDir, boltPort, heapMb: 512, log: () => {} });
    log(`neo4j restarted in ${((Date.now() - restart) / 1000).toFixed(1)} s`);
    await eventually(async () => expect(sorted(await observed('kc-'))).toEqual(sorted(set.expected)), 90_000, 1000);
    log(`caught up ${((Date.now() - restart) / 1000).toFixed(1)} s after the restart began`);
  }, 180_000 + Number(process.env['ORRERY_TEST_OUTAGE_S'] ?? 15) * 1000);
});
