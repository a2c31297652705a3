// A real single-node Apache Kafka broker in KRaft mode (broker and controller in one JVM), from
// Maven Central's jars: test/kafka-broker/pom.xml resolves them on first use (a few seconds with
// Maven's cache warm, a minute or so cold), then `java kafka.Kafka` runs on free loopback ports with
// its data in a temporary folder that stop() removes. Used by the scale-out suite and by
// test/recorders/record.ts. With `secure`, the same broker also listens with SASL_SSL (SCRAM-SHA-256,
// SCRAM-SHA-512 and PLAIN users) and with SSL requiring a client certificate (mutual TLS), on
// certificates openssl makes for that start (kafka-security.test.ts).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeProtobufTraces } from '../../../collector/src/testing/encode-protobuf.ts';
import { startProcess, type RunningProcess } from './child-processes.ts';
import { freePort } from './free-port.ts';

const brokerProject = path.join(import.meta.dirname, '..', '..', 'kafka-broker');
const classpathFile = path.join(brokerProject, 'target', 'classpath.txt');

export interface KafkaBroker {
  port: number;
  /** host:port for bootstrap.servers (PLAINTEXT). */
  bootstrap: string;
  /** The secure listeners, with `secure: true`. */
  secure?: SecureListeners;
  process: RunningProcess;
  stop(): Promise<void>;
}

/** What a client needs to reach a `secure` broker. */
export interface SecureListeners {
  /** SASL_SSL: TLS (server certificate only) and SASL PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
  saslSslBootstrap: string;
  /** SSL with `ssl.client.auth=required`: mutual TLS, no SASL. */
  mtlsBootstrap: string;
  /** PEM files: the CA that signed the broker's and the client's certificates, the client's certificate and key. */
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A user known to every SASL mechanism (SCRAM credentials stored at format time, PLAIN in the JAAS config). */
  username: string;
  password: string;
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
  /** Also listen with SASL_SSL and with mutual TLS (SecureListeners). */
  secure?: boolean;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    throw new Error(e.code === 'ENOENT'
      ? 'the secure Kafka broker needs openssl to make its certificates (Debian: apt-get install openssl)'
      : `openssl ${args.slice(0, 2).join(' ')} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

/**
 * A throwaway CA, a broker certificate for 127.0.0.1 and localhost signed by it, and a client
 * certificate signed by it; PEM files in `dir`. The broker reads its key and chain as a PEM
 * keystore, so no Java keystore is made.
 */
function makeCertificates(dir: string): { ca: string; brokerKeystore: string; clientCert: string; clientKey: string } {
  const days = ['-days', '2'];
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', ...days, '-subj', '/CN=Orrery test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'broker.key', '-out', 'broker.pem', ...days, '-subj', '/CN=localhost',
    '-CA', 'ca.pem', '-CAkey', 'ca.key', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'extendedKeyUsage=serverAuth']);
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.pem', ...days, '-subj', '/CN=orrery-collector',
    '-CA', 'ca.pem', '-CAkey', 'ca.key', '-addext', 'extendedKeyUsage=clientAuth']);
  // Kafka's PEM keystore: the PKCS#8 key, then the certificate chain.
  const brokerKeystore = path.join(dir, 'broker-keystore.pem');
  writeFileSync(brokerKeystore, [readFileSync(path.join(dir, 'broker.key'), 'utf8'), readFileSync(path.join(dir, 'broker.pem'), 'utf8'), readFileSync(path.join(dir, 'ca.pem'), 'utf8')].join(''));
  return { ca: path.join(dir, 'ca.pem'), brokerKeystore, clientCert: path.join(dir, 'client.pem'), clientKey: path.join(dir, 'client.key') };
}

/** Starts a broker and resolves once it accepts connections. */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const classpath = await kafkaClasspath(options.log);
  const dir = mkdtempSync(path.join(tmpdir(), 'orrery-kafka-'));
  try {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const listeners = [`PLAINTEXT://127.0.0.1:${port}`];
    const protocols = ['CONTROLLER:PLAINTEXT', 'PLAINTEXT:PLAINTEXT'];
    const extra: string[] = [];
    const format: string[] = [];
    let secure: SecureListeners | undefined;
    if (options.secure) {
      const [saslPort, mtlsPort] = [await freePort(), await freePort()];
      const files = makeCertificates(dir);
      const username = 'orrery';
      const password = `pw-${randomBytes(8).toString('hex')}`;
      listeners.push(`SASL_SSL://127.0.0.1:${saslPort}`, `MTLS://127.0.0.1:${mtlsPort}`);
      protocols.push('SASL_SSL:SASL_SSL', 'MTLS:SSL');
      extra.push(
        'ssl.keystore.type=PEM', `ssl.keystore.location=${files.brokerKeystore}`, 'ssl.truststore.type=PEM', `ssl.truststore.location=${files.ca}`,
        'listener.name.mtls.ssl.client.auth=required',
        'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
        `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${username}="${password}";`,
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      );
      // SCRAM credentials go into the metadata log when the storage is formatted (KRaft has no ZooKeeper to hold them).
      for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) format.push('--add-scram', `${mechanism}=[name=${username},password=${password}]`);
      secure = {
        saslSslBootstrap: `127.0.0.1:${saslPort}`, mtlsBootstrap: `127.0.0.1:${mtlsPort}`,
        caFile: files.ca, clientCertFile: files.clientCert, clientKeyFile: files.clientKey, username, password,
      };
    }
    const properties = path.join(dir, 'server.properties');
    writeFileSync(properties, [
      'process.roles=broker,controller', 'node.id=1', `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=${[...listeners, `CONTROLLER://127.0.0.1:${controllerPort}`].join(',')}`, `advertised.listeners=${listeners.join(',')}`,
      'controller.listener.names=CONTROLLER', 'inter.broker.listener.name=PLAINTEXT', `listener.security.protocol.map=${protocols.join(',')}`,
      `log.dirs=${path.join(dir, 'data')}`, `num.partitions=${options.partitions ?? 1}`, 'offsets.topic.replication.factor=1', 'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1', 'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1', 'group.initial.rebalance.delay.ms=0', ...extra, '',
    ].join('\n'));
    // A KRaft cluster id is 16 random bytes in URL-safe base64 without padding.
    const clusterId = randomBytes(16).toString('base64url');
    execFileSync('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties, ...format], { stdio: 'ignore' });
    const broker = startProcess({ name: 'kafka', command: 'java', args: ['-Xmx512m', '-cp', classpath, 'kafka.Kafka', properties] });
    try {
      await waitForPort(port, 60_000, broker);
      if (secure) for (const listener of [secure.saslSslBootstrap, secure.mtlsBootstrap]) await waitForPort(Number(listener.split(':')[1]), 30_000, broker);
    } catch (error) {
      await broker.stop(0);
      throw error;
    }
    return {
      port,
      bootstrap: `127.0.0.1:${port}`,
      secure,
      process: broker,
      stop: async () => {
        await broker.stop(0);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

// OTLP/JSON as the generators build it (collector/src/testing/hop-traffic.ts).
type Json = Record<string, any>;

/** The traffic regrouped as the kafka exporter with partition_traces_by_id writes it: one message per trace. */
export function kafkaMessages(requests: Json[]): Array<{ key: Buffer; value: Buffer }> {
  const byTrace = new Map<string, Map<Json, Json[]>>();
  for (const request of requests) {
    for (const rs of request.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          let resources = byTrace.get(span.traceId);
          if (!resources) byTrace.set(span.traceId, (resources = new Map()));
          let spans = resources.get(rs.resource);
          if (!spans) resources.set(rs.resource, (spans = []));
          spans.push(span);
        }
      }
    }
  }
  return [...byTrace].map(([traceId, resources]) => ({
    key: Buffer.from(traceId, 'hex'),
    value: Buffer.from(encodeProtobufTraces({ resourceSpans: [...resources].map(([resource, spans]) => ({ resource, scopeSpans: [{ spans }] })) })),
  }));
}
