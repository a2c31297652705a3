// A real single-node Apache Kafka broker in KRaft mode (broker and controller in one JVM), from
// Maven Central's jars: test/kafka-broker/pom.xml resolves them on first use (a few seconds with
// Maven's cache warm, a minute or so cold), then `java kafka.Kafka` runs on free loopback ports with
// its data in a temporary folder that stop() removes. Used by the scale-out suite and by
// test/recorders/record.ts.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProcess, type RunningProcess } from './child-processes.ts';
import { freePort } from './free-port.ts';

const brokerProject = path.join(import.meta.dirname, '..', '..', 'kafka-broker');
const classpathFile = path.join(brokerProject, 'target', 'classpath.txt');

export interface KafkaBroker {
  port: number;
  /** host:port for bootstrap.servers. */
  bootstrap: string;
  process: RunningProcess;
  stop(): Promise<void>;
}

let resolving: Promise<string> | undefined;

/** The broker's runtime classpath, resolved with the Maven wrapper unless target/ is newer than the pom. */
export function kafkaClasspath(log: (line: string) => void = (line) => console.error(line)): Promise<string> {
  resolving ??= (async () => {
    const pom = path.join(brokerProject, 'pom.xml');
    if (!existsSync(classpathFile) || statSync(classpathFile).mtimeMs < statSync(pom).mtimeMs) {
      log('orrery test: resolving Apache Kafka\'s broker jars from Maven Central (test/kafka-broker; the first time about a minute)');
      const started = Date.now();
      await new Promise<void>((resolve, reject) => {
        const child = spawn('sh', ['mvnw', '-q', '-B', 'package'], { cwd: brokerProject, stdio: ['ignore', 'pipe', 'pipe'] });
        const output: string[] = [];
        for (const s of [child.stdout, child.stderr]) s.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the Kafka broker's Maven build failed (exit ${code}):\n${output.join('').slice(-4000)}`))));
      });
      log(`orrery test: Kafka broker jars resolved in ${Math.round((Date.now() - started) / 1000)} s`);
    }
    return readFileSync(classpathFile, 'utf8').trim();
  })();
  resolving.catch(() => { resolving = undefined; });
  return resolving;
}

async function waitForPort(port: number, timeoutMs: number, broker: RunningProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Kafka did not open port ${port} within ${timeoutMs} ms:\n${broker.outputTail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface StartKafkaOptions {
  /** Partitions of auto-created topics. Default 1. */
  partitions?: number;
  log?: (line: string) => void;
}

/** Starts a broker and resolves once it accepts connections. */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const classpath = await kafkaClasspath(options.log);
  const dir = mkdtempSync(path.join(tmpdir(), 'orrery-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const properties = path.join(dir, 'server.properties');
  writeFileSync(properties, [
    'process.roles=broker,controller', 'node.id=1', `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`, `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER', 'inter.broker.listener.name=PLAINTEXT', 'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${path.join(dir, 'data')}`, `num.partitions=${options.partitions ?? 1}`, 'offsets.topic.replication.factor=1', 'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1', 'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1', 'group.initial.rebalance.delay.ms=0', '',
  ].join('\n'));
  // A KRaft cluster id is 16 random bytes in URL-safe base64 without padding.
  const clusterId = randomBytes(16).toString('base64url');
  execFileSync('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties], { stdio: 'ignore' });
  const broker = startProcess({ name: 'kafka', command: 'java', args: ['-Xmx512m', '-cp', classpath, 'kafka.Kafka', properties] });
  try {
    await waitForPort(port, 60_000, broker);
  } catch (error) {
    await broker.stop(0);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    bootstrap: `127.0.0.1:${port}`,
    process: broker,
    stop: async () => {
      await broker.stop(0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
