// Records conformance fixtures (collector/fixtures/*.json) from real OpenTelemetry
// instrumentations: builds a small recorder program, runs it against real servers started here
// (PostgreSQL from Debian's package, a Kafka broker from Maven Central's jars), with every
// exporter pointed at startOtlpRecorder(), and writes the requests it received beside the
// graph they must give (written by hand below, to the rules in collector/README.md, never
// copied from what the collector computes). Near misses are derived from a recording by
// removing one service's spans, and say so.
//
//   node test/recorders/record.ts <shape>...     (shapes: see SHAPES; `all` for every one)
//   node test/recorders/record.ts --summary collector/fixtures/<fixture>.json
//
// Run by hand, not in CI: a first run downloads Go modules and Maven artefacts (minutes).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { finished, startProcess, type RunningProcess } from '../src/support/child-processes.ts';
import { freePort } from '../src/support/free-port.ts';
import { startOtlpRecorder } from '../src/support/otlp-recorder.ts';
import { startKafka } from '../src/support/kafka.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const fixturesDir = path.join(repoRoot, 'collector', 'fixtures');
const goDir = path.join(here, 'go');
const javaDir = path.join(here, 'java-kafka-grpc');
const javaTarget = path.join(javaDir, 'target');

const log = (line: string) => process.stderr.write(`[record] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// OTLP/JSON shapes (only what this file reads)

interface KeyValue { key: string; value: Record<string, unknown> }
interface JsonSpan {
  traceId: string; spanId: string; parentSpanId?: string; name: string; kind?: number;
  attributes?: KeyValue[]; links?: Array<{ traceId: string; spanId: string; attributes?: KeyValue[] }>;
  status?: { code?: number; message?: string };
}
interface ResourceSpans { resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ scope?: { name?: string; version?: string }; spans?: JsonSpan[] }> }
interface ExportRequest { resourceSpans?: ResourceSpans[] }

interface Dependency { from: string; to: string; kind: string; protocol: string; calls: number; errors: number; unconsumed?: number }
interface Expectation { dependencies: Dependency[]; components?: Array<{ name: string; kind: string; virtual: boolean }>; outcomes: Record<string, number> }
interface Fixture { description: string; requests: ExportRequest[]; expect: Expectation }

const serviceOf = (rs: ResourceSpans): string =>
  String(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '');

/** The recording without one service's spans (a near miss: that service is not traced). */
function withoutService(requests: ExportRequest[], service: string): ExportRequest[] {
  return requests
    .map((r) => ({ ...r, resourceSpans: (r.resourceSpans ?? []).filter((rs) => serviceOf(rs) !== service) }))
    .filter((r) => r.resourceSpans.length > 0);
}

function countSpans(requests: ExportRequest[], where: (service: string, span: JsonSpan) => boolean = () => true): number {
  let n = 0;
  for (const r of requests) for (const rs of r.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) if (where(serviceOf(rs), s)) n++;
  return n;
}

function attribute(span: JsonSpan, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Processes and servers

function otelEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // The recorder's own OTEL_* settings (if any) must not leak into the programs.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  return { ...inherited, ...extra };
}

function run(command: string, args: string[], cwd: string, what: string): void {
  log(`${what}: ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
}

async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not open port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A server process started here; stop() ends it and removes its data directory. */
interface LocalServer { port: number; stop(): Promise<void> }

/** A throwaway PostgreSQL (Debian's package) on a free loopback port, run as the postgres user. */
async function startPostgres(database: string): Promise<LocalServer & { dsn: string }> {
  const bin = ['17', '16', '15', '14'].map((v) => `/usr/lib/postgresql/${v}/bin`).find((dir) => existsSync(path.join(dir, 'postgres')));
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql');
  const dir = mkdtempSync(path.join(tmpdir(), 'orrery-recorder-pg-'));
  // PostgreSQL refuses to run as root: as root, run it as Debian's postgres user.
  const asUser = (command: string, args: string[]): [string, string[]] =>
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  if (process.getuid?.() === 0) {
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  }
  const data = path.join(dir, 'data');
  execFileSync(...asUser(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']), { stdio: 'ignore' });
  const port = await freePort();
  const [command, args] = asUser(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
  const server = startProcess({ name: 'postgres', command, args });
  await waitForPort(port, 30_000, 'PostgreSQL');
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database], { stdio: 'pipe' });
      break;
    } catch (error) {
      if (attempt > 20) throw error; // still starting up
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    port,
    dsn: `postgres://postgres@127.0.0.1:${port}/${database}?sslmode=disable`,
    stop: async () => {
      await server.stop(0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The classpath of the Java recorder programs: classes + Maven's list (the broker's own comes from test/src/support/kafka.ts). */
function javaClasspath(): string {
  return [path.join(javaTarget, 'classes'), readFileSync(path.join(javaTarget, 'classpath.txt'), 'utf8').trim()].join(path.delimiter);
}

/** A recorder program under the OpenTelemetry Java agent, configured only by OTEL_* variables. */
function javaUnderAgent(service: string, otlpBaseUrl: string, mainClass: string, args: string[], agentFlags: string[] = []): RunningProcess {
  return startProcess({
    name: service,
    command: 'java',
    args: [`-javaagent:${path.join(javaTarget, 'opentelemetry-javaagent.jar')}`, ...agentFlags, '-cp', javaClasspath(), `dev.orrery.recorders.${mainClass}`, ...args],
    env: otelEnv({
      OTEL_SERVICE_NAME: service,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpBaseUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// Shapes: what is run, and the graph the recording must give

interface Written { file: string; fixture: Fixture }

interface Shape {
  /** The fixture written (collector/fixtures/<name>.json); near misses derived from it are written too. */
  name: string;
  build(): void;
  record(): Promise<Written[]>;
}

function buildGo(): void {
  run('go', ['build', '-o', path.join(goDir, 'bin', 'recorder'), '.'], goDir, 'Building the Go recorder');
}

function buildJava(): void {
  run(path.join(javaDir, process.platform === 'win32' ? 'mvnw.cmd' : 'mvnw'), ['-q', '-B', 'package', '-DskipTests'], javaDir, 'Building the Java recorders');
}

/** The port a recorded CLIENT span of `service` called (server.port), e.g. for a virtual peer's name. */
function calledPort(requests: ExportRequest[], service: string): string {
  for (const r of requests) for (const rs of r.resourceSpans ?? []) {
    if (serviceOf(rs) !== service) continue;
    for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) {
      const port = attribute(s, 'server.port');
      if (s.kind === 3 && port !== undefined) return String(port);
    }
  }
  throw new Error(`no CLIENT span of ${service} with server.port in the recording`);
}

const goShape: Shape = {
  name: 'go-otelhttp-otelsql-otelgrpc',
  build: buildGo,
  async record() {
    const postgres = await startPostgres('shop');
    const recorder = await startOtlpRecorder();
    try {
      const program = startProcess({
        name: 'go-recorder',
        command: path.join(goDir, 'bin', 'recorder'),
        args: [],
        env: otelEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: recorder.tracesUrl, ORRERY_PG_DSN: postgres.dsn, ORRERY_RUNS: '4' }),
      });
      await finished(program, 120_000);
      const requests = recorder.requests() as ExportRequest[];
      const versions = 'otelhttp and otelgrpc 0.72.0, otelsql 0.44.0 over pgx/v5 stdlib, otel-go SDK 1.47.0 with otlptracehttp';
      const main: Fixture = {
        description:
          `Recorded from the official Go instrumentations (${versions}; test/recorders/go): one process, three TracerProviders. ` +
          'frontend (INTERNAL root span per run) calls orders through an otelhttp Transport; orders (otelhttp handler) reads PostgreSQL ' +
          'through otelsql (db.system.name only, as its README configures it: no server.address, so the database is named after its caller) ' +
          'and checks inventory with a grpc.health.v1 Check through otelgrpc stats handlers (new semconv: rpc.system.name). Four runs: ' +
          'run 3 queries a missing table (SQL error, HTTP 500), run 4 checks an unknown gRPC service (NOT_FOUND: an error on the client span only, HTTP 503).',
        requests,
        expect: {
          dependencies: [
            { from: 'frontend', to: 'orders', kind: 'SYNC', protocol: 'http', calls: 4, errors: 2 },
            { from: 'orders', to: 'inventory', kind: 'SYNC', protocol: 'grpc', calls: 3, errors: 1 },
            // otelsql's sql.conn.query spans are the calls (4, one failed); sql.connector.connect (1),
            // sql.conn.reset_session (3) and sql.rows (3) name no operation or query: connection management.
            { from: 'orders', to: 'postgresql://(orders)', kind: 'DATABASE', protocol: 'postgresql', calls: 4, errors: 1 },
          ],
          components: [
            { name: 'frontend', kind: 'SERVICE', virtual: false },
            { name: 'orders', kind: 'SERVICE', virtual: false },
            { name: 'inventory', kind: 'SERVICE', virtual: false },
            { name: 'postgresql://(orders)', kind: 'DATABASE', virtual: true },
          ],
          outcomes: { entryPoint: 4, pairedCall: 14, databaseCall: 4, connectionManagement: 7 },
        },
      };
      const withoutOrders = withoutService(requests, 'orders');
      const peer = `127.0.0.1:${calledPort(requests, 'frontend')}`;
      const nearMiss: Fixture = {
        description:
          `Near miss, derived by hand from ${goShape.name}.json by removing every span of orders (as if orders ran untraced): ` +
          `frontend's otelhttp CLIENT spans meet no SERVER span and go to the virtual peer ${peer} (server.address:server.port), ` +
          'and inventory\'s otelgrpc SERVER spans wait in vain for their parent (a CLIENT span of orders).',
        requests: withoutOrders,
        expect: {
          dependencies: [{ from: 'frontend', to: peer, kind: 'SYNC', protocol: 'http', calls: 4, errors: 2 }],
          outcomes: { entryPoint: 4, callToVirtualPeer: 4, serverWithoutClient: 3 },
        },
      };
      check(requests, 29);
      check(withoutOrders, 11);
      return [
        { file: `${goShape.name}.json`, fixture: main },
        { file: 'near-miss-go-otelhttp-callee-not-traced.json', fixture: nearMiss },
      ];
    } finally {
      await recorder.stop();
      await postgres.stop();
    }
  },
};

const KAFKA_MESSAGES = 3;
const AGENT = 'the OpenTelemetry Java agent 2.33.1 (kafka-clients-0.11 instrumentation) with kafka-clients 4.1.1';

/**
 * A producer (checkout) and a consumer (fulfilment) under the agent, against a fresh broker. The
 * consumer runs beside the producer (one poll per message, usually), or after it (`batch`: its
 * first poll returns every message).
 */
async function recordKafka(agentFlags: string[], batch: boolean): Promise<ExportRequest[]> {
  const kafka = await startKafka();
  const recorder = await startOtlpRecorder();
  try {
    const startConsumer = () => javaUnderAgent('fulfilment', recorder.baseUrl, 'KafkaConsumerApp', [kafka.bootstrap, 'orders.placed', String(KAFKA_MESSAGES), 'fulfilment'], agentFlags);
    const consumer = batch ? undefined : startConsumer();
    await consumer?.waitForLine(/^subscribed$/, 60_000);
    const producer = javaUnderAgent('checkout', recorder.baseUrl, 'KafkaProducerApp', [kafka.bootstrap, 'orders.placed', String(KAFKA_MESSAGES)], agentFlags);
    await finished(producer, 180_000);
    await finished(consumer ?? startConsumer(), 180_000);
    return recorder.requests() as ExportRequest[];
  } finally {
    await recorder.stop();
    await kafka.stop();
  }
}

const kafkaShape: Shape = {
  name: 'java-agent-kafka',
  build: buildJava,
  async record() {
    const requests = await recordKafka([], false);
    check(requests, 2 * KAFKA_MESSAGES);
    const main: Fixture = {
      description:
        `Recorded from ${AGENT}, default settings (test/recorders/java-kafka-grpc): checkout sends ${KAFKA_MESSAGES} records to topic ` +
        'orders.placed with KafkaProducer (a root PRODUCER span each, messaging.operation=publish, old semconv: no messaging.operation.type); ' +
        'fulfilment polls them with KafkaConsumer, and the agent wraps each record of the loop in a CONSUMER "orders.placed process" span ' +
        'that is the child of its PRODUCER span (same trace, no links). A real single-node KRaft broker.',
      requests,
      expect: {
        dependencies: [
          { from: 'checkout', to: 'orders.placed', kind: 'PUBLISH', protocol: 'kafka', calls: KAFKA_MESSAGES, errors: 0, unconsumed: 0 },
          { from: 'orders.placed', to: 'fulfilment', kind: 'CONSUME', protocol: 'kafka', calls: KAFKA_MESSAGES, errors: 0 },
          { from: 'checkout', to: 'fulfilment', kind: 'ASYNC', protocol: 'kafka', calls: KAFKA_MESSAGES, errors: 0 },
        ],
        components: [
          { name: 'checkout', kind: 'SERVICE', virtual: false },
          { name: 'fulfilment', kind: 'SERVICE', virtual: false },
          { name: 'orders.placed', kind: 'QUEUE', virtual: true },
        ],
        outcomes: { published: KAFKA_MESSAGES, consumed: KAFKA_MESSAGES },
      },
    };
    const producerOnly = withoutService(requests, 'fulfilment');
    const nearMiss: Fixture = {
      description:
        `Near miss, derived by hand from ${kafkaShape.name}.json by removing every span of fulfilment (the consumer is not traced, ` +
        `or never consumed): PUBLISH only, all ${KAFKA_MESSAGES} messages unconsumed, no CONSUME and no ASYNC edge.`,
      requests: producerOnly,
      expect: {
        dependencies: [{ from: 'checkout', to: 'orders.placed', kind: 'PUBLISH', protocol: 'kafka', calls: KAFKA_MESSAGES, errors: 0, unconsumed: KAFKA_MESSAGES }],
        outcomes: { published: KAFKA_MESSAGES },
      },
    };
    check(producerOnly, KAFKA_MESSAGES);
    return [
      { file: `${kafkaShape.name}.json`, fixture: main },
      { file: 'near-miss-java-agent-kafka-consumer-not-traced.json', fixture: nearMiss },
    ];
  },
};

const RECEIVE_TELEMETRY = '-Dotel.instrumentation.messaging.experimental.receive-telemetry.enabled=true';

const kafkaReceiveShape: Shape = {
  name: 'java-agent-kafka-receive-telemetry',
  build: buildJava,
  async record() {
    const requests = await recordKafka([RECEIVE_TELEMETRY], true);
    const receives = countSpans(requests, (_service, span) => attribute(span, 'messaging.operation') === 'receive');
    if (receives < 1) throw new Error('no receive span in the recording');
    check(requests, 2 * KAFKA_MESSAGES + receives);
    // The consumer starts once every message is on the topic: its first poll returns them all.
    if (receives !== 1) throw new Error(`the messages arrived over ${receives} polls; the expectation below assumes one: record again`);
    const main: Fixture = {
      description:
        `Recorded from ${AGENT}, with ${RECEIVE_TELEMETRY} (test/recorders/java-kafka-grpc): checkout sends ${KAFKA_MESSAGES} records ` +
        '(root PRODUCER spans), then fulfilment starts: its first poll() becomes a root CONSUMER "orders.placed receive" span (messaging.operation=receive, ' +
        `messaging.batch.message_count=${KAFKA_MESSAGES}) with no links, and each record a CONSUMER "orders.placed process" span, child of the ` +
        'receive span, linking to its PRODUCER span. Each message is consumed once: the process spans carry the producer references.',
      requests,
      expect: {
        dependencies: [
          { from: 'checkout', to: 'orders.placed', kind: 'PUBLISH', protocol: 'kafka', calls: KAFKA_MESSAGES, errors: 0, unconsumed: 0 },
          { from: 'orders.placed', to: 'fulfilment', kind: 'CONSUME', protocol: 'kafka', calls: KAFKA_MESSAGES, errors: 0 },
          { from: 'checkout', to: 'fulfilment', kind: 'ASYNC', protocol: 'kafka', calls: KAFKA_MESSAGES, errors: 0 },
        ],
        components: [{ name: 'orders.placed', kind: 'QUEUE', virtual: true }],
        // As in kafka-batch-receive-with-process-spans.json: the receive is the consumption, each
        // process span inside it the second span of one delivery.
        outcomes: { published: KAFKA_MESSAGES, consumed: 1, nestedSpan: KAFKA_MESSAGES },
      },
    };
    return [{ file: `${kafkaReceiveShape.name}.json`, fixture: main }];
  },
};

const QUOTES = ['teapot', 'kettle', 'unknown', 'broken'];

const grpcShape: Shape = {
  name: 'java-agent-grpc',
  build: buildJava,
  async record() {
    const recorder = await startOtlpRecorder();
    let server: RunningProcess | undefined;
    try {
      server = javaUnderAgent('pricing', recorder.baseUrl, 'GrpcServerApp', []);
      const port = /listening (\d+)/.exec(await server.waitForLine(/^listening \d+$/, 60_000))![1]!;
      await finished(javaUnderAgent('storefront', recorder.baseUrl, 'GrpcClientApp', [port, ...QUOTES]), 120_000);
      await server.stop(); // closes stdin: the server stops and the agent flushes
      const requests = recorder.requests() as ExportRequest[];
      check(requests, 2 * QUOTES.length);
      const main: Fixture = {
        description:
          'Recorded from the OpenTelemetry Java agent 2.33.1 (grpc-1.6 instrumentation) with grpc-java 1.85.1 (grpc-netty-shaded, grpc-stub; ' +
          'a hand-built MethodDescriptor orrery.pricing.Pricing/Quote with a String marshaller; test/recorders/java-kafka-grpc): storefront makes ' +
          `${QUOTES.length} blocking unary calls (root CLIENT spans, old semconv rpc.system=grpc, rpc.service, rpc.method=Quote, rpc.grpc.status_code) ` +
          'to pricing (SERVER spans, children of them). Call 3 answers NOT_FOUND (an error on the CLIENT span only: the agent leaves a SERVER span ' +
          'unset for NOT_FOUND), call 4 INTERNAL (an error on both).',
        requests,
        expect: {
          dependencies: [{ from: 'storefront', to: 'pricing', kind: 'SYNC', protocol: 'grpc', calls: QUOTES.length, errors: 2 }],
          components: [
            { name: 'storefront', kind: 'SERVICE', virtual: false },
            { name: 'pricing', kind: 'SERVICE', virtual: false },
          ],
          outcomes: { pairedCall: 2 * QUOTES.length },
        },
      };
      const clientOnly = withoutService(requests, 'pricing');
      const peer = `127.0.0.1:${port}`;
      const nearMiss: Fixture = {
        description:
          `Near miss, derived by hand from ${grpcShape.name}.json by removing every span of pricing (the server runs untraced): ` +
          `storefront's CLIENT spans go to the virtual peer ${peer} (server.address:server.port, before rpc.service), with the errors the client saw.`,
        requests: clientOnly,
        expect: {
          dependencies: [{ from: 'storefront', to: peer, kind: 'SYNC', protocol: 'grpc', calls: QUOTES.length, errors: 2 }],
          outcomes: { callToVirtualPeer: QUOTES.length },
        },
      };
      check(clientOnly, QUOTES.length);
      return [
        { file: `${grpcShape.name}.json`, fixture: main },
        { file: 'near-miss-java-agent-grpc-server-not-traced.json', fixture: nearMiss },
      ];
    } finally {
      await server?.stop(0);
      await recorder.stop();
    }
  },
};

const SHAPES: Shape[] = [goShape, kafkaShape, kafkaReceiveShape, grpcShape];

/** A recording with a different number of spans than the program makes would not fit its expectation. */
function check(requests: ExportRequest[], spans: number): void {
  const got = countSpans(requests);
  if (got !== spans) throw new Error(`recorded ${got} spans where ${spans} were expected: see --summary of the fixture, and the program's output`);
}

// ---------------------------------------------------------------------------------------------
// --summary: what a fixture's spans are, one line each (and every attribute of each new shape)

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

function summary(file: string): string {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Fixture | ExportRequest[];
  const requests = Array.isArray(data) ? data : data.requests;
  const rows: Array<JsonSpan & { service: string; scope: string; startTimeUnixNano?: string }> = [];
  for (const r of requests) for (const rs of r.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) {
    for (const s of ss.spans ?? []) rows.push({ ...s, service: serviceOf(rs), scope: `${ss.scope?.name ?? ''}@${ss.scope?.version ?? ''}` });
  }
  rows.sort((a, b) => (a.traceId + (a.startTimeUnixNano ?? '')).localeCompare(b.traceId + (b.startTimeUnixNano ?? '')));
  const short = (id?: string) => (id ? id.slice(-6) : '-');
  const value = (v: Record<string, unknown>) => JSON.stringify(Object.values(v)[0]);
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const s of rows) {
    const links = (s.links ?? []).map((l) => `${short(l.traceId)}/${short(l.spanId)}`).join(',');
    const status = s.status?.code ? ` status=${s.status.code === 2 ? 'ERROR' : 'OK'}${s.status.message ? `(${s.status.message.slice(0, 60)})` : ''}` : '';
    lines.push(`trace ${short(s.traceId)} span ${short(s.spanId)} parent ${short(s.parentSpanId)} [${s.service}] ${KINDS[s.kind ?? 0]} "${s.name}"${status}${links ? ` links=${links}` : ''}`);
    const shape = `${s.service}|${s.name}|${s.kind}|${s.status?.code ?? 0}`;
    if (!seen.has(shape)) lines.push(`    ${s.scope} ${(s.attributes ?? []).map((a) => `${a.key}=${value(a.value)}`).join(' ')}`);
    seen.add(shape);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(args: string[]): Promise<void> {
  if (args[0] === '--summary') {
    for (const file of args.slice(1)) console.log(`${file}\n${summary(file)}\n`);
    return;
  }
  const wanted = args.includes('all') ? SHAPES : SHAPES.filter((s) => args.includes(s.name));
  if (wanted.length === 0 || wanted.length < args.filter((a) => a !== 'all').length) {
    console.error(`usage: node test/recorders/record.ts <shape>... | all | --summary <fixture.json>...\nshapes: ${SHAPES.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const built = new Set<Shape['build']>();
  for (const shape of wanted) {
    if (!built.has(shape.build)) {
      const startedAt = Date.now();
      shape.build();
      built.add(shape.build);
      log(`built in ${Math.round((Date.now() - startedAt) / 1000)} s`);
    }
    const startedAt = Date.now();
    log(`recording ${shape.name}`);
    for (const { file, fixture } of await shape.record()) {
      writeFileSync(path.join(fixturesDir, file), `${JSON.stringify(fixture, null, 1)}\n`);
      log(`wrote collector/fixtures/${file} (${countSpans(fixture.requests)} spans in ${fixture.requests.length} requests)`);
    }
    log(`recorded ${shape.name} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  }
}

await main(process.argv.slice(2));
