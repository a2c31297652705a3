// The platform exposed (ORRERY_HOST=0.0.0.0), all real: the start refused without tokens; with
// them, OTLP/HTTP, OTLP/gRPC and GraphQL refuse a missing or wrong bearer token and take the
// right one (OTLP from the OpenTelemetry SDK's exporter configured the documented way, by
// OTEL_EXPORTER_OTLP_HEADERS); GraphQL's limits and introspection refused with their codes; and
// the web app in Chromium asking for the API token once, then drawing the map.
import { execFile } from 'node:child_process';
import { connect } from 'node:http2';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../collector/src/config.ts';
import type { Platform } from '../../tools/platform.ts';
import { startApiRole } from '../../tools/roles.ts';
import { launchChromium } from './support/browser.ts';
import { freePort } from './support/free-port.ts';
import { eventually, startTestPlatform } from './support/platform.ts';

const INGEST_TOKEN = 'ingest-7f3a9c1e5b2d4f60';
const API_TOKEN = 'api-2b8e4d6f0a1c3e57';
const root = join(import.meta.dirname, '../..');

let platform: Platform;
let apiUrl: string;
let otlpUrl: string;
let grpcAddress: string;
let browser: Browser | undefined;

// Listening on every address, reached here through loopback.
const viaLoopback = (url: string) => url.replace('0.0.0.0', '127.0.0.1');

beforeAll(async () => {
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_HOST: '0.0.0.0', ORRERY_INGEST_TOKEN: INGEST_TOKEN, ORRERY_API_TOKEN: API_TOKEN });
  apiUrl = viaLoopback(platform.apiUrl);
  otlpUrl = viaLoopback(platform.otlpUrl);
  grpcAddress = viaLoopback(platform.otlpGrpcAddress);
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function graphqlAs(authorization: string | undefined, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}
const asApi = (query: string, variables?: Record<string, unknown>) => graphqlAs(`Bearer ${API_TOKEN}`, query, variables);

/** One unary OTLP/gRPC Export over HTTP/2, as grpc-js frames it; resolves with grpc-status. */
function grpcExport(authorization: string | undefined): Promise<{ status: string | undefined; message: string | undefined }> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://${grpcAddress}`);
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST', ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      'content-type': 'application/grpc', te: 'trailers', ...(authorization ? { authorization } : {}),
    });
    let headers: Record<string, unknown> = {};
    stream.on('response', (h) => { headers = h; });
    stream.on('trailers', (t) => { headers = { ...headers, ...t }; });
    stream.on('data', () => {});
    stream.on('end', () => {
      session.close();
      resolve({ status: headers['grpc-status'] as string | undefined, message: headers['grpc-message'] ? decodeURIComponent(String(headers['grpc-message'])) : undefined });
    });
    stream.on('error', reject);
    stream.end(Buffer.from([0, 0, 0, 0, 0])); // an empty ExportTraceServiceRequest, uncompressed
  });
}

describe('an exposed platform', () => {
  it('refuses to start on 0.0.0.0 without tokens, saying which variables to set', async () => {
    const run = promisify(execFile)(process.execPath, [join(root, 'tools/start.ts')], {
      env: { ...process.env, ORRERY_HOST: '0.0.0.0', ORRERY_INGEST_TOKEN: '', ORRERY_API_TOKEN: '', ORRERY_DEMO: '0' },
      timeout: 60_000,
    });
    const failure = (await run.then(() => undefined, (error: { code: number; stderr: string }) => error))!;
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/ORRERY_HOST="0\.0\.0\.0" is not a loopback address, so ORRERY_INGEST_TOKEN and ORRERY_API_TOKEN must be set/);
  });

  it('answers 401 on OTLP/HTTP without the ingest token or with a wrong one', async () => {
    const post = (headers: Record<string, string>) => fetch(otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"resourceSpans":[]}' });
    expect((await post({})).status).toBe(401);
    const wrong = await post({ authorization: `Bearer ${API_TOKEN}` });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain(API_TOKEN);
    expect((await post({ authorization: `Bearer ${INGEST_TOKEN}` })).status).toBe(200);
  });

  it('answers UNAUTHENTICATED on OTLP/gRPC without the ingest token or with a wrong one', async () => {
    expect(await grpcExport(undefined)).toMatchObject({ status: '16', message: expect.stringMatching(/no bearer token/) });
    expect(await grpcExport('Bearer nope')).toMatchObject({ status: '16', message: expect.stringMatching(/wrong bearer token/) });
    expect((await grpcExport(`Bearer ${INGEST_TOKEN}`)).status).toBe('0');
  });

  it('takes spans from the OpenTelemetry SDK exporter given the token in OTEL_EXPORTER_OTLP_HEADERS', async () => {
    process.env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${INGEST_TOKEN}`;
    const providers = ['exposed-web', 'exposed-orders'].map((name) => new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': name }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: otlpUrl }) })],
    }));
    delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    const [caller, callee] = providers.map((p) => p.getTracer('exposure'));
    for (let i = 0; i < 3; i++) {
      const client = caller!.startSpan('GET /orders', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': 'orders', 'server.port': 8080 } });
      callee!.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/orders' } }, trace.setSpan(context.active(), client)).end();
      client.end();
    }
    await Promise.all(providers.map((p) => p.forceFlush()));
    const accepted = platform.collector.stats().receiver.acceptedSpans;
    expect(accepted).toBeGreaterThanOrEqual(6);
    await eventually(async () => {
      await platform.collector.flush();
      const { body } = await asApi('{ dependencies { from to } }');
      expect(body.data?.['dependencies']).toContainEqual({ from: 'exposed-web', to: 'exposed-orders' });
    });
    await Promise.all(providers.map((p) => p.shutdown()));
  });

  it('answers 401 on GraphQL without the API token or with a wrong one, 200 with it', async () => {
    const missing = await graphqlAs(undefined, '{ services { name } }');
    expect(missing.status).toBe(401);
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(missing.body.errors?.[0]?.message).toMatch(/ORRERY_API_TOKEN/);
    const wrong = await graphqlAs(`Bearer ${INGEST_TOKEN}`, 'mutation { acknowledgeFinding(id: "x", note: "y") { id } }');
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(INGEST_TOKEN);
    const right = await asApi('{ services { name } }');
    expect(right.status).toBe(200);
    expect(right.body.errors).toBeUndefined();
    // The page itself loads without a token; only its GraphQL calls need one.
    expect((await fetch(`${apiUrl}/`)).status).toBe(200);
  });

  it('refuses a browser request from another origin, token or not', async () => {
    const response = await fetch(`${apiUrl}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}`, origin: 'https://evil.example.com' }, body: '{"query":"{ services { name } }"}',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    // Refusals are counted by reason beside the receivers' (the earlier tests' 401s among them).
    const { body } = await asApi('{ collectorStatus { refusedRequests } }');
    const refused = JSON.parse((body.data?.['collectorStatus'] as { refusedRequests: string }).refusedRequests) as Record<string, number>;
    expect(refused).toMatchObject({ '401': 2, UNAUTHENTICATED: 2, 'api:401': 2, 'api:403': 1 });
  });

  it('holds for the API started alone (ORRERY_ROLE=api) too', async () => {
    const config = loadConfig({
      NEO4J_URI: platform.neo4jUri, ORRERY_ROLE: 'api', ORRERY_HOST: '0.0.0.0', ORRERY_API_PORT: String(await freePort()),
      ORRERY_INGEST_TOKEN: INGEST_TOKEN, ORRERY_API_TOKEN: API_TOKEN, ORRERY_DEMO: '0',
    });
    const api = await startApiRole(config, () => {});
    try {
      const url = `${viaLoopback(api.apiUrl!)}/graphql`;
      const ask = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ __schema { queryType { name } } }"}' });
      expect((await ask({})).status).toBe(401);
      const answer = (await (await ask({ authorization: `Bearer ${API_TOKEN}` })).json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      expect(answer.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    } finally {
      await api.stop();
    }
  });

  it('refuses over-limit queries with their codes, in milliseconds, and introspection', async () => {
    const cases: Array<[string, string]> = [
      // The limits are judged before the fields are: nothing in the schema nests this deep.
      ['QUERY_TOO_DEEP', `{ services { dependsOn { ${'series { '.repeat(8)}at${' }'.repeat(8)} } } }`],
      ['TOO_MANY_ALIASES', `{ ${Array.from({ length: 20 }, (_, i) => `s${i}: services { name }`).join(' ')} }`],
      ['TOO_MANY_TOKENS', `{ services { ${'name '.repeat(1100)}} }`],
      ['QUERY_TOO_COSTLY', `{ services { dependsOn { series { a { b { c { ${'d '.repeat(500)}} } } } } } }`],
      ['INTROSPECTION_DISABLED', '{ __schema { types { name } } }'],
    ];
    for (const [code, query] of cases) {
      const started = performance.now();
      const { body } = await asApi(query);
      expect(body.errors?.[0]?.extensions?.code, query.slice(0, 80)).toBe(code);
      expect(body.data ?? undefined).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(1000);
    }
    // Field suggestions masked: an unknown field says so, without naming the schema's.
    const { body } = await asApi('{ service { nam } }');
    expect(body.errors?.[0]?.message ?? '').not.toMatch(/Did you mean/);
  });

  it('asks for the API token once in Chromium, keeps it for the tab and then draws the map', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${apiUrl}/`);
      const dialog = page.getByRole('dialog', { name: 'API token' });
      await dialog.waitFor({ state: 'visible', timeout: 20_000 });
      await dialog.getByLabel('Token').fill('not-the-token');
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.getByRole('alert').waitFor({ state: 'visible', timeout: 10_000 });
      await dialog.getByLabel('Token').fill(API_TOKEN);
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await page.locator('[data-testid="map"] [data-component="exposed-orders"]').waitFor({ state: 'visible', timeout: 30_000 });
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.evaluate(() => sessionStorage.getItem('orrery.apiToken'))).toBe(API_TOKEN);
      // A reload in the same tab asks nothing.
      await page.reload();
      await page.locator('[data-testid="map"] [data-component="exposed-web"]').waitFor({ state: 'visible', timeout: 30_000 });
      expect(await dialog.isVisible()).toBe(false);
    } finally {
      await page.close();
    }
  });
});
