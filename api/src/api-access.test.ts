// The API's gate behind a real node:http listener: the token on /graphql, preflights and the
// app's own origin let through, other origins refused unless listed, and yoga's CORS answer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiAccess, type ApiAccessOptions } from './api-access.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function listen(options: ApiAccessOptions) {
  const access = createApiAccess(options);
  server = createServer((req, res) => {
    if (access.admit(req, res)) res.writeHead(200).end('admitted');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, access };
}

describe('createApiAccess', () => {
  it('asks nothing without a token, and refuses only foreign origins', async () => {
    const { url } = await listen({});
    expect((await fetch(url, { method: 'POST' })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', headers: { origin: new URL(url).origin } })).status).toBe(200);
    const foreign = await fetch(url, { method: 'POST', headers: { origin: 'https://evil.example.com' } });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('FORBIDDEN_ORIGIN');
  });

  it('needs the bearer token on every request but a preflight, and counts refusals by reason', async () => {
    const { url, access } = await listen({ apiToken: 'api-secret' });
    const missing = await fetch(url, { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer api-secreT' } });
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/wrong bearer token.*ORRERY_API_TOKEN/), extensions: { code: 'UNAUTHENTICATED' } });
    expect(JSON.stringify(body)).not.toMatch(/secre/);
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer api-secret' } })).status).toBe(200);
    expect((await fetch(url, { method: 'OPTIONS' })).status).toBe(200);
    await fetch(url, { method: 'POST', headers: { origin: 'https://evil.example.com', authorization: 'Bearer api-secret' } });
    expect(access.stats().refused).toEqual({ unauthenticated: 2, foreignOrigin: 1 });
  });

  it('lets listed origins in, with CORS headers for them alone', async () => {
    const { url, access } = await listen({ corsOrigins: ['https://grafana.example.com'] });
    expect((await fetch(url, { method: 'POST', headers: { origin: 'https://grafana.example.com' } })).status).toBe(200);
    const request = (origin?: string) => new Request(url, origin ? { headers: { origin } } : {});
    expect(access.cors(request('https://grafana.example.com'))).toMatchObject({ origin: 'https://grafana.example.com', credentials: false });
    expect(access.cors(request('https://evil.example.com'))).toBe(false);
    expect(access.cors(request())).toBe(false);
  });

  it('exposes its refusals as orrery_api_refused_requests_total, every reason listed, limits included', async () => {
    const { url, access } = await listen({ apiToken: 'api-secret' });
    await fetch(url, { method: 'POST' });
    await fetch(url, { method: 'POST', headers: { origin: 'https://evil.example.com' } });
    access.countLimitRefusal('max_depth');
    access.countLimitRefusal('max_depth');
    const [family] = access.metricFamilies();
    expect(family).toMatchObject({ name: 'orrery_api_refused_requests_total', type: 'counter' });
    expect(Object.fromEntries(family!.samples.map((s) => [s.labels!['reason'], s.value]))).toEqual({
      unauthenticated: 1, foreign_origin: 1, max_depth: 2, max_cost: 0, max_aliases: 0, max_tokens: 0, max_directives: 0, introspection: 0,
    });
  });
});
