// Kafka as organisations run it: TLS and SASL. One real KRaft broker (support/kafka.ts, `secure`)
// listens with SASL_SSL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 users; a certificate from a CA made
// for this run by openssl) and with SSL requiring a client certificate (mutual TLS).
//
// - a bad combination of settings stops the start, exit 2, naming the variables;
// - every mechanism, and mutual TLS, connect through the settings a collector reads (loadConfig),
//   and what the brokers refuse is told apart: no CA, no client certificate;
// - an Orrery collector (`ORRERY_ROLE=collector`, a child process of `node tools/start.ts`) with
//   SCRAM-SHA-512 over TLS consumes OTLP from the topic into the graph an API serves, and its
//   /metrics says so;
// - a collector with a wrong password is refused with a clear error that never shows the
//   password, counts the refusal in /metrics, and stays up (its OTLP receiver still answers).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Admin, Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../collector/src/config.ts';
import { explainKafkaError } from '../../collector/src/kafka/kafka-security.ts';
import { generateHopTraffic, type ExpectedEdge } from '../../collector/src/testing/hop-traffic.ts';
import { startApiRole, type RoleProcess } from '../../tools/roles.ts';
import { startProcess, type RunningProcess } from './support/child-processes.ts';
import { freePort } from './support/free-port.ts';
import { kafkaMessages, startKafka, type KafkaBroker, type SecureListeners } from './support/kafka.ts';
import { eventually, graphql } from './support/platform.ts';

const TOPIC = 'otlp_spans_secure';
const PREFIX = 'ksec-';
const API_TOKEN = 'kafka-security-metrics-token';
const repoRoot = join(import.meta.dirname, '..', '..');
const log = (line: string) => process.stderr.write(`[kafka-security] ${line}\n`);

let kafka: KafkaBroker;
let secure: SecureListeners;
let api: RoleProcess;
const collectors: Record<'good' | 'wrong', { process: RunningProcess; metricsUrl: string; otlpUrl: string; exited: boolean } | undefined> = { good: undefined, wrong: undefined };

/** The environment of a collector (or any client built from it) on the SASL_SSL listener. */
function saslEnv(mechanism: string, password = secure.password): Record<string, string> {
  return {
    ORRERY_KAFKA_BROKERS: secure.saslSslBootstrap, ORRERY_KAFKA_TOPIC: TOPIC, ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_CA_FILE: secure.caFile,
    ORRERY_KAFKA_SASL_MECHANISM: mechanism, ORRERY_KAFKA_SASL_USERNAME: secure.username, ORRERY_KAFKA_SASL_PASSWORD: password,
  };
}

/** What a collector would hand the Kafka client, for the test's own admin and producer. */
function clientFrom(env: Record<string, string>) {
  const config = loadConfig({ NEO4J_URI: 'bolt://127.0.0.1:1', ORRERY_ROLE: 'collector', ...env });
  return { bootstrapBrokers: config.kafka!.brokers, ...config.kafka!.security.clientOptions() };
}

async function startCollector(name: 'good' | 'wrong', env: Record<string, string>) {
  const [otlpPort, apiPort] = [await freePort(), await freePort()];
  const child = startProcess({
    name: `collector-${name}`, command: process.execPath, args: [join(repoRoot, 'tools', 'start.ts')], cwd: repoRoot,
    env: {
      ...process.env, ORRERY_ROLE: 'collector', NEO4J_URI: inject('neo4jUri'), ORRERY_COLLECTOR_ID: `kafka-security-${name}`, ORRERY_DEMO: '0',
      ORRERY_OTLP_PORT: String(otlpPort), ORRERY_OTLP_GRPC_PORT: String(await freePort()), ORRERY_API_PORT: String(apiPort), ORRERY_API_TOKEN: API_TOKEN,
      ORRERY_KAFKA_GROUP: `kafka-security-${name}`, ORRERY_PAIRING_TIMEOUT_MS: '1000', ORRERY_FLUSH_MS: '200', ORRERY_WRITE_MS: '500', ...env,
    },
  });
  await child.waitForLine(/^orrery collector ready/, 120_000);
  const started = { process: child, metricsUrl: `http://127.0.0.1:${apiPort}/metrics`, otlpUrl: `http://127.0.0.1:${otlpPort}/v1/traces`, exited: false };
  void child.exited.then(() => { started.exited = true; });
  collectors[name] = started;
}

async function metricsOf(name: 'good' | 'wrong'): Promise<string> {
  const response = await fetch(collectors[name]!.metricsUrl, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** One sample's value from an exposition body (undefined when absent). */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  const t0 = Date.now();
  kafka = await startKafka({ partitions: 2, secure: true, log });
  secure = kafka.secure!;
  log(`secure broker up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // The topic made over SASL_SSL with PLAIN, as a collector configured so would connect.
  const admin = new Admin({ clientId: 'kafka-security-test', ...clientFrom(saslEnv('PLAIN')) });
  await admin.createTopics({ topics: [TOPIC], partitions: 2, replicas: 1 });
  await admin.close();
  await Promise.all([
    startCollector('good', saslEnv('SCRAM-SHA-512')),
    startCollector('wrong', saslEnv('SCRAM-SHA-512', 'not-the-password')),
    startApiRole(loadConfig({ ORRERY_ROLE: 'api', NEO4J_URI: inject('neo4jUri'), ORRERY_API_PORT: String(await freePort()), ORRERY_DEMO: '0', ORRERY_FLUSH_MS: '250' }), () => {})
      .then((role) => { api = role; }),
  ]);
  log(`collectors and API up at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, 300_000);

afterAll(async () => {
  await api?.stop();
  for (const c of Object.values(collectors)) await c?.process.stop(5000);
  await kafka?.stop();
});

describe('Kafka with TLS and SASL', () => {
  it('refuses a bad combination at start, exit 2, naming the variables and never the password', async () => {
    const run = promisify(execFile)(process.execPath, [join(repoRoot, 'tools/start.ts')], {
      env: {
        ...process.env, ORRERY_ROLE: 'collector', NEO4J_URI: inject('neo4jUri'), ORRERY_KAFKA_BROKERS: secure.saslSslBootstrap,
        ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_CA_FILE: join(repoRoot, 'no-such-ca.pem'), ORRERY_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', ORRERY_KAFKA_SASL_PASSWORD: secure.password,
      },
      timeout: 60_000,
    });
    const failure = (await run.then(() => undefined, (error: { code: number; stderr: string }) => error))!;
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/ORRERY_KAFKA_CA_FILE=.*no-such-ca\.pem cannot be read: ENOENT/);
    expect(failure.stderr).toMatch(/ORRERY_KAFKA_SASL_MECHANISM=SCRAM-SHA-512 needs ORRERY_KAFKA_SASL_USERNAME too/);
    expect(failure.stderr).not.toContain(secure.password);
  });

  it('connects with PLAIN, SCRAM-SHA-256 and mutual TLS through the settings a collector reads, and tells refusals apart', async () => {
    const listTopics = async (env: Record<string, string>) => {
      const admin = new Admin({ clientId: 'kafka-security-test', retries: 0, ...clientFrom(env) });
      try {
        return await admin.listTopics();
      } finally {
        await admin.close().catch(() => undefined);
      }
    };
    expect(await listTopics(saslEnv('PLAIN'))).toContain(TOPIC);
    expect(await listTopics(saslEnv('SCRAM-SHA-256'))).toContain(TOPIC);
    const mtls = { ORRERY_KAFKA_BROKERS: secure.mtlsBootstrap, ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_CA_FILE: secure.caFile };
    expect(await listTopics({ ...mtls, ORRERY_KAFKA_CERT_FILE: secure.clientCertFile, ORRERY_KAFKA_KEY_FILE: secure.clientKeyFile })).toContain(TOPIC);
    // Without a client certificate the listener closes the connection; without the CA the broker's certificate is not trusted.
    const refused = async (env: Record<string, string>) => explainKafkaError(await listTopics(env).then(() => undefined, (error: unknown) => error)).reason;
    expect(await refused(mtls)).toBe('network');
    const { ORRERY_KAFKA_CA_FILE: _, ...withoutCa } = saslEnv('SCRAM-SHA-512');
    expect(await refused(withoutCa)).toBe('tls');
    expect(await refused(saslEnv('SCRAM-SHA-256', 'wrong'))).toBe('authentication');
  });

  it('consumes OTLP from the topic into the graph with SCRAM-SHA-512 over TLS, and says so in the collector\'s /metrics', async () => {
    const traffic = generateHopTraffic({ spans: 2000, services: 8, spansPerRequest: 200, startMs: Date.now() - 60_000, seed: 31, prefix: PREFIX });
    const producer = new Producer({ clientId: 'kafka-security-test', ...clientFrom(saslEnv('SCRAM-SHA-256')) });
    const messages = kafkaMessages(traffic.requests);
    const messageCount = messages.length;
    try {
      for (let i = 0; i < messages.length; i += 200) {
        await producer.send({ messages: messages.slice(i, i + 200).map((m) => ({ topic: TOPIC, key: m.key, value: m.value })) });
      }
    } finally {
      await producer.close();
    }
    const sorted = (edges: ExpectedEdge[]) => [...edges].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    await eventually(async () => {
      const { dependencies } = await graphql<{ dependencies: Array<{ from: string; to: string; kind: string; calls: number; errors: number }> }>(
        api.apiUrl!, '{ dependencies(window: { last: "1h" }) { from to kind calls errors } }');
      const seen = dependencies.filter((d) => d.kind === 'SYNC' && d.from.startsWith(PREFIX)).map(({ from, to, calls, errors }) => ({ from, to, calls, errors }));
      expect(sorted(seen)).toEqual(sorted(traffic.expected));
    }, 90_000, 500);

    // /metrics needs the API token on the collector as on the API.
    expect((await fetch(collectors.good!.metricsUrl)).status).toBe(401);
    const body = await eventually(async () => {
      const text = await metricsOf('good');
      // Committed once written to Neo4j, and the lag check (every 10 s) has seen the commit. A lag
      // check from before the messages were produced also says 0, so it must also have seen them.
      const partitions = ['0', '1'].map((p) => `{topic="otlp_spans_secure",partition="${p}"}`);
      expect(partitions.reduce((sum, p) => sum + (sample(text, `orrery_kafka_end_offset${p}`) ?? 0), 0)).toBeGreaterThanOrEqual(messageCount);
      for (const p of partitions) expect(sample(text, `orrery_kafka_consumer_lag${p}`)).toBe(0);
      expect(sample(text, 'orrery_kafka_commits_total')).toBeGreaterThanOrEqual(1);
      return text;
    }, 60_000, 1000);
    expect(sample(body, 'orrery_kafka_connected')).toBe(1);
    expect(sample(body, 'orrery_kafka_spans_total')).toBe(traffic.spans);
    expect(sample(body, 'orrery_kafka_connection_failures_total{reason="authentication"}')).toBe(0);
    expect(sample(body, 'orrery_span_outcomes_total{outcome="pairedCall"}')).toBeGreaterThan(0);
    // A collector's read model holds its own share: the service graph is the API's to serve.
    expect(body).not.toContain('traces_service_graph_request_total');
  });

  it('refuses a wrong password with a clear error, counts and logs it, and the collector stays up', async () => {
    const wrong = collectors.wrong!;
    const body = await metricsOf('wrong');
    expect(sample(body, 'orrery_kafka_connection_failures_total{reason="authentication"}')).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'orrery_kafka_connected')).toBe(0);
    expect(sample(body, 'orrery_kafka_spans_total')).toBe(0);
    const output = wrong.process.outputTail();
    expect(output).toMatch(/the brokers refused SCRAM-SHA-512 authentication as "orrery": check ORRERY_KAFKA_SASL_USERNAME and ORRERY_KAFKA_SASL_PASSWORD/);
    expect(output).toMatch(/The client said: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/);
    expect(output).not.toContain('not-the-password');
    // Still running, still ingesting over OTLP.
    expect(wrong.exited).toBe(false);
    const otlp = await fetch(wrong.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans":[]}' });
    expect(otlp.status).toBe(200);
  });
});
