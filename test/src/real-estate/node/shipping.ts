// node-shipping: consumes `shipments.requested` (published by java-inventory on the default
// exchange) with amqplib and records each shipment in PostgreSQL with pg. Prints
// `HANDLED <orderId>` per message once it is acknowledged. Traced only by tracing.ts.
import type * as Amqp from 'amqplib';
import type * as Pg from 'pg';
import { announce, closeOnStdinEnd, load, setting } from './service-life.ts';

const { Pool } = load('pg') as typeof Pg;
const amqp = load('amqplib') as typeof Amqp;

const SHIPMENTS_QUEUE = 'shipments.requested';

// Idle connections are kept: a reconnect would add a pg.connect span at a time no test can predict.
const db = new Pool({ connectionString: setting('DATABASE_URL'), max: 2, idleTimeoutMillis: 0 });
const broker = await amqp.connect(setting('AMQP_URL'));
const channel = await broker.createChannel();
await channel.assertQueue(SHIPMENTS_QUEUE, { durable: true });
await channel.prefetch(1);

const { consumerTag } = await channel.consume(SHIPMENTS_QUEUE, (message) => {
  if (!message) return;
  const { orderId, sku, quantity } = JSON.parse(message.content.toString('utf8')) as { orderId: string; sku: string; quantity: number };
  db.query('INSERT INTO shipments (order_id, sku, quantity) VALUES ($1, $2, $3)', [orderId, sku, quantity]).then(
    () => {
      channel.ack(message);
      announce(`HANDLED ${orderId}`);
    },
    (error: unknown) => {
      process.stderr.write(`shipment ${orderId} failed: ${String(error)}\n`);
      channel.nack(message, false, false);
    },
  );
});
announce('READY 0');

closeOnStdinEnd(async () => {
  await channel.cancel(consumerTag);
  await channel.close();
  await broker.close();
  await db.end();
});
