// Real OpenTelemetry SDK exporters (OTLP/HTTP JSON and protobuf) -> collector -> real Neo4j ->
// GraphQL over HTTP. The two halves of each call come from different tracer providers, so they
// reach the collector in different export requests, as they do between real services.
import { gzipSync } from 'node:zlib';
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { eventually, graphql, startTestPlatform } from './support/platform.ts';

let platform: Platform;

beforeAll(async () => {
  platform = await startTestPlatform(inject('neo4jUri'));
});
afterAll(async () => platform?.stop());

function provider(serviceName: string, format: 'json' | 'protobuf') {
  const exporter = format === 'json' ? new JsonExporter({ url: platform.otlpUrl }) : new ProtoExporter({ url: platform.otlpUrl });
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '1.2.3', 'deployment.environment.name': 'test' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
}

/** caller's CLIENT span -> callee's SERVER span (its child), each from its own tracer. */
function call(caller: Tracer, callee: Tracer, options: { calleeFails?: boolean; callerFails?: boolean } = {}) {
  const client = caller.startSpan('GET /price', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': 'callee', 'server.port': 8080 } });
  const server = callee.startSpan(
    'GET /price/:sku',
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/price/:sku' } },
    trace.setSpan(context.active(), client),
  );
  if (options.calleeFails) server.setStatus({ code: SpanStatusCode.ERROR });
  server.end();
  if (options.callerFails) client.setStatus({ code: SpanStatusCode.ERROR });
  client.end();
}

interface Dependency {
  from: string;
  to: string;
  kind: string;
  protocol: string;
  calls: number;
  errors: number;
  errorPropagation: number | null;
  p95Ms: number | null;
}

describe('OTLP from the OpenTelemetry SDK to GraphQL through Neo4j', () => {
  for (const format of ['json', 'protobuf'] as const) {
    it(`pairs a call whose halves arrive in separate ${format} requests into one SYNC dependency`, async () => {
      const callerProvider = provider(`${format}-checkout`, format);
      const calleeProvider = provider(`${format}-pricing`, format);
      const caller = callerProvider.getTracer('it');
      const callee = calleeProvider.getTracer('it');
      for (let i = 0; i < 8; i++) call(caller, callee);
      call(caller, callee, { calleeFails: true, callerFails: true });
      call(caller, callee, { calleeFails: true });
      await Promise.all([callerProvider.forceFlush(), calleeProvider.forceFlush()]);

      const dep = await eventually(async () => {
        await platform.collector.flush();
        const data = await graphql<{ dependencies: Dependency[] }>(platform.apiUrl, '{ dependencies { from to kind protocol calls errors errorPropagation p95Ms } }');
        const found = data.dependencies.filter((d) => d.from === `${format}-checkout`);
        expect(found).toHaveLength(1);
        expect(found[0]!.calls).toBe(10);
        return found[0]!;
      });
      expect(dep).toMatchObject({ to: `${format}-pricing`, kind: 'SYNC', protocol: 'http', calls: 10, errors: 2, errorPropagation: 0.5 });
      expect(dep.p95Ms).toBeGreaterThanOrEqual(0);

      const data = await graphql<{ services: Array<{ name: string; kind: string; versions: string[]; dependsOn: Dependency[] }> }>(
        platform.apiUrl,
        '{ services { name kind versions dependsOn { to calls } } }',
      );
      const checkout = data.services.find((s) => s.name === `${format}-checkout`);
      expect(checkout).toMatchObject({ kind: 'SERVICE', versions: ['1.2.3'], dependsOn: [{ to: `${format}-pricing`, calls: 10 }] });
      await Promise.all([callerProvider.shutdown(), calleeProvider.shutdown()]);
    });
  }

  it('accepts gzip, keeps the valid spans of a request with invalid ones, and says why', async () => {
    const valid = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'job', kind: 1, startTimeUnixNano: '1763700000000000000', endTimeUnixNano: '1763700000100000000' };
    const body = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gzip-worker' } }] },
        scopeSpans: [{ spans: [valid, { ...valid, spanId: '0000000000000000' }, { ...valid, spanId: 'b7ad6b7169203332', traceId: 'xyz' }] }],
      }],
    };
    const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(body)) });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(answer.partialSuccess.rejectedSpans).toBe('2');
    expect(answer.partialSuccess.errorMessage).toMatch(/spanId is all zeros/);
    expect(answer.partialSuccess.errorMessage).toMatch(/traceId/);

    await eventually(async () => {
      await platform.collector.flush();
      const data = await graphql<{ service: { name: string } | null }>(platform.apiUrl, '{ service(name: "gzip-worker") { name } }');
      expect(data.service?.name).toBe('gzip-worker');
    });
  });

  it('refuses unreadable bodies with the status and a message naming the problem', async () => {
    const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>) => fetch(platform.otlpUrl, { method: 'POST', headers, body });
    const malformed = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toMatch(/not valid JSON/);

    const wrongType = await post('hello', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as { message: string }).message).toMatch(/text\/plain/);

    const badProto = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'content-type': 'application/x-protobuf' });
    expect(badProto.status).toBe(400);

    const badGzip = await post('not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);

    const oversized = await post(new Uint8Array(33 * 1024 * 1024), { 'content-type': 'application/json' });
    expect(oversized.status).toBe(413);
    expect(((await oversized.json()) as { message: string }).message).toMatch(/exceeds the limit of 33554432 bytes/);

    // 40 MB of zeros gzip to ~40 kB: refused when inflating passes the limit, not after.
    const bomb = await post(new Uint8Array(gzipSync(new Uint8Array(40 * 1024 * 1024))), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    expect(((await bomb.json()) as { message: string }).message).toMatch(/decompressed body exceeds/);

    // The collector is still answering after all of that.
    const ok = await post('{"resourceSpans": []}', { 'content-type': 'application/json' });
    expect(ok.status).toBe(200);
    expect(platform.collector.stats().receiver.refused).toMatchObject({ '400': 3, '413': 2, '415': 1 });
  });
});
