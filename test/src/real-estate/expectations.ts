// The graph the estate must give, edge by edge, written from the inference rules (the lead's
// rules in collector/src/inference/span-outcomes.ts and /work/shared briefs), not from what the
// code gives today. One function per shape: the whole estate (the integration test and its
// fixture) and each language's spans on their own (the conformance fixtures). Ports are random
// per run, so the expectations are built from the run.
//
// What each instrumentation sends per order (observed, and why it counts as it does):
// - node-orders (http, ioredis, pg, undici, amqplib): a root SERVER `POST` (client.address is an
//   IP: an entry point); ioredis CLIENT `get` and `set` (db.system.name=redis); pg CLIENT
//   `pg.query:INSERT estate` (a database call) and `pg-pool.connect`, plus once per process a
//   `pg.connect` inside the first `pg-pool.connect` (both db.system.name=postgresql with no
//   operation or query: connection management, not calls); undici CLIENT `POST` to java-inventory;
//   amqplib PRODUCER `publish <default>` (messaging.destination="", routing key in
//   messaging.rabbitmq.routing_key, no messaging.operation).
// - java-inventory (Java agent): SERVER `POST /reserve` (child of the undici span); JDBC CLIENT
//   `UPDATE estate.stock`; PRODUCER `<default> publish` (messaging.destination.name="<default>",
//   messaging.rabbitmq.destination.routing_key); and CLIENT `Channel.waitForConfirmsOrDie`, plus
//   once at start-up root CLIENT spans `queue.declare` and `confirm.select`: messaging.system=rabbitmq
//   with no operation and no destination, moving no message (bookkeeping, not publishes).
// - node-shipping (amqplib, pg): CONSUMER `shipments.requested process`, child of Java's PRODUCER,
//   with pg spans as node-orders has (its pg.connect once).
// - py-billing (pika, psycopg, requests): CONSUMER `orders.created receive` (messaging.destination
//   is the queue), child of node-orders' PRODUCER; psycopg CLIENT `INSERT`; requests CLIENT `POST`
//   to the ledger and to the payment gateway, children of the CONSUMER span (not folded: work done
//   while processing a message is the consumer's own). requests spans carry only http.url.
// - ledger (http) and ledger-db (its own TracerProvider): ledger's SERVER `POST`, child of
//   py-billing's requests span, and ledger-db's CLIENT `INSERT ledger_entries` (peer.service =
//   ledger-db, db.system=postgresql, no host), child of ledger's SERVER span.
// - payment-gateway: untraced; seen only through py-billing's CLIENT spans.
import type { EstateRun } from './estate.ts';
import { QUEUES, SERVICES } from './estate.ts';

export interface Dependency {
  from: string;
  to: string;
  kind: 'SYNC' | 'ASYNC' | 'PUBLISH' | 'CONSUME' | 'DATABASE';
  protocol: string;
  calls: number;
  errors: number;
}

/** Span outcome name (collector/src/inference/span-outcomes.ts) -> count. */
export type Outcomes = Record<string, number>;

export interface Expectation {
  dependencies: Dependency[];
  outcomes: Outcomes;
}

const edge = (from: string, to: string, kind: Dependency['kind'], protocol: string, calls: number): Dependency => ({ from, to, kind, protocol, calls, errors: 0 });

/** Both hosts are loopback on a random port: never a system's default, so the port is shown. */
export function names(run: EstateRun) {
  return {
    postgres: `postgresql://${run.postgres.host}:${run.postgres.port}/${run.postgres.database}`,
    redis: `redis://${run.redis.host}:${run.redis.port}`,
    paymentGateway: `127.0.0.1:${run.paymentGatewayPort}`,
    inventoryPeer: `127.0.0.1:${run.inventoryPort}`,
    ledgerPeer: `127.0.0.1:${run.ledgerPort}`,
  };
}

/** Every span from all six services. */
export function wholeEstate(run: EstateRun): Expectation {
  const n = run.runs;
  const to = names(run);
  return {
    dependencies: [
      edge(SERVICES.orders, to.redis, 'DATABASE', 'redis', 2 * n), // get + set
      edge(SERVICES.orders, to.postgres, 'DATABASE', 'postgresql', n), // the INSERT (pool checkouts are no calls)
      edge(SERVICES.orders, SERVICES.inventory, 'SYNC', 'http', n),
      edge(SERVICES.orders, QUEUES.ordersCreated, 'PUBLISH', 'rabbitmq', n),
      edge(QUEUES.ordersCreated, SERVICES.billing, 'CONSUME', 'rabbitmq', n),
      edge(SERVICES.orders, SERVICES.billing, 'ASYNC', 'rabbitmq', n),
      edge(SERVICES.inventory, to.postgres, 'DATABASE', 'postgresql', n),
      edge(SERVICES.inventory, QUEUES.shipmentsRequested, 'PUBLISH', 'rabbitmq', n),
      edge(QUEUES.shipmentsRequested, SERVICES.shipping, 'CONSUME', 'rabbitmq', n),
      edge(SERVICES.inventory, SERVICES.shipping, 'ASYNC', 'rabbitmq', n),
      edge(SERVICES.shipping, to.postgres, 'DATABASE', 'postgresql', n),
      edge(SERVICES.billing, to.postgres, 'DATABASE', 'postgresql', n),
      edge(SERVICES.billing, SERVICES.ledger, 'SYNC', 'http', n),
      edge(SERVICES.billing, to.paymentGateway, 'SYNC', 'http', n),
      edge(SERVICES.ledger, SERVICES.ledgerDb, 'DATABASE', 'postgresql', n),
    ],
    outcomes: {
      entryPoint: n, // node-orders' SERVER
      databaseCall: 6 * n, // orders 2 redis + 1 pg, inventory 1, shipping 1, billing 1
      connectionManagement: 2 * n + 2, // pg-pool.connect per query, one pg.connect per pg-instrumented process
      pairedCall: 4 * n, // undici + Java SERVER, requests + ledger SERVER
      callToVirtualPeer: n, // requests -> payment gateway
      published: 2 * n,
      consumed: 2 * n,
      messagingBookkeeping: n + 2, // waitForConfirmsOrDie per order; queue.declare, confirm.select
      parentChildCrossing: n, // ledger-db's CLIENT under ledger's SERVER
    },
  };
}

/** node-orders and node-shipping alone: Java's SERVER halves and producer spans are absent. */
export function nodeServices(run: EstateRun): Expectation {
  const n = run.runs;
  const to = names(run);
  return {
    dependencies: [
      edge(SERVICES.orders, to.redis, 'DATABASE', 'redis', 2 * n),
      edge(SERVICES.orders, to.postgres, 'DATABASE', 'postgresql', n),
      // server.address/server.port of the undici span; no instrumented callee answers.
      edge(SERVICES.orders, to.inventoryPeer, 'SYNC', 'http', n),
      edge(SERVICES.orders, QUEUES.ordersCreated, 'PUBLISH', 'rabbitmq', n),
      edge(QUEUES.shipmentsRequested, SERVICES.shipping, 'CONSUME', 'rabbitmq', n),
      edge(SERVICES.shipping, to.postgres, 'DATABASE', 'postgresql', n),
    ],
    outcomes: { entryPoint: n, databaseCall: 4 * n, connectionManagement: 2 * n + 2, callToVirtualPeer: n, published: n, consumed: n },
  };
}

/** py-billing alone: its producer and the ledger's SERVER halves are absent. */
export function pythonService(run: EstateRun): Expectation {
  const n = run.runs;
  const to = names(run);
  return {
    dependencies: [
      edge(QUEUES.ordersCreated, SERVICES.billing, 'CONSUME', 'rabbitmq', n),
      edge(SERVICES.billing, to.postgres, 'DATABASE', 'postgresql', n),
      // requests sends only http.url: the peer is its host and port.
      edge(SERVICES.billing, to.ledgerPeer, 'SYNC', 'http', n),
      edge(SERVICES.billing, to.paymentGateway, 'SYNC', 'http', n),
    ],
    outcomes: { consumed: n, databaseCall: n, callToVirtualPeer: 2 * n },
  };
}

/** py-billing with messaging.destination taken off its CONSUMER spans (hand-derived near miss). */
export function pythonConsumerWithoutDestination(run: EstateRun): Expectation {
  const whole = pythonService(run);
  return {
    dependencies: whole.dependencies.filter((d) => d.kind !== 'CONSUME'),
    outcomes: { messageWithoutDestination: run.runs, databaseCall: run.runs, callToVirtualPeer: 2 * run.runs },
  };
}

/** java-inventory alone: its callers' CLIENT spans are absent. */
export function javaService(run: EstateRun): Expectation {
  const n = run.runs;
  const to = names(run);
  return {
    dependencies: [
      edge(SERVICES.inventory, to.postgres, 'DATABASE', 'postgresql', n),
      edge(SERVICES.inventory, QUEUES.shipmentsRequested, 'PUBLISH', 'rabbitmq', n),
    ],
    // The SERVER spans' parent (node-orders' undici span) never arrives; client.address is an IP.
    outcomes: { serverWithoutClient: n, databaseCall: n, published: n, messagingBookkeeping: n + 2 },
  };
}

/** java-inventory's start-up spans only (queue.declare, confirm.select): no edge at all. */
export function javaStartupOnly(): Expectation {
  return { dependencies: [], outcomes: { messagingBookkeeping: 2 } };
}

/** ledger and ledger-db: a service and the component it traces under its own service.name. */
export function oneTracerProviderPerComponent(run: EstateRun): Expectation {
  const n = run.runs;
  return {
    dependencies: [edge(SERVICES.ledger, SERVICES.ledgerDb, 'DATABASE', 'postgresql', n)],
    outcomes: { serverWithoutClient: n, parentChildCrossing: n },
  };
}

/** ledger-db's spans without the ledger's: a component calling itself, never a self-loop. */
export function componentWithoutCaller(run: EstateRun): Expectation {
  return { dependencies: [], outcomes: { selfCall: run.runs } };
}

/** Every service but py-billing: its queue's messages are published and never seen consumed. */
export function wholeEstateWithoutBilling(run: EstateRun): Expectation {
  const n = run.runs;
  const whole = wholeEstate(run);
  return {
    dependencies: whole.dependencies.filter((d) => d.from !== SERVICES.billing && d.to !== SERVICES.billing),
    outcomes: {
      entryPoint: n,
      databaseCall: 5 * n,
      connectionManagement: 2 * n + 2,
      pairedCall: 2 * n, // undici + Java SERVER
      serverWithoutClient: n, // ledger's SERVER: its caller's span is gone
      published: 2 * n,
      consumed: n,
      messagingBookkeeping: n + 2,
      parentChildCrossing: n,
    },
  };
}
