// The receiver behind a real node:http server on a free port: push-back answers and routing.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Span } from '../model/span.ts';
import { createOtlpHttpReceiver, type OtlpHttpReceiverOptions } from './otlp-http-receiver.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function listen(options: Partial<OtlpHttpReceiverOptions>) {
  const received: Span[] = [];
  const receiver = createOtlpHttpReceiver({ maxBodyBytes: 1024 * 1024, onSpans: (spans) => received.push(...spans), ...options });
  server = createServer((req, res) => receiver.handle(req, res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, receiver, received };
}

const json = { 'content-type': 'application/json' };

describe('OTLP/HTTP receiver', () => {
  it('answers 503 with Retry-After when it cannot store data, and takes nothing', async () => {
    const { url, received } = await listen({ isOverloaded: () => true });
    const response = await fetch(`${url}/v1/traces`, { method: 'POST', headers: json, body: '{"resourceSpans":[]}' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(((await response.json()) as { message: string }).message).toMatch(/retry later/);
    expect(received).toEqual([]);
  });

  it('answers 429 with Retry-After beyond its concurrent requests, and serves again once they finish', async () => {
    const { url, receiver } = await listen({ maxConcurrentRequests: 1 });
    // Hold one request open by sending half its body.
    const held = request(`${url}/v1/traces`, { method: 'POST', headers: { ...json, 'content-length': '40' } });
    held.write('{"resourceSpans":');
    await new Promise((r) => setTimeout(r, 100));
    const refused = await fetch(`${url}/v1/traces`, { method: 'POST', headers: json, body: '{}' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    const answered = new Promise<number>((resolve) => held.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); }));
    held.end('[]}'.padEnd(23, ' '));
    expect(await answered).toBe(200);
    expect((await fetch(`${url}/v1/traces`, { method: 'POST', headers: json, body: '{}' })).status).toBe(200);
    expect(receiver.stats().refused).toEqual({ '429': 1 });
  });

  it('says where traces go for other paths and methods', async () => {
    const { url } = await listen({});
    const wrongPath = await fetch(`${url}/v1/metrics`, { method: 'POST', headers: json, body: '{}' });
    expect(wrongPath.status).toBe(404);
    expect(((await wrongPath.json()) as { message: string }).message).toMatch(/POST \/v1\/traces/);
    const wrongMethod = await fetch(`${url}/v1/traces`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});
