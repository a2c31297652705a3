// The demo estate: an order-to-cash flow of real Node processes talking HTTP on loopback, the
// instrumented ones traced only through `--import agents/src/register.ts`.
//
//   node agents/demo/estate.ts          (Ctrl-C stops; OTEL_EXPORTER_OTLP_ENDPOINT,
//                                        ORRERY_DEMO_BASE_PORT, ORRERY_DEMO_ORDERS_PER_SECOND)
//
// Children die with the estate: each has an IPC channel to this process and terminates itself
// when it closes, whether stop() ran or this process was killed outright.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEMO_PROCESSES, type DemoProcess, peerServiceMapping, peerUrls } from './topology.ts';

export interface DemoEstateOptions {
  /** OTLP/HTTP base endpoint, e.g. http://127.0.0.1:4318 (`/v1/traces` is appended by the agent). */
  otlpEndpoint: string;
  /** Process i listens on basePort + i. Default 7100. */
  basePort?: number;
  /** Orders the shopper places per second. Default 2. */
  ordersPerSecond?: number;
  /** Receives each line the estate or a child writes, prefixed with the process name. */
  log?: (line: string) => void;
  /** Where the SQLite file lives; default a fresh temporary folder, removed by stop(). */
  dataDir?: string;
  /** Per process, how long to wait for /health. Default 60 s: a loaded 2-core machine starts eleven Node processes slowly. */
  startTimeoutMs?: number;
}

export interface DemoEstateProcess {
  name: string;
  port: number;
  instrumented: boolean;
  pid: number | undefined;
}

export interface DemoEstate {
  /** service.name of every instrumented process: what should show up in traces. */
  services: string[];
  processes: DemoEstateProcess[];
  stop(): Promise<void>;
}

export const DEFAULT_BASE_PORT = 7100;
export const DEFAULT_ORDERS_PER_SECOND = 2;
const STOP_GRACE_MS = 5000;

const here = fileURLToPath(new URL('.', import.meta.url));
const registerPath = resolve(here, '../src/register.ts');

export async function startDemoEstate(options: DemoEstateOptions): Promise<DemoEstate> {
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  const log = options.log ?? (() => {});
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'orrery-demo-'));
  mkdirSync(dataDir, { recursive: true });
  const inventoryDb = join(dataDir, 'inventory.db');

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  // Synchronous last resort if this process exits without stop(); IPC closing covers the rest.
  const killAll = () => {
    for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', killAll);

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.removeListener('exit', killAll);
    // The load generator first, so the others are not stopped in the middle of new work.
    const shopper = children.get('shopper');
    if (shopper) await terminate(shopper);
    await Promise.all([...children].filter(([name]) => name !== 'shopper').map(([, child]) => terminate(child)));
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    log('[estate] stopped');
  };

  const start = (proc: DemoProcess, index: number): ChildProcess => {
    const port = basePort + index;
    const env: NodeJS.ProcessEnv = {
      ...withoutOtelVariables(process.env),
      PORT: String(port),
      DEMO_PEERS: JSON.stringify(peerUrls(basePort)),
      ...(proc.usesInventoryDb ? { INVENTORY_DB: inventoryDb } : {}),
      ...(proc.name === 'shopper' ? { ORDERS_PER_SECOND: String(options.ordersPerSecond ?? DEFAULT_ORDERS_PER_SECOND) } : {}),
      ...(proc.instrumented
        ? {
            OTEL_SERVICE_NAME: proc.name,
            OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
            OTEL_BSP_SCHEDULE_DELAY: '500',
            OTEL_RESOURCE_ATTRIBUTES: `service.namespace=demo,service.version=${proc.version},deployment.environment.name=demo`,
            OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING: peerServiceMapping(basePort),
          }
        : {}),
    };
    const args = [
      // node:sqlite and type stripping announce themselves as experimental on every start.
      '--disable-warning=ExperimentalWarning',
      ...(proc.instrumented ? ['--import', registerPath] : []),
      join(here, 'services', proc.file),
    ];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.set(proc.name, child);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => log(`[${proc.name}] ${line}`));
    }
    child.on('message', (message: { type?: string; stats?: unknown }) => {
      if (message?.type === 'shopper-stats') log(`[shopper] ${JSON.stringify(message.stats)}`);
    });
    child.on('exit', (code, signal) => {
      if (!stopping) log(`[estate] ${proc.name} exited unexpectedly (code ${code}, signal ${signal})`);
    });
    // A child's IPC channel can error when it dies mid-send; that is reported by 'exit'.
    child.on('error', (error) => log(`[estate] ${proc.name}: ${error.message}`));
    return child;
  };

  try {
    const waves = [...new Set(DEMO_PROCESSES.map((p) => p.wave))].sort((a, b) => a - b);
    for (const wave of waves) {
      await Promise.all(
        DEMO_PROCESSES.map((proc, index) => ({ proc, index }))
          .filter(({ proc }) => proc.wave === wave)
          .map(({ proc, index }) => waitHealthy(proc.name, start(proc, index), basePort + index, startTimeoutMs)),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const processes = DEMO_PROCESSES.map((p, i) => ({ name: p.name, port: basePort + i, instrumented: p.instrumented, pid: children.get(p.name)?.pid }));
  log(`[estate] up: ${processes.map((p) => `${p.name}:${p.port}${p.instrumented ? '' : ' (uninstrumented)'}`).join(', ')}`);
  return { services: DEMO_PROCESSES.filter((p) => p.instrumented).map((p) => p.name), processes, stop };
}

/**
 * The estate decides who is traced and how: the parent's OTEL_* settings, and a NODE_OPTIONS
 * that may preload an agent (when the parent is itself instrumented), are not inherited.
 */
function withoutOtelVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('OTEL_') && key !== 'NODE_OPTIONS'));
}

async function waitHealthy(name: string, child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delayMs = 100;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited during start-up (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, delayMs));
    delayMs = Math.min(delayMs * 1.5, 500);
  }
  throw new Error(`${name} did not answer http://127.0.0.1:${port}/health within ${timeoutMs} ms`);
}

/** SIGTERM (the agent flushes, then the process dies by that signal), SIGKILL after a grace period. */
function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit();
    });
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const estate = await startDemoEstate({
    otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
    basePort: process.env.ORRERY_DEMO_BASE_PORT ? Number(process.env.ORRERY_DEMO_BASE_PORT) : undefined,
    ordersPerSecond: process.env.ORRERY_DEMO_ORDERS_PER_SECOND ? Number(process.env.ORRERY_DEMO_ORDERS_PER_SECOND) : undefined,
    log: (line) => console.log(line),
  });
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void estate.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`[estate] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
