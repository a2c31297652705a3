// The bearer check (constant-time, on digests) and the loopback rule that decides when tokens
// are required; then both receivers behind real listeners, with and without ORRERY_INGEST_TOKEN.
import * as grpc from '@grpc/grpc-js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { createOtlpGrpcReceiver, TRACE_EXPORT_PATH } from '../receiver/otlp-grpc-receiver.ts';
import { createOtlpHttpReceiver } from '../receiver/otlp-http-receiver.ts';
import { bearerCheck, isLoopbackHost } from './bearer-token.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('bearerCheck', () => {
  const auth = bearerCheck('s3cret-token');
  it('accepts the token after Bearer, in any case of the scheme', () => {
    expect(auth.check('Bearer s3cret-token')).toBe('ok');
    expect(auth.check('bearer  s3cret-token ')).toBe('ok');
  });
  it('tells a missing token from a wrong one', () => {
    expect(auth.check(undefined)).toBe('missing');
    expect(auth.check('')).toBe('missing');
    expect(auth.check('Bearer s3cret-toke')).toBe('wrong');
    expect(auth.check('Bearer s3cret-token-and-more')).toBe('wrong');
    expect(auth.check('Basic czNjcmV0LXRva2Vu')).toBe('wrong');
    expect(auth.check('s3cret-token')).toBe('wrong');
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'orrery.example.com', '127.0.0.256', 'localhost.example.com', '128.0.0.1'])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('loadConfig and tokens', () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };
  it('refuses a non-loopback host without both tokens, naming what to set', () => {
    expect(problems({ ORRERY_HOST: '0.0.0.0' }).join('\n')).toMatch(/ORRERY_HOST="0\.0\.0\.0" is not a loopback address, so ORRERY_INGEST_TOKEN and ORRERY_API_TOKEN must be set/);
    expect(problems({ ORRERY_HOST: '0.0.0.0', ORRERY_INGEST_TOKEN: 'a' }).join('\n')).toMatch(/so ORRERY_API_TOKEN must be set/);
    expect(problems({ ORRERY_HOST: '0.0.0.0', ORRERY_INGEST_TOKEN: 'a', ORRERY_API_TOKEN: 'b' })).toEqual([]);
  });
  it('needs no token on loopback, and takes one if given', () => {
    expect(loadConfig({}).ingestToken).toBeUndefined();
    expect(loadConfig({ ORRERY_HOST: '::1', ORRERY_API_TOKEN: 'x' })).toMatchObject({ apiToken: 'x', exposed: false });
    expect(loadConfig({ ORRERY_HOST: '0.0.0.0', ORRERY_INGEST_TOKEN: 'a', ORRERY_API_TOKEN: 'b' }).exposed).toBe(true);
  });
  it('never repeats a token in a problem', () => {
    const found = problems({ ORRERY_HOST: '0.0.0.0', ORRERY_INGEST_TOKEN: 'has space-secret' }).join('\n');
    expect(found).toMatch(/ORRERY_INGEST_TOKEN must be printable ASCII/);
    expect(found).not.toMatch(/space-secret/);
  });
  it('reads ORRERY_CORS_ORIGINS and ORRERY_NEO4J_BOLT_PORT', () => {
    expect(loadConfig({ ORRERY_CORS_ORIGINS: 'https://grafana.example.com, http://localhost:3000/' }).corsOrigins).toEqual(['https://grafana.example.com', 'http://localhost:3000']);
    expect(problems({ ORRERY_CORS_ORIGINS: 'https://x.example.com/path' }).join()).toMatch(/must be an origin/);
    expect(loadConfig({}).neo4jBoltPort).toBe(7687);
    expect(loadConfig({ ORRERY_NEO4J_BOLT_PORT: '17687' }).neo4jBoltPort).toBe(17687);
    expect(problems({ ORRERY_NEO4J_BOLT_PORT: '4000' }).join()).toMatch(/ORRERY_API_PORT and ORRERY_NEO4J_BOLT_PORT are both 4000/);
  });
});

const body = JSON.stringify({ resourceSpans: [] });

describe('OTLP/HTTP receiver with ORRERY_INGEST_TOKEN', () => {
  async function listen(ingestToken: string | undefined) {
    const receiver = createOtlpHttpReceiver({ maxBodyBytes: 1024 * 1024, onSpans: () => {}, ingestToken });
    const server: Server = createServer((req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, receiver };
  }
  const post = (url: string, authorization?: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body });

  it('answers 401 without the token or with a wrong one, counts it, and never echoes what was sent', async () => {
    const { url, receiver } = await listen('ingest-secret');
    const missing = await post(url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await missing.json()) as { code: number; message: string })).toMatchObject({ code: 16, message: expect.stringMatching(/no bearer token.*ORRERY_INGEST_TOKEN/) });
    const wrong = await post(url, 'Bearer guessed-secret');
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(text).toMatch(/wrong bearer token/);
    expect(text).not.toMatch(/guessed-secret|ingest-secret/);
    expect(receiver.stats().refused['401']).toBe(2);
    expect(receiver.stats().recentErrors.join()).not.toMatch(/secret/);
    expect((await post(url, 'Bearer ingest-secret')).status).toBe(200);
  });

  it('asks for nothing when no token is set', async () => {
    const { url } = await listen(undefined);
    expect((await post(url)).status).toBe(200);
  });
});

describe('OTLP/gRPC receiver with ORRERY_INGEST_TOKEN', () => {
  async function call(authorization: string | undefined): Promise<grpc.ServiceError | null> {
    const receiver = createOtlpGrpcReceiver({ maxMessageBytes: 1024 * 1024, onSpans: () => {}, ingestToken: 'ingest-secret' });
    const port = await receiver.listen('127.0.0.1', 0);
    cleanup.push(() => receiver.close());
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    cleanup.push(() => client.close());
    const metadata = new grpc.Metadata();
    if (authorization) metadata.set('authorization', authorization);
    return new Promise((resolve) => {
      client.makeUnaryRequest(TRACE_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), metadata, { deadline: Date.now() + 10_000 },
        (error) => resolve(error ?? null));
    });
  }
  it('answers UNAUTHENTICATED without the token or with a wrong one, OK with it', async () => {
    expect((await call(undefined))?.code).toBe(grpc.status.UNAUTHENTICATED);
    const wrong = await call('Bearer nope');
    expect(wrong?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(wrong?.details).toMatch(/wrong bearer token/);
    expect(await call('Bearer ingest-secret')).toBeNull();
  });
});
