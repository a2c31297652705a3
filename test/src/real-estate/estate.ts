// The real-instrumentation estate: six processes in three languages, traced by the official
// OpenTelemetry instrumentations and configured only by OTEL_* variables, against real
// PostgreSQL, Redis and RabbitMQ. One order crosses all of them:
//
//   (untraced driver) --HTTP--> node-orders                       pg, ioredis, amqplib, undici
//       node-orders --fetch--> java-inventory                     Java agent: HTTP server, JDBC, amqp-client
//           java-inventory --RabbitMQ `shipments.requested`--> node-shipping (amqplib consume, pg)
//       node-orders --RabbitMQ `orders.created`--> py-billing     pika consume, psycopg, requests
//           py-billing --requests--> ledger                       http + its own TracerProvider `ledger-db`
//           py-billing --requests--> payment gateway              a partner API that reports no traces
//
// Both handoffs go through RabbitMQ's default exchange (exchange "", routing key = queue).
// runEstate() runs the order a fixed number of times and stops every service (each flushes its
// spans on the way out); the test and the recorder only differ in where the spans go.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as PgTypes from 'pg';
import { startProcess, type RunningProcess } from '../support/child-processes.ts';
import { startPostgres, startRabbitMq, startRedis, type PostgresServer, type RabbitMqServer, type RedisServer } from '../support/debian-services.ts';
import { ensureJavaAgent, ensurePythonOtel, interopJavaClasspath, javaCommand, opentelemetryInstrument } from '../interop/toolchains.ts';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeTracing = path.join(here, 'node', 'tracing.ts');

/** Service names, as each sends them in its resource's service.name. */
export const SERVICES = {
  orders: 'node-orders',
  shipping: 'node-shipping',
  inventory: 'java-inventory',
  billing: 'py-billing',
  ledger: 'ledger',
  ledgerDb: 'ledger-db',
} as const;

export const QUEUES = { ordersCreated: 'orders.created', shipmentsRequested: 'shipments.requested' } as const;

const DATABASE = 'estate';
// A JVM with the agent attached takes several seconds to start on a small machine.
const startTimeoutMs = 120_000;
const handledTimeoutMs = 60_000;

export interface BackingServers {
  postgres: PostgresServer;
  redis: RedisServer;
  rabbitmq: RabbitMqServer;
  stop(): Promise<void>;
}

/** PostgreSQL, Redis and RabbitMQ from Debian's packages (installed on first use), in parallel. */
export async function startBackingServers(): Promise<BackingServers> {
  const started = await Promise.allSettled([startPostgres({ database: DATABASE }), startRedis(), startRabbitMq()]);
  const stopAll = () => Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined))).then(() => undefined);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  const [postgres, redis, rabbitmq] = started.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [PostgresServer, RedisServer, RabbitMqServer];
  return { postgres, redis, rabbitmq, stop: stopAll };
}

export interface Toolchains {
  python: string;
  javaAgent: string;
}

/** The Python venv and the Java agent build (interop's toolchains, installed once per machine). */
export async function prepareToolchains(): Promise<Toolchains> {
  const [python, javaAgent] = await Promise.all([ensurePythonOtel(), ensureJavaAgent()]);
  return { python, javaAgent };
}

export interface EstateRun {
  runs: number;
  postgres: { host: string; port: number; database: string };
  redis: { host: string; port: number };
  /** The port of the untraced payment gateway (its virtual peer is `127.0.0.1:<port>`). */
  paymentGatewayPort: number;
  /** Ports of java-inventory and the ledger: their callers' spans name them by these. */
  inventoryPort: number;
  ledgerPort: number;
  /** Milliseconds from the first service's start until every service had exited. */
  durationMs: number;
}

export interface RunEstateOptions {
  servers: BackingServers;
  toolchains: Toolchains;
  /** Base OTLP/HTTP URL (OTEL_EXPORTER_OTLP_ENDPOINT), without /v1/traces. */
  otlpEndpoint: string;
  runs: number;
  /**
   * OTEL_BSP_SCHEDULE_DELAY for every service: short for a live collector; long when recording,
   * so that each service (each TracerProvider) sends one export request, at its exit.
   */
  exportDelayMs?: number;
  log?: (line: string) => void;
}

async function createSchema(postgres: PostgresServer): Promise<void> {
  const client: PgTypes.Client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    await client.query(`
      DROP TABLE IF EXISTS orders, stock, invoices, shipments, ledger_entries;
      CREATE TABLE orders (id text PRIMARY KEY, sku text NOT NULL, quantity int NOT NULL, price int NOT NULL);
      CREATE TABLE stock (sku text PRIMARY KEY, reserved int NOT NULL DEFAULT 0);
      CREATE TABLE invoices (order_id text PRIMARY KEY, amount int NOT NULL);
      CREATE TABLE shipments (order_id text PRIMARY KEY, sku text NOT NULL, quantity int NOT NULL);
      CREATE TABLE ledger_entries (order_id text PRIMARY KEY, amount int NOT NULL);
      INSERT INTO stock (sku) VALUES ('sku-1');
    `);
  } finally {
    await client.end();
  }
}

/** Runs the estate: every service started, `runs` orders placed and fully handled, every service stopped. */
export async function runEstate(options: RunEstateOptions): Promise<EstateRun> {
  const { servers, toolchains, runs } = options;
  const log = options.log ?? (() => {});
  await createSchema(servers.postgres);

  const running: RunningProcess[] = [];
  const startedAt = performance.now();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  const settings = {
    DATABASE_URL: servers.postgres.url,
    REDIS_URL: servers.redis.url,
    AMQP_URL: servers.rabbitmq.url,
    JDBC_URL: `jdbc:postgresql://${servers.postgres.host}:${servers.postgres.port}/${servers.postgres.database}?user=${servers.postgres.user}`,
  };
  const otel = (serviceName: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...inherited,
    ...settings,
    ...(serviceName === undefined
      ? {}
      : {
          OTEL_SERVICE_NAME: serviceName,
          OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_BSP_SCHEDULE_DELAY: String(options.exportDelayMs ?? 200),
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
        }),
    ...extra,
  });
  const start = async (name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ process: RunningProcess; port: number }> => {
    const child = startProcess({ name, command, args, env, cwd: here });
    running.push(child);
    const line = await child.waitForLine(/^READY \d+$/, startTimeoutMs);
    log(`${name} ready after ${Math.round(performance.now() - startedAt)} ms`);
    return { process: child, port: Number(line.split(' ')[1]) };
  };
  const node = (file: string, traced: boolean) => [...(traced ? ['--import', nodeTracing] : []), path.join(here, 'node', file)];

  try {
    const [gateway, ledger, inventory, shipping] = await Promise.all([
      start('payment-gateway', process.execPath, node('payment-gateway.ts', false), otel(undefined)),
      start(SERVICES.ledger, process.execPath, node('ledger.ts', true), otel(SERVICES.ledger, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http' })),
      start(SERVICES.inventory, javaCommand(), [`-javaagent:${toolchains.javaAgent}`, '-cp', interopJavaClasspath, 'dev.orrery.realestate.Inventory'], otel(SERVICES.inventory)),
      start(SERVICES.shipping, process.execPath, node('shipping.ts', true), otel(SERVICES.shipping)),
    ]);
    const [billing, orders] = await Promise.all([
      start(SERVICES.billing, opentelemetryInstrument(toolchains.python), [toolchains.python, path.join(here, 'python', 'billing.py')],
        otel(SERVICES.billing, { LEDGER_URL: `http://127.0.0.1:${ledger.port}`, PAYMENT_GATEWAY_URL: `http://127.0.0.1:${gateway.port}` })),
      start(SERVICES.orders, process.execPath, node('orders.ts', true), otel(SERVICES.orders, { INVENTORY_URL: `http://127.0.0.1:${inventory.port}` })),
    ]);

    for (let i = 1; i <= runs; i++) {
      const response = await fetch(`http://127.0.0.1:${orders.port}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: `order-${i}`, sku: 'sku-1', quantity: 1 }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`order ${i}: node-orders answered ${response.status}; output:\n${orders.process.outputTail()}`);
    }
    await Promise.all([waitForHandled(billing.process, runs), waitForHandled(shipping.process, runs)]);
    log(`${runs} orders handled after ${Math.round(performance.now() - startedAt)} ms`);

    // Producers first, so nothing is in flight when the consumers leave; every service flushes
    // its spans as it exits.
    await stopAll([orders.process, inventory.process]);
    await stopAll([billing.process, shipping.process, ledger.process, gateway.process]);
    return {
      runs,
      postgres: { host: servers.postgres.host, port: servers.postgres.port, database: servers.postgres.database },
      redis: { host: servers.redis.host, port: servers.redis.port },
      paymentGatewayPort: gateway.port,
      inventoryPort: inventory.port,
      ledgerPort: ledger.port,
      durationMs: Math.round(performance.now() - startedAt),
    };
  } finally {
    await Promise.all(running.map((child) => child.stop(5_000)));
  }
}

async function waitForHandled(consumer: RunningProcess, runs: number): Promise<void> {
  const deadline = Date.now() + handledTimeoutMs;
  while (consumer.stdoutLines().filter((line) => line.startsWith('HANDLED ')).length < runs) {
    if (Date.now() > deadline) throw new Error(`${consumer.name} handled fewer than ${runs} messages within ${handledTimeoutMs} ms; output:\n${consumer.outputTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopAll(processes: RunningProcess[]): Promise<void> {
  await Promise.all(processes.map((child) => child.stop(20_000)));
  for (const child of processes) {
    const { code, signal } = await child.exited;
    if (code !== 0) throw new Error(`${child.name} did not exit cleanly (code ${code}, signal ${signal}); output:\n${child.outputTail()}`);
  }
}
