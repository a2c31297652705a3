// Real clients in three languages: the official OpenTelemetry SDKs of Node (Orrery's agent,
// @opentelemetry/sdk-node), Python (opentelemetry-instrument, the SDK and the OTLP/HTTP protobuf
// exporter) and Java (the OpenTelemetry Java agent) each trace the same two-service call over
// real HTTP on loopback, configured only by the standard OTEL_* variables. Whatever each SDK
// chooses to send, the collector must make the same dependency of it: frontend -> backend,
// SYNC, http, one call per request.
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
  prefix: string;
  /** Installs what the language needs (once per machine) and says how to run its programs. */
  prepare: () => Promise<Launcher>;
}

const languages: Record<'node' | 'python' | 'java', Language> = {
  node: {
    prefix: 'node',
    prepare: async () => (program, args) => ({
      command: process.execPath,
      args: ['--import', nodeAgent, path.join(here, 'node', `${program}.ts`), ...args],
      // Orrery's Node agent exports OTLP/HTTP JSON only; it would warn about http/protobuf and
      // send JSON anyway, so ask for what it sends.
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    }),
  },
  python: {
    prefix: 'py',
    prepare: async () => {
      const python = await ensurePythonOtel();
      return (program, args) => ({ command: opentelemetryInstrument(python), args: [python, path.join(here, 'python', `${program}.py`), ...args] });
    },
  },
  java: {
    prefix: 'java',
    prepare: async () => {
      const agent = await ensureJavaAgent();
      return (program, args) => ({
        command: javaCommand(),
        args: [`-javaagent:${agent}`, '-cp', interopJavaClasses, `dev.orrery.interop.${program === 'backend' ? 'Backend' : 'Frontend'}`, ...args],
      });
    },
  },
};

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

function otelEnv(serviceName: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The runner's own OTEL_* settings (if any) must not leak into the services under test.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  return {
    ...inherited,
    OTEL_SERVICE_NAME: serviceName,
    OTEL_EXPORTER_OTLP_ENDPOINT: platform.otlpUrl.replace(/\/v1\/traces$/, ''),
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    ...extra,
  };
}

function start(name: string, launch: ReturnType<Launcher>): RunningProcess {
  const child = startProcess({ name, command: launch.command, args: launch.args, env: otelEnv(name, launch.env) });
  running.add(child);
  return child;
}

/** Runs B, then A (which calls B CALLS times), stops B so it flushes, and reads the result from GraphQL. */
async function traceTwoServiceCall(languageName: keyof typeof languages): Promise<Dependency> {
  const { prefix } = languages[languageName];
  const launch = await prepared.get(languageName)!;
  const frontend = `${prefix}-frontend`;
  const backend = `${prefix}-backend`;
  const port = await freePort();

  const server = start(backend, launch('backend', [String(port)]));
  try {
    await server.waitForLine(/^READY /, startTimeoutMs);
    const client = start(frontend, launch('frontend', [`http://127.0.0.1:${port}/price/sku-1`, String(CALLS)]));
    expect(await finished(client, runTimeoutMs)).toContain(`DONE ${CALLS}`);
  } finally {
    // Closing stdin is each backend's cue to shut down through its SDK's flush.
    await server.stop();
  }
  const { code } = await server.exited;
  expect(code, `${backend} exit code; output:\n${server.outputTail()}`).toBe(0);

  return eventually(async () => {
    await platform.collector.flush();
    const data = await graphql<{ dependencies: Dependency[] }>(platform.apiUrl, '{ dependencies { from to kind protocol calls errors } }');
    const found = data.dependencies.filter((d) => d.from === frontend || d.to === backend);
    expect(found).toHaveLength(1);
    expect(found[0]!.calls).toBe(CALLS);
    return found[0]!;
  }, 30_000);
}

describe('the same two-service call traced by the official OpenTelemetry SDK of each language', () => {
  for (const [languageName, { prefix }] of Object.entries(languages) as Array<[keyof typeof languages, Language]>) {
    it(`${languageName}: ${prefix}-frontend -> ${prefix}-backend over HTTP is one SYNC http dependency`, async () => {
      const dependency = await traceTwoServiceCall(languageName);
      expect(dependency).toEqual({ from: `${prefix}-frontend`, to: `${prefix}-backend`, kind: 'SYNC', protocol: 'http', calls: CALLS, errors: 0 });

      const data = await graphql<{ services: Array<{ name: string; kind: string }> }>(platform.apiUrl, '{ services { name kind } }');
      const mine = data.services.filter((s) => s.name.startsWith(`${prefix}-`));
      expect(mine.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: `${prefix}-backend`, kind: 'SERVICE' },
        { name: `${prefix}-frontend`, kind: 'SERVICE' },
      ]);
      observed.set(languageName, dependency);
    }, 300_000);
  }

  it('all three languages come out as the same dependency', () => {
    const missing = Object.keys(languages).filter((name) => !observed.has(name));
    expect(missing, 'languages whose own test failed').toEqual([]);
    const shapes = Object.fromEntries(
      [...observed].map(([name, d]) => [name, { ...d, from: d.from.replace(/^[a-z]+-/, ''), to: d.to.replace(/^[a-z]+-/, '') }]),
    );
    expect(shapes.python).toEqual(shapes.node);
    expect(shapes.java).toEqual(shapes.node);
  });
});
