// Real clients in three languages: the official OpenTelemetry SDKs of Node (Orrery's agent,
// @opentelemetry/sdk-node), Python (opentelemetry-instrument with the SDK) and Java (the
// OpenTelemetry Java agent) each trace the same two-service call over real HTTP on loopback,
// configured only by the standard OTEL_* variables, and export over each OTLP protocol they
// speak: Python with its default exporter (OTLP/gRPC, OTEL_EXPORTER_OTLP_PROTOCOL unset) and
// http/protobuf, Java with grpc and http/protobuf, Node with http/protobuf, http/json and grpc.
// Whatever each SDK chooses to send, and however, the collector must make the same dependency of
// it: frontend -> backend, SYNC, http, one call per request; collectorStatus shows that the gRPC
// cases really came in over gRPC and the HTTP ones did not.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../../tools/platform.ts';
import { finished, startProcess, type RunningProcess } from '../support/child-processes.ts';
import { freePort } from '../support/free-port.ts';
import { eventually, graphql, startTestPlatform } from '../support/platform.ts';
import { ensureJavaAgent, ensurePythonOtel, interopJavaClasses, javaCommand, opentelemetryInstrument } from './toolchains.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeAgent = path.resolve(here, '../../../agents/src/register.ts');

const CALLS = 5;
// A JVM with the agent attached takes several seconds to start on a small CI machine.
const startTimeoutMs = 120_000;
const runTimeoutMs = 120_000;

interface Dependency {
  from: string;
  to: string;
  kind: string;
  protocol: string;
  calls: number;
  errors: number;
}

/** How to run a language's service: the command line for a program and its arguments. */
type Launcher = (program: 'backend' | 'frontend', args: string[]) => { command: string; args: string[]; env?: Record<string, string> };

interface Language {
  /** Installs what the language needs (once per machine) and says how to run its programs. */
  prepare: () => Promise<Launcher>;
}

const languages: Record<'node' | 'python' | 'java', Language> = {
  node: {
    prepare: async () => (program, args) => ({
      command: process.execPath,
      args: ['--import', nodeAgent, path.join(here, 'node', `${program}.ts`), ...args],
    }),
  },
  python: {
    prepare: async () => {
      const python = await ensurePythonOtel();
      return (program, args) => ({ command: opentelemetryInstrument(python), args: [python, path.join(here, 'python', `${program}.py`), ...args] });
    },
  },
  java: {
    prepare: async () => {
      const agent = await ensureJavaAgent();
      return (program, args) => ({
        command: javaCommand(),
        args: [`-javaagent:${agent}`, '-cp', interopJavaClasses, `dev.orrery.interop.${program === 'backend' ? 'Backend' : 'Frontend'}`, ...args],
      });
    },
  },
};

type LanguageName = keyof typeof languages;

/** How a case's exporter reaches the collector. */
type Transport = 'http/protobuf' | 'http/json' | 'grpc';

interface Case {
  language: LanguageName;
  /** Prefix of the two services' names, unique per case. */
  prefix: string;
  transport: Transport;
  /** The SDK's own choice: the protocol variable is unset. */
  byDefault?: true;
  /** The OTEL_* settings that choose the exporter; undefined unsets a variable. */
  exporterEnv: (platform: Platform) => Record<string, string | undefined>;
}

const grpcEndpoint = (platform: Platform) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://${platform.otlpGrpcAddress}`,
  // http:// already means plaintext to every SDK here; INSECURE says it to those reading it too.
  OTEL_EXPORTER_OTLP_INSECURE: 'true',
});

const cases: Case[] = [
  // Python's own default: OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_PROTOCOL unset is OTLP/gRPC.
  { language: 'python', prefix: 'py-grpc', transport: 'grpc', byDefault: true, exporterEnv: (p) => ({ ...grpcEndpoint(p), OTEL_EXPORTER_OTLP_PROTOCOL: undefined, OTEL_TRACES_EXPORTER: undefined }) },
  { language: 'python', prefix: 'py-proto', transport: 'http/protobuf', exporterEnv: () => ({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }) },
  { language: 'java', prefix: 'java-grpc', transport: 'grpc', exporterEnv: (p) => ({ ...grpcEndpoint(p), OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }) },
  { language: 'java', prefix: 'java-proto', transport: 'http/protobuf', exporterEnv: () => ({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }) },
  // The agent's default (http/protobuf) with the variable unset, then each protocol named.
  { language: 'node', prefix: 'node-proto', transport: 'http/protobuf', byDefault: true, exporterEnv: () => ({ OTEL_EXPORTER_OTLP_PROTOCOL: undefined }) },
  { language: 'node', prefix: 'node-json', transport: 'http/json', exporterEnv: () => ({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }) },
  { language: 'node', prefix: 'node-grpc', transport: 'grpc', exporterEnv: (p) => ({ ...grpcEndpoint(p), OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }) },
];

interface IngestCounts {
  requests: number;
  acceptedSpans: number;
  grpcRequests: number;
  grpcAcceptedSpans: number;
}

let platform: Platform;
const running = new Set<RunningProcess>();
const prepared = new Map<string, Promise<Launcher>>();
const observed = new Map<string, Dependency>();

beforeAll(async () => {
  // Installs start at once and in parallel; each language's test awaits its own, so a missing
  // python3 fails the Python test with its message and leaves the others alone.
  for (const [name, language] of Object.entries(languages)) {
    const ready = language.prepare();
    ready.catch(() => {});
    prepared.set(name, ready);
  }
  platform = await startTestPlatform(inject('neo4jUri'), {
    // Halves of a call are paired as soon as both have arrived; a long timeout only keeps a
    // slow JVM's export from turning a CLIENT span into an edge to a virtual peer first.
    ORRERY_PAIRING_TIMEOUT_MS: '60000',
  });
});

afterAll(async () => {
  await Promise.all([...running].map((child) => child.stop(5_000)));
  await platform?.stop();
});

function otelEnv(serviceName: string, exporterEnv: Record<string, string | undefined>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The runner's own OTEL_* settings (if any) must not leak into the services under test.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    OTEL_SERVICE_NAME: serviceName,
    OTEL_EXPORTER_OTLP_ENDPOINT: platform.otlpUrl.replace(/\/v1\/traces$/, ''),
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    // Traces only: the gRPC receiver serves TraceService alone, and nobody asked for the rest.
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    ...extra,
  };
  for (const [key, value] of Object.entries(exporterEnv)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function start(name: string, launch: ReturnType<Launcher>, exporterEnv: Record<string, string | undefined>): RunningProcess {
  const child = startProcess({ name, command: launch.command, args: launch.args, env: otelEnv(name, exporterEnv, launch.env) });
  running.add(child);
  return child;
}

async function ingestCounts(): Promise<IngestCounts> {
  const data = await graphql<{ collectorStatus: IngestCounts }>(platform.apiUrl, '{ collectorStatus { requests acceptedSpans grpcRequests grpcAcceptedSpans } }');
  return data.collectorStatus;
}

/**
 * Runs B, then A (which calls B CALLS times), stops B so it flushes, and reads the result from
 * GraphQL, with what the collector took in meanwhile (cases run one at a time in this file).
 */
async function traceTwoServiceCall({ language: languageName, prefix, exporterEnv }: Case): Promise<{ dependency: Dependency; ingested: IngestCounts }> {
  const launch = await prepared.get(languageName)!;
  const env = exporterEnv(platform);
  const before = await ingestCounts();
  const frontend = `${prefix}-frontend`;
  const backend = `${prefix}-backend`;
  const port = await freePort();

  const server = start(backend, launch('backend', [String(port)]), env);
  try {
    await server.waitForLine(/^READY /, startTimeoutMs);
    const client = start(frontend, launch('frontend', [`http://127.0.0.1:${port}/price/sku-1`, String(CALLS)]), env);
    expect(await finished(client, runTimeoutMs)).toContain(`DONE ${CALLS}`);
  } finally {
    // Closing stdin is each backend's cue to shut down through its SDK's flush.
    await server.stop();
  }
  const { code } = await server.exited;
  expect(code, `${backend} exit code; output:\n${server.outputTail()}`).toBe(0);

  const dependency = await eventually(async () => {
    await platform.collector.flush();
    const data = await graphql<{ dependencies: Dependency[] }>(platform.apiUrl, '{ dependencies { from to kind protocol calls errors } }');
    const found = data.dependencies.filter((d) => d.from === frontend || d.to === backend);
    expect(found).toHaveLength(1);
    expect(found[0]!.calls).toBe(CALLS);
    return found[0]!;
  }, 30_000);
  // Both processes have exited, so everything they exported has been answered.
  const after = await ingestCounts();
  const ingested = {
    requests: after.requests - before.requests,
    acceptedSpans: after.acceptedSpans - before.acceptedSpans,
    grpcRequests: after.grpcRequests - before.grpcRequests,
    grpcAcceptedSpans: after.grpcAcceptedSpans - before.grpcAcceptedSpans,
  };
  return { dependency, ingested };
}

describe('the same two-service call traced by the official OpenTelemetry SDK of each language, over each OTLP protocol', () => {
  for (const testCase of cases) {
    const { language: languageName, prefix, transport } = testCase;
    const how = testCase.byDefault ? `${transport}, its default` : transport;
    it(`${languageName} (${how}): ${prefix}-frontend -> ${prefix}-backend over HTTP is one SYNC http dependency`, async () => {
      const { dependency, ingested } = await traceTwoServiceCall(testCase);
      expect(dependency).toEqual({ from: `${prefix}-frontend`, to: `${prefix}-backend`, kind: 'SYNC', protocol: 'http', calls: CALLS, errors: 0 });

      const data = await graphql<{ services: Array<{ name: string; kind: string }> }>(platform.apiUrl, '{ services { name kind } }');
      const mine = data.services.filter((s) => s.name.startsWith(`${prefix}-`));
      expect(mine.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: `${prefix}-backend`, kind: 'SERVICE' },
        { name: `${prefix}-frontend`, kind: 'SERVICE' },
      ]);

      // At least a CLIENT and a SERVER span per call, all over the transport the case chose.
      expect(ingested.acceptedSpans, JSON.stringify(ingested)).toBeGreaterThanOrEqual(2 * CALLS);
      if (transport === 'grpc') {
        expect(ingested.grpcRequests, JSON.stringify(ingested)).toBeGreaterThan(0);
        expect(ingested.grpcAcceptedSpans, JSON.stringify(ingested)).toBe(ingested.acceptedSpans);
        expect(ingested.grpcRequests, JSON.stringify(ingested)).toBe(ingested.requests);
      } else {
        expect(ingested, JSON.stringify(ingested)).toMatchObject({ grpcRequests: 0, grpcAcceptedSpans: 0 });
        expect(ingested.requests).toBeGreaterThan(0);
      }
      observed.set(prefix, dependency);
    }, 300_000);
  }

  it('every language and protocol comes out as the same dependency', () => {
    const missing = cases.map((c) => c.prefix).filter((prefix) => !observed.has(prefix));
    expect(missing, 'cases whose own test failed').toEqual([]);
    const shape = (prefix: string) => {
      const d = observed.get(prefix)!;
      return { ...d, from: d.from.slice(prefix.length + 1), to: d.to.slice(prefix.length + 1) };
    };
    for (const { prefix } of cases) expect(shape(prefix), prefix).toEqual(shape('node-proto'));
  });
});
