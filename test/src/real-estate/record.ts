// Record mode: `node test/src/real-estate/record.ts` runs the estate against the OTLP recorder
// (test/src/support/otlp-recorder.ts) instead of a collector and writes, per instrumentation
// shape, a scenario fixture into collector/fixtures/: the requests as the real exporters sent
// them (each service sends one request at its exit), the graph they must give (expectations.ts)
// and, where one is natural, a near miss derived by hand from the recording. Ports in the traces
// are random; the expectations carry them. Run once; commit the fixtures.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOtlpRecorder } from '../support/otlp-recorder.ts';
import { prepareToolchains, runEstate, SERVICES, startBackingServers, type EstateRun } from './estate.ts';
import * as expected from './expectations.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const fixtures = path.join(repoRoot, 'collector', 'fixtures');

/** Few orders keep fixtures readable; two show what happens once per process and what per order. */
const RUNS = 2;

interface Span {
  name: string;
  kind?: number;
  parentSpanId?: string;
  attributes?: Array<{ key: string; value: unknown }>;
}
interface Request {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ scope?: unknown; spans: Span[] }>;
  }>;
}

const serviceOf = (block: Request['resourceSpans'][number]) => block.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;

/** The requests holding the given services' spans, as recorded (one service per request here). */
function only(requests: Request[], services: string[]): Request[] {
  return structuredClone(requests)
    .map((request) => ({ ...request, resourceSpans: request.resourceSpans.filter((block) => services.includes(serviceOf(block) ?? '')) }))
    .filter((request) => request.resourceSpans.length > 0);
}

/** Applies `change` to every span, dropping those for which it returns false. */
function editSpans(requests: Request[], change: (span: Span, service: string) => boolean): Request[] {
  const copy = structuredClone(requests);
  for (const request of copy) {
    for (const block of request.resourceSpans) {
      for (const scope of block.scopeSpans) scope.spans = scope.spans.filter((span) => change(span, serviceOf(block) ?? ''));
      block.scopeSpans = block.scopeSpans.filter((scope) => scope.spans.length > 0);
    }
    request.resourceSpans = request.resourceSpans.filter((block) => block.scopeSpans.length > 0);
  }
  return copy.filter((request) => request.resourceSpans.length > 0);
}

type Versions = Record<'node' | 'python' | 'java', string>;

/** The instrumentations' versions, for the fixtures' descriptions. */
function versions(): Versions {
  const npm = (name: string) => (JSON.parse(readFileSync(path.join(repoRoot, 'test', 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  const pins = readFileSync(path.join(repoRoot, 'test', 'src', 'interop', 'python', 'requirements.txt'), 'utf8');
  const pip = (name: string) => new RegExp(`^${name}==(\\S+)$`, 'm').exec(pins)?.[1] ?? '?';
  const pom = readFileSync(path.join(repoRoot, 'test', 'interop-java', 'pom.xml'), 'utf8');
  const agent = /<opentelemetry-javaagent.version>([^<]+)</.exec(pom)?.[1] ?? '?';
  return {
    node: `@opentelemetry/sdk-node ${npm('@opentelemetry/sdk-node')}, instrumentation-http ${npm('@opentelemetry/instrumentation-http')}, -undici ${npm('@opentelemetry/instrumentation-undici')}, -pg ${npm('@opentelemetry/instrumentation-pg')}, -ioredis ${npm('@opentelemetry/instrumentation-ioredis')}, -amqplib ${npm('@opentelemetry/instrumentation-amqplib')}`,
    python: `opentelemetry-sdk ${pip('opentelemetry-sdk')}, opentelemetry-instrumentation-pika/-psycopg/-requests ${pip('opentelemetry-instrumentation-pika')}`,
    java: `OpenTelemetry Java agent ${agent}`,
  };
}

interface FixtureSpec {
  file: string;
  description: (v: Versions) => string;
  requests: (all: Request[]) => Request[];
  expect: (run: EstateRun) => expected.Expectation;
}

const recordedBy = 'Recorded by `node test/src/real-estate/record.ts` (real PostgreSQL, Redis and RabbitMQ from Debian, loopback ports chosen at random)';

const SPECS: FixtureSpec[] = [
  {
    file: 'real-estate-node-python-java.json',
    description: (v) =>
      `The whole real-instrumentation estate, ${RUNS} orders: node-orders (${v.node}) calls java-inventory (${v.java}: HTTP server, JDBC, RabbitMQ publish) ` +
      `and publishes to the default exchange for py-billing (${v.python}: pika consume, psycopg, requests to the ledger and to an untraced payment gateway); ` +
      `java-inventory publishes for node-shipping (amqplib consume, pg); the ledger traces its database client under its own service.name ledger-db. ${recordedBy}.`,
    requests: (all) => all,
    expect: expected.wholeEstate,
  },
  {
    file: 'near-miss-real-estate-without-py-billing.json',
    description: () =>
      `Near miss of real-estate-node-python-java.json, derived by hand: the same recording with py-billing's requests removed, as if the consumer of orders.created ` +
      `reported nowhere. node-orders still publishes (PUBLISH stays), but no CONSUME or ASYNC edge to py-billing and none of its calls exist; the ledger's SERVER spans lose their client.`,
    requests: (all) => only(all, Object.values(SERVICES).filter((s) => s !== SERVICES.billing)),
    expect: expected.wholeEstateWithoutBilling,
  },
  {
    file: 'node-amqplib-pg-ioredis-undici.json',
    description: (v) =>
      `Node's official instrumentations (${v.node}) on node-orders (http server, ioredis get/set, pg through a Pool, fetch, amqplib publish to the default exchange: ` +
      `messaging.destination "" with the queue in messaging.rabbitmq.routing_key) and node-shipping (amqplib consume, pg); their Java peer's spans are not included, ` +
      `so fetch's calls go to a virtual peer named by server.address:server.port and the consumer has no producer. pg-pool.connect spans are database calls; ` +
      `the pool's one pg.connect per process is nested in one. ${recordedBy}.`,
    requests: (all) => only(all, [SERVICES.orders, SERVICES.shipping]),
    expect: expected.nodeServices,
  },
  {
    file: 'python-pika-psycopg-requests.json',
    description: (v) =>
      `Python under opentelemetry-instrument (${v.python}): a pika CONSUMER "orders.created receive" (messaging.destination = the queue), and as its children a psycopg INSERT ` +
      `and two requests CLIENT spans carrying only http.url (old semantic conventions): to the ledger and to a payment gateway, both virtual peers here since their SERVER halves ` +
      `are not included. Calls made while processing a message are the consumer's own edges, never folded. ${recordedBy}.`,
    requests: (all) => only(all, [SERVICES.billing]),
    expect: expected.pythonService,
  },
  {
    file: 'near-miss-python-pika-consumer-without-destination.json',
    description: () =>
      `Near miss of python-pika-psycopg-requests.json, derived by hand: messaging.destination removed from the pika CONSUMER spans. With no destination and no producer ` +
      `the CONSUMER makes no edge (counted as messageWithoutDestination); the database and HTTP calls made while processing are unchanged.`,
    requests: (all) =>
      editSpans(only(all, [SERVICES.billing]), (span) => {
        if (span.kind === 5) span.attributes = (span.attributes ?? []).filter((a) => a.key !== 'messaging.destination');
        return true;
      }),
    expect: expected.pythonConsumerWithoutDestination,
  },
  {
    file: 'java-agent-jdbc-rabbitmq.json',
    description: (v) =>
      `The ${v.java} on java-inventory: java-http-server SERVER "POST /reserve" (its caller's span not included), a JDBC CLIENT "UPDATE estate.stock" ` +
      `(db.system, db.name, server.address/port, db.connection_string), a RabbitMQ PRODUCER "<default> publish" (messaging.destination.name "<default>", ` +
      `routing key in messaging.rabbitmq.destination.routing_key, messaging.operation "publish"), and RabbitMQ CLIENT spans that move no message: ` +
      `"Channel.waitForConfirmsOrDie" per request and, at start-up, root "queue.declare" and "confirm.select" (messaging.system only, no operation, no destination). ${recordedBy}.`,
    requests: (all) => only(all, [SERVICES.inventory]),
    expect: expected.javaService,
  },
  {
    file: 'near-miss-java-agent-rabbitmq-startup-only.json',
    description: () =>
      `Near miss of java-agent-jdbc-rabbitmq.json, derived by hand: only the start-up spans, root RabbitMQ CLIENT "queue.declare" and "confirm.select" ` +
      `(messaging.system=rabbitmq, no operation, no destination), as a service sends that declared its queue and never served a request. They move no message: no PUBLISH edge.`,
    requests: (all) => editSpans(only(all, [SERVICES.inventory]), (span) => span.parentSpanId === undefined && span.kind === 3),
    expect: expected.javaStartupOnly,
  },
  {
    file: 'one-tracer-provider-per-component.json',
    description: () =>
      `A service that traces its database client under its own service.name, as Jaeger's HotROD does: the ledger's SERVER spans (Node http instrumentation; its caller's ` +
      `span not included) and, from a second TracerProvider with service.name ledger-db, one CLIENT span per query with peer.service=ledger-db and db.system=postgresql, ` +
      `child of the SERVER span. No SERVER half answers it: the parent's service depends on the component (DATABASE, protocol postgresql), never ledger-db -> ledger-db. ${recordedBy}.`,
    requests: (all) => only(all, [SERVICES.ledger, SERVICES.ledgerDb]),
    expect: expected.oneTracerProviderPerComponent,
  },
  {
    file: 'near-miss-one-tracer-provider-component-without-caller.json',
    description: () =>
      `Near miss of one-tracer-provider-per-component.json, derived by hand: only ledger-db's spans (the ledger's TracerProvider reported nowhere). ` +
      `A CLIENT span whose peer.service is its own service, with no caller in another service, is the component calling itself: no edge, never a self-loop.`,
    requests: (all) => only(all, [SERVICES.ledgerDb]),
    expect: expected.componentWithoutCaller,
  },
];

const started = performance.now();
const [servers, toolchains] = await Promise.all([startBackingServers(), prepareToolchains()]);
const recorder = await startOtlpRecorder();
try {
  const run = await runEstate({ servers, toolchains, otlpEndpoint: recorder.baseUrl, runs: RUNS, exportDelayMs: 60_000, log: (line) => process.stderr.write(`[record] ${line}\n`) });
  const all = recorder.requests() as Request[];
  process.stderr.write(`[record] ${recorder.spanCount()} spans in ${all.length} requests\n`);
  const v = versions();
  for (const spec of SPECS) {
    const { dependencies, outcomes } = spec.expect(run);
    const fixture = { description: spec.description(v), requests: spec.requests(all), expect: { dependencies, outcomes } };
    writeFileSync(path.join(fixtures, spec.file), `${JSON.stringify(fixture, null, 1)}\n`);
    process.stderr.write(`[record] wrote collector/fixtures/${spec.file}\n`);
  }
  process.stderr.write(`[record] done in ${Math.round((performance.now() - started) / 1000)} s\n`);
} finally {
  await recorder.stop();
  await servers.stop();
}
