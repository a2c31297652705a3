// Against a real HTTP server on loopback: what a receiver that fails, refuses or is slow gets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryQueue } from './http-delivery.ts';

let server: Server;
let url: string;
const received: Array<{ path: string; body: unknown }> = [];
/** Status codes to answer the next requests with, in order; 200 once empty. */
const answers: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url!, body: body ? JSON.parse(body) : undefined });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"ok":true}' : '{"error":"nope"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const logs: string[] = [];
const queue = (over: Parameters<typeof createDeliveryQueue>[0] extends infer O ? Partial<O> : never = {}) =>
  createDeliveryQueue({ name: 'test', log: (line) => logs.push(line), backoffMs: 5, ...over });

describe('delivery queue', () => {
  it('retries a failing receiver with backoff until it answers, in order, and hands JSON answers to the job', async () => {
    received.length = 0;
    answers.push(503, 500);
    const q = queue();
    const answersSeen: unknown[] = [];
    q.send('first', async (request) => void answersSeen.push((await request('POST', `${url}/a`, { n: 1 })).body));
    q.send('second', async (request) => void (await request('POST', `${url}/b`, { n: 2 })));
    await q.idle();
    expect(received.map((r) => r.path)).toEqual(['/a', '/a', '/a', '/b']);
    expect(answersSeen).toEqual([{ ok: true }]);
    expect(q.stats()).toMatchObject({ sent: 2, retried: 2, failed: 0, dropped: 0, queued: 0 });
  });

  it('does not retry a refusal (4xx other than 429), and gives up after the last attempt', async () => {
    received.length = 0;
    logs.length = 0;
    answers.push(400, 503, 503, 503);
    const q = queue({ attempts: 3 });
    q.send('refused', async (request) => void (await request('POST', `${url}/r`, {})));
    q.send('down', async (request) => void (await request('POST', `${url}/d`, {})));
    await q.idle();
    expect(received.map((r) => r.path)).toEqual(['/r', '/d', '/d', '/d']);
    expect(q.stats()).toMatchObject({ sent: 0, failed: 2, retried: 2, lastError: expect.stringContaining('HTTP 503') });
    expect(logs).toEqual([
      expect.stringMatching(/^alert receiver test: refused not delivered: POST .*\/r: HTTP 400 .*\(not retried\)$/),
      expect.stringMatching(/^alert receiver test: down not delivered after 3 attempts: POST .*\/d: HTTP 503/),
    ]);
  });

  it('counts a receiver nobody listens on as failed, and drops the oldest job when the queue is full', async () => {
    const q = queue({ attempts: 2, maxQueued: 2 });
    for (const n of [1, 2, 3, 4]) q.send(`job ${n}`, async (request) => void (await request('POST', 'http://127.0.0.1:9/nothing', { n })));
    await q.idle();
    expect(q.stats()).toMatchObject({ dropped: 1, failed: 3, sent: 0 });
  });

  it('stops retrying at shutdown and drops what is left after the deadline', async () => {
    const q = queue({ attempts: 10, backoffMs: 60_000 });
    q.send('stuck', async (request) => void (await request('POST', 'http://127.0.0.1:9/nothing', {})));
    q.send('behind', async () => new Promise<void>(() => {}));
    q.send('never', async () => {});
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await q.stop(200);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(q.stats()).toMatchObject({ failed: 1, dropped: 1 });
  });
});
