// How fast collectors drain a Kafka backlog into Neo4j, for the README's sizing table:
//
//   node test/src/bench/kafka-throughput.ts [--spans 200000] [--collectors 1,2] [--partitions 4] [--neo4j bolt://...]
//
// A real KRaft broker and an embedded Neo4j are started; issue 12's hop traffic (200 services,
// ~1,000 edges) is produced once to a topic, one message per trace keyed by trace id as the kafka
// exporter writes it; then for each collector count a fresh graph and a fresh consumer group read
// the whole topic with that many `ORRERY_ROLE=collector` processes, until Neo4j holds every call
// and every offset is committed. Reported: wall time, spans per second, the collectors' CPU-seconds
// (from /proc) and peak RSS. Exactness is checked edge by edge in Neo4j.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Admin, Producer } from '@platformatic/kafka';
import neo4jDriver from 'neo4j-driver';
import { generateHopTraffic } from '../../../collector/src/testing/hop-traffic.ts';
import { startEmbeddedNeo4j } from '../../../neo4j-embedded/neo4j.ts';
import { startProcess, type RunningProcess } from '../support/child-processes.ts';
import { freePort } from '../support/free-port.ts';
import { kafkaMessages, startKafka } from '../support/kafka.ts';

const { values } = parseArgs({ options: { spans: { type: 'string', default: '200000' }, collectors: { type: 'string', default: '1,2' }, partitions: { type: 'string', default: '4' }, neo4j: { type: 'string' } } });
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const log = (line: string) => process.stderr.write(`[bench-kafka] ${line}\n`);
const TOPIC = 'otlp_spans';
const partitions = Number(values.partitions);

/** utime + stime of a process and its peak RSS, from /proc (Linux). */
function usage(pid: number): { cpuS: number; peakMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuS: ticks / 100, peakMb: Number(hwm ?? 0) / 1024 };
}

const dataDir = mkdtempSync(join(tmpdir(), 'orrery-bench-kafka-'));
// --neo4j URI: a Neo4j already running (its graph is cleared), instead of an embedded one.
const [kafka, neo4j] = await Promise.all([
  startKafka({ partitions, log }),
  values.neo4j ? { uri: values.neo4j, stop: async () => {} } : startEmbeddedNeo4j({ dataDir, boltPort: await freePort(), log: () => {} }),
]);
const driver = neo4jDriver.driver(neo4j.uri);
try {
  const admin = new Admin({ clientId: 'bench', bootstrapBrokers: [kafka.bootstrap] });
  await admin.createTopics({ topics: [TOPIC], partitions, replicas: 1 });
  await admin.close();
  const traffic = generateHopTraffic({ spans: Number(values.spans), startMs: Date.now() - 10 * 60_000, seed: 12 });
  const messages = kafkaMessages(traffic.requests);
  const producer = new Producer({ clientId: 'bench', bootstrapBrokers: [kafka.bootstrap] });
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({ messages: messages.slice(i, i + 500).map((m) => ({ topic: TOPIC, key: m.key, value: m.value })) });
  }
  await producer.close();
  const expectedCalls = traffic.expected.reduce((n, e) => n + e.calls, 0);
  log(`produced ${traffic.spans} spans in ${messages.length} messages (${traffic.expected.length} edges, ${expectedCalls} calls) to ${partitions} partitions`);

  const rows: string[] = [];
  for (const count of values.collectors.split(',').map(Number)) {
    await driver.executeQuery('MATCH (n) DETACH DELETE n');
    const group = `bench-${count}-${Date.now()}`;
    const started = performance.now();
    const collectors: RunningProcess[] = await Promise.all(Array.from({ length: count }, async (_, i) => {
      const child = startProcess({
        name: `collector-${i}`, command: process.execPath, args: [join(repoRoot, 'tools', 'start.ts')], cwd: repoRoot,
        env: {
          ...process.env, ORRERY_ROLE: 'collector', NEO4J_URI: neo4j.uri, ORRERY_KAFKA_BROKERS: kafka.bootstrap, ORRERY_KAFKA_GROUP: group,
          ORRERY_COLLECTOR_ID: `${group}-${i}`, ORRERY_OTLP_PORT: String(await freePort()), ORRERY_OTLP_GRPC_PORT: String(await freePort()), ORRERY_API_PORT: String(await freePort()), ORRERY_DEMO: '0',
        },
      });
      void child.exited.then(({ code, signal }) => { if (code !== 0 && signal === null) log(`collector-${i} exited (${code}):\n${child.outputTail()}`); });
      await child.waitForLine(/^orrery collector ready/, 120_000);
      return child;
    }));
    let calls = 0;
    for (;;) {
      const { records } = await driver.executeQuery("MATCH (:Component)-[r:DEPENDS_ON {kind: 'SYNC'}]->() RETURN sum(r.calls) AS calls");
      calls = Number(records[0]!.get('calls') ?? 0);
      if (calls >= expectedCalls) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const wallS = (performance.now() - started) / 1000;
    const used = collectors.map((c) => usage(c.pid!));
    const { records } = await driver.executeQuery("MATCH (a)-[r:DEPENDS_ON {kind: 'SYNC'}]->(b) RETURN a.name AS from, b.name AS to, r.calls AS calls");
    const seen = new Map(records.map((r) => [`${r.get('from')}>${r.get('to')}`, Number(r.get('calls'))]));
    const exact = traffic.expected.every((e) => seen.get(`${e.from}>${e.to}`) === e.calls) && seen.size === traffic.expected.length;
    for (const c of collectors) await c.stop(10_000);
    const cpu = used.reduce((n, u) => n + u.cpuS, 0);
    rows.push(`| ${count} | ${traffic.spans.toLocaleString('en')} | ${wallS.toFixed(1)} s | ${Math.round(traffic.spans / wallS).toLocaleString('en')} | ${cpu.toFixed(1)} | ${Math.round(traffic.spans / cpu).toLocaleString('en')} | ${Math.round(Math.max(...used.map((u) => u.peakMb)))} MB | ${exact ? 'exact' : `NOT exact (${calls} of ${expectedCalls} calls)`} |`);
    log(rows.at(-1)!);
  }
  console.log('| collectors | spans | wall (start to all in Neo4j) | spans/s | collectors\' CPU-s | spans per CPU-s | peak RSS per collector | graph |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await driver.close();
  await kafka.stop();
  await neo4j.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
