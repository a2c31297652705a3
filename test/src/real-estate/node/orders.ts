// node-orders: the estate's entry point. POST /orders {orderId, sku, quantity} reads and writes
// the price cache in Redis (ioredis), inserts the order into PostgreSQL (pg), reserves stock at
// java-inventory over HTTP (fetch, i.e. undici) and hands the order to billing through RabbitMQ
// (amqplib, the default exchange with routing key `orders.created`). Traced only by tracing.ts.
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Amqp from 'amqplib';
import type * as IORedis from 'ioredis';
import type * as Pg from 'pg';
import { announce, closeOnStdinEnd, load, readJson, setting } from './service-life.ts';

const http = load('node:http') as typeof Http;
const { Pool } = load('pg') as typeof Pg;
const { Redis } = load('ioredis') as typeof IORedis;
const amqp = load('amqplib') as typeof Amqp;

const ORDERS_QUEUE = 'orders.created';

// Idle connections are kept: a reconnect would add a pg.connect span at a time no test can predict.
const db = new Pool({ connectionString: setting('DATABASE_URL'), max: 2, idleTimeoutMillis: 0 });
const cache = new Redis(setting('REDIS_URL'), { lazyConnect: true, maxRetriesPerRequest: 1 });
const inventoryUrl = setting('INVENTORY_URL');
const broker = await amqp.connect(setting('AMQP_URL'));
const channel = await broker.createConfirmChannel();
await channel.assertQueue(ORDERS_QUEUE, { durable: true });
await cache.connect();

async function placeOrder(order: { orderId: string; sku: string; quantity: number }): Promise<void> {
  const priceKey = `price:${order.sku}`;
  const cached = await cache.get(priceKey);
  const price = cached === null ? 42 : Number(cached);
  await cache.set(priceKey, String(price), 'EX', 3600);
  await db.query('INSERT INTO orders (id, sku, quantity, price) VALUES ($1, $2, $3, $4)', [order.orderId, order.sku, order.quantity, price]);
  const reserved = await fetch(`${inventoryUrl}/reserve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order),
  });
  if (!reserved.ok) throw new Error(`java-inventory answered ${reserved.status}`);
  await reserved.arrayBuffer();
  // The default exchange routes by queue name: the exchange is "", the routing key the queue.
  channel.sendToQueue(ORDERS_QUEUE, Buffer.from(JSON.stringify({ ...order, amount: price * order.quantity })), { persistent: true, contentType: 'application/json' });
  await channel.waitForConfirms();
}

const server = http.createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/orders') {
    response.writeHead(404).end();
    return;
  }
  readJson(request)
    .then((body) => placeOrder({ orderId: String(body.orderId), sku: String(body.sku), quantity: Number(body.quantity) }))
    .then(
      () => response.writeHead(201, { 'content-type': 'application/json' }).end('{"status":"placed"}'),
      (error: unknown) => {
        process.stderr.write(`order failed: ${String(error)}\n`);
        response.writeHead(500).end();
      },
    );
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => announce(`READY ${(server.address() as AddressInfo).port}`));

closeOnStdinEnd(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await channel.close();
  await broker.close();
  cache.disconnect();
  await db.end();
});
