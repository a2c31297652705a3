// register.ts in real Node processes: a throwaway OTLP receiver stands in for the collector.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from './testing/otlp-receiver.ts';

const registerPath = resolve(import.meta.dirname, 'register.ts');
let dir: string;
let receiver: OtlpReceiver;

/** An HTTP server that calls itself once with fetch and once with http.request, then closes. */
const SELF_CALLING_APP = `
import http from 'node:http';
import { request } from 'node:http';
const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  await (await fetch('http://127.0.0.1:' + port + '/via-fetch')).text();
  await new Promise((done) => request({ host: '127.0.0.1', port, path: '/via-http' }, (res) => { res.resume(); res.on('end', done); }).end());
  server.close();
  console.log('app finished');
  process.exitCode = Number(process.env.APP_EXIT_CODE ?? 0);
});
`;

/** Stays up until signalled; optionally handles SIGTERM itself. */
const LONG_RUNNING_APP = `
import http from 'node:http';
const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', async () => {
  await (await fetch('http://127.0.0.1:' + server.address().port + '/')).text();
  if (process.env.OWN_SIGTERM) process.on('SIGTERM', () => { console.log('host handles SIGTERM'); setTimeout(() => process.exit(7), 50); });
  console.log('ready');
});
`;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

function runNode(script: string, env: Record<string, string>, options: { agent?: boolean; signalWhenReady?: NodeJS.Signals } = {}): Promise<Run> {
  const file = join(dir, `app-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, script);
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const args = options.agent === false ? [file] : ['--import', registerPath, file];
  const started = Date.now();
  const child = spawn(process.execPath, args, { env: { ...cleanEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.on('data', (d) => {
    stdout += d;
    if (options.signalWhenReady && !signalled && stdout.includes('ready')) {
      signalled = true;
      child.kill(options.signalWhenReady);
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr, elapsedMs: Date.now() - started })));
}

/** A loopback port with nothing listening: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orrery-agent-test-'));
  receiver = await startOtlpReceiver();
});

afterEach(() => {
  receiver.spans.length = 0;
  receiver.requests.contentTypes.clear();
});

afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

// Each case starts one or two Node processes; under a loaded machine that is seconds, not ms.
describe('node --import register.ts', { timeout: 30_000 }, () => {
  it('sends the process spans to the collector under its service.name and resource attributes', async () => {
    const run = await runNode(SELF_CALLING_APP, {
      OTEL_SERVICE_NAME: 'agent-test',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=demo,service.version=1.2.3,deployment.environment.name=test',
    });
    expect(run).toMatchObject({ code: 0, signal: null, stdout: 'app finished\n', stderr: '' });

    const spans = receiver.spans;
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['agent-test']));
    expect(spans[0]!.resource).toMatchObject({ 'service.namespace': 'demo', 'service.version': '1.2.3', 'deployment.environment.name': 'test' });
    // Both client APIs are traced, and each CLIENT span is the parent of the SERVER span it called.
    const clients = spans.filter((s) => s.kind === 3);
    const servers = spans.filter((s) => s.kind === 2);
    expect(clients.map((s) => s.scope).sort()).toEqual(['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-undici']);
    expect(servers.map((s) => s.attributes['url.path']).sort()).toEqual(['/via-fetch', '/via-http']);
    for (const server of servers) {
      const parent = clients.find((c) => c.spanId === server.parentSpanId);
      expect(parent?.traceId).toBe(server.traceId);
    }
    // OTEL_EXPORTER_OTLP_PROTOCOL unset: the spec's default, http/protobuf.
    expect(receiver.requests.contentTypes).toEqual(new Set(['application/x-protobuf']));
  });

  const transports = [
    { protocol: 'http/protobuf', contentType: 'application/x-protobuf', endpoint: () => receiver.endpoint },
    { protocol: 'http/json', contentType: 'application/json', endpoint: () => receiver.endpoint },
    { protocol: 'grpc', contentType: 'application/grpc', endpoint: () => receiver.grpcEndpoint },
  ];
  for (const { protocol, contentType, endpoint } of transports) {
    it(`with OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} sends the same spans as ${contentType}`, async () => {
      const run = await runNode(SELF_CALLING_APP, { OTEL_SERVICE_NAME: `agent-${protocol}`, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint() });
      expect(run).toMatchObject({ code: 0, signal: null, stdout: 'app finished\n', stderr: '' });
      expect(receiver.requests.contentTypes).toEqual(new Set([contentType]));
      const spans = receiver.spans;
      expect(new Set(spans.map((s) => s.service))).toEqual(new Set([`agent-${protocol}`]));
      expect(spans.map((s) => s.kind).sort()).toEqual([2, 2, 3, 3]);
      for (const server of spans.filter((s) => s.kind === 2)) {
        const parent = spans.find((c) => c.kind === 3 && c.spanId === server.parentSpanId);
        expect(parent?.traceId).toBe(server.traceId);
        expect(server.attributes['http.response.status_code']).toBe(200);
      }
    });
  }

  it('names the variable and the accepted protocols for an unknown one, and sends http/protobuf', async () => {
    const run = await runNode(SELF_CALLING_APP, { OTEL_SERVICE_NAME: 'agent-test', OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(run).toMatchObject({ code: 0, stdout: 'app finished\n' });
    expect(run.stderr).toBe('[orrery-agent agent-test] warn: OTEL_EXPORTER_OTLP_PROTOCOL: "thrift" is not an OTLP protocol (accepted: http/protobuf, http/json, grpc); using http/protobuf\n');
    expect(receiver.requests.contentTypes).toEqual(new Set(['application/x-protobuf']));
    expect(receiver.spans.length).toBe(4);
  });

  it('names uninstrumented peers from OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING', async () => {
    await runNode(SELF_CALLING_APP, {
      OTEL_SERVICE_NAME: 'agent-test',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING: '127.0.0.1=loopback-api',
    });
    const clients = receiver.spans.filter((s) => s.kind === 3);
    expect(clients).toHaveLength(2);
    for (const client of clients) expect(client.attributes).toMatchObject({ 'peer.service': 'loopback-api', 'service.peer.name': 'loopback-api' });
  });

  it('keeps exit code and output when variables are malformed and the collector is unreachable', async () => {
    const port = await closedPort();
    const env = {
      APP_EXIT_CODE: '3',
      OTEL_SERVICE_NAME: 'agent-test',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=demo,garbage,x=%zz',
      OTEL_LOG_LEVEL: 'chatty',
      OTEL_SDK_DISABLED: 'nope',
    };
    const without = await runNode(SELF_CALLING_APP, env, { agent: false });
    const withAgent = await runNode(SELF_CALLING_APP, env);

    expect(withAgent.code).toBe(3);
    expect(withAgent.code).toBe(without.code);
    expect(withAgent.signal).toBeNull();
    expect(withAgent.stdout).toBe(without.stdout);
    // Each problem once, on stderr, naming the variable.
    for (const variable of ['OTEL_BSP_SCHEDULE_DELAY', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_LOG_LEVEL', 'OTEL_SDK_DISABLED']) {
      expect(withAgent.stderr).toContain(`[orrery-agent agent-test] warn: ${variable}:`);
    }
    // The final flush to a dead collector is bounded (2 s deadline), not the exporter's 10 s retries.
    expect(withAgent.elapsedMs).toBeLessThan(without.elapsedMs + 6000);
  });

  it('over grpc too, an unreachable collector leaves exit code and output alone and the exit bounded', async () => {
    const port = await closedPort();
    const env = { APP_EXIT_CODE: '3', OTEL_SERVICE_NAME: 'agent-test', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` };
    const without = await runNode(SELF_CALLING_APP, env, { agent: false });
    const withAgent = await runNode(SELF_CALLING_APP, env);
    expect(withAgent).toMatchObject({ code: 3, signal: null, stdout: without.stdout });
    expect(withAgent.elapsedMs).toBeLessThan(without.elapsedMs + 6000);
  });

  it('skips a malformed traces endpoint for the next one configured and never throws into the host', async () => {
    const run = await runNode(SELF_CALLING_APP, { OTEL_SERVICE_NAME: 'agent-test', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(run).toMatchObject({ code: 0, stdout: 'app finished\n' });
    expect(run.stderr).toBe('[orrery-agent agent-test] warn: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "ftp://x" is not an http:// or https:// URL; ignored\n');
    expect(receiver.spans.length).toBe(4);
  });

  it('on SIGTERM flushes and still dies by SIGTERM when the host has no handler', async () => {
    const run = await runNode(LONG_RUNNING_APP, { OTEL_SERVICE_NAME: 'agent-sigterm', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }, { signalWhenReady: 'SIGTERM' });
    expect(run.signal).toBe('SIGTERM');
    expect(run.code).toBeNull();
    // The default schedule delay is 5 s: these spans can only have come from the signal flush.
    expect(receiver.spans.filter((s) => s.service === 'agent-sigterm').map((s) => s.kind).sort()).toEqual([2, 3]);
  });

  it('leaves SIGTERM to a host that handles it, exit code included', async () => {
    const run = await runNode(LONG_RUNNING_APP, { OWN_SIGTERM: '1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }, { signalWhenReady: 'SIGTERM' });
    expect(run).toMatchObject({ code: 7, signal: null, stdout: 'ready\nhost handles SIGTERM\n' });
  });

  it('does nothing at all with OTEL_SDK_DISABLED=true', async () => {
    const run = await runNode(SELF_CALLING_APP, { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(run).toMatchObject({ code: 0, stdout: 'app finished\n', stderr: '' });
    expect(receiver.spans).toEqual([]);
  });
});
