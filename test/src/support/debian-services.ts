// Real PostgreSQL, Redis, RabbitMQ, Alertmanager and Prometheus for the suites, from Debian's packages: installed with
// apt-get on first use (as tools/test.ts installs Chromium), then started as plain child
// processes on free loopback ports with throwaway data directories, so they never meet a
// system instance (none is started, none is stopped). Each start resolves once the server
// answers its own protocol; stop() ends the process and deletes its data.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from '../../../tools/file-lock.ts';
import { freePort } from './free-port.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const installLock = path.join(repoRoot, '.tools', 'debian-services.lock');
// RabbitMQ takes 5 s on an idle machine and 20 s beside a starting JVM and Neo4j on 2 cores.
const startTimeoutMs = 120_000;

const log = (line: string) => process.stderr.write(`[debian-services] ${line}\n`);

/** A server started by this module. */
export interface LocalServer {
  /** Always 127.0.0.1: the port is free on loopback only. */
  host: string;
  port: number;
  /** Milliseconds from spawn to the first answer. */
  startMs: number;
  /** Ends the process (fast shutdown, then SIGKILL) and removes its data directory. Idempotent. */
  stop(): Promise<void>;
}

export interface PostgresServer extends LocalServer {
  /** A database created for the caller; the superuser is `postgres`, trusted on loopback, no password. */
  database: string;
  user: string;
  /** `postgresql://postgres@127.0.0.1:<port>/<database>` */
  url: string;
}

export interface RedisServer extends LocalServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
}

export interface RabbitMqServer extends LocalServer {
  /** `amqp://guest:guest@127.0.0.1:<port>` (guest may log in over loopback). */
  url: string;
}

export interface AlertmanagerServer extends LocalServer {
  /** `http://127.0.0.1:<port>`: the API is under /api/v2. */
  url: string;
}

export interface PrometheusServer extends LocalServer {
  /** `http://127.0.0.1:<port>`: the HTTP API is under /api/v1. */
  url: string;
}

// ---------------------------------------------------------------------------------------------
// Installation

interface Package {
  /** The Debian package that provides it. */
  debian: string;
  /** The executable, or undefined while the package is missing. */
  find: () => string | undefined;
}

const PACKAGES = {
  postgresql: { debian: 'postgresql', find: findPostgresBin },
  redis: { debian: 'redis-server', find: () => firstExisting(['/usr/bin/redis-server']) },
  rabbitmq: { debian: 'rabbitmq-server', find: () => firstExisting(['/usr/lib/rabbitmq/bin/rabbitmq-server']) },
  alertmanager: { debian: 'prometheus-alertmanager', find: () => firstExisting(['/usr/bin/prometheus-alertmanager']) },
  prometheus: { debian: 'prometheus', find: () => firstExisting(['/usr/bin/prometheus']) },
} satisfies Record<string, Package>;

type ServerName = keyof typeof PACKAGES;

/** The newest installed major version's bin directory (Debian installs /usr/lib/postgresql/<major>/bin). */
function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = path.join(root, major, 'bin');
    if (existsSync(path.join(bin, 'postgres')) && existsSync(path.join(bin, 'initdb'))) return bin;
  }
  return undefined;
}

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((candidate) => existsSync(candidate));
}

/**
 * Installs whichever of the servers are missing, in one apt-get run under a lock (two suites,
 * or a suite and a terminal, may ask at once). Debian's maintainer scripts may try to start
 * the system service; in containers /usr/sbin/policy-rc.d forbids it, elsewhere it runs on
 * the default ports, which these tests never use.
 */
export async function ensureDebianServers(names: ServerName[]): Promise<Record<ServerName, string>> {
  const missing = () => names.filter((name) => PACKAGES[name].find() === undefined);
  if (missing().length > 0) {
    await withFileLock(installLock, 'install of Debian server packages', async () => {
      const wanted = missing().map((name) => PACKAGES[name].debian);
      if (wanted.length === 0) return;
      if (process.getuid?.() !== 0) {
        throw new Error(`${wanted.join(', ')} missing and this user cannot install them: run \`sudo apt-get install -y ${wanted.join(' ')}\` once`);
      }
      const startedAt = performance.now();
      log(`installing ${wanted.join(', ')} from Debian's packages (first use on this machine)`);
      await apt(['update', '-qq']);
      await apt(['install', '-y', '-qq', '--no-install-recommends', ...wanted]);
      log(`installed ${wanted.join(', ')} in ${Math.round((performance.now() - startedAt) / 1000)} s`);
    });
  }
  const found = {} as Record<ServerName, string>;
  for (const name of names) {
    const executable = PACKAGES[name].find();
    if (!executable) throw new Error(`${PACKAGES[name].debian} was installed but its executable was not found`);
    found[name] = executable;
  }
  return found;
}

function apt(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // apt's own lock is waited for too (an unattended upgrade may hold it for a while).
    const child = spawn('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      if (output.length > 200) output.shift();
      // Progress, a line per package fetched, unpacked and set up (a first install takes a while).
      for (const line of text.split('\n')) if (/^(Get:\d+ |Unpacking |Setting up )/.test(line)) log(`  ${line.trim()}`);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`apt-get ${args.join(' ')} failed (exit code ${code}); output:\n${output.join('').slice(-4000)}`)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Spawned {
  child: ChildProcess;
  exited: Promise<void>;
  output: () => string;
}

/** Every server still running; killed if the test runner exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function spawnServer(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number; cwd?: string }): Spawned {
  const child = spawn(command, args, { env: options.env ?? process.env, uid: options.uid, gid: options.gid, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString().split('\n').filter((line) => line.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      tail.push(`could not start ${command}: ${error.message}`);
      resolve();
    });
    child.once('close', () => resolve());
  });
  void exited.then(() => live.delete(child));
  return { child, exited, output: () => `${name}:\n  ${tail.join('\n  ')}` };
}

async function stopProcess(spawned: Spawned, signal: NodeJS.Signals): Promise<void> {
  const { child, exited } = spawned;
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `answers` until it resolves true; fails early if the process exits. */
async function waitUntilAnswering(name: string, spawned: Spawned, answers: () => Promise<boolean>): Promise<void> {
  let exited = false;
  void spawned.exited.then(() => (exited = true));
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} exited before answering; output:\n${spawned.output()}`);
    if (await answers().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${name} did not answer within ${startTimeoutMs} ms; output:\n${spawned.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends `request` over TCP and resolves with whether the first bytes back satisfy `ok`. */
function probe(port: number, request: Buffer | string, ok: (reply: Buffer) => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (value: boolean) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(request));
    socket.once('data', (reply) => done(ok(reply)));
    socket.once('end', () => done(false));
  });
}

function makeDataDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `orrery-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** The account PostgreSQL runs as when we are root (it refuses to run as root). */
function postgresAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('PostgreSQL refuses to run as root and there is no `postgres` user (the postgresql package creates it)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(options: { database?: string } = {}): Promise<PostgresServer> {
  const { postgresql: bin } = await ensureDebianServers(['postgresql']);
  const database = options.database ?? 'orrery';
  const account = postgresAccount();
  const dir = makeDataDir('postgres');
  const dataDir = path.join(dir, 'data');
  if (account) chownSync(dir, account.uid, account.gid);
  const asAccount = { uid: account?.uid, gid: account?.gid, cwd: dir, env: { ...process.env, LC_ALL: 'C.UTF-8', PGTZ: 'UTC' } };

  const startedAt = performance.now();
  execFileSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C.UTF-8'], { ...asAccount, stdio: 'pipe' });
  const port = await freePort();
  // No Unix socket (its default directory belongs to the system instance), no fsync: a throwaway
  // database, as fast as it can be.
  const server = spawnServer('postgres', path.join(bin, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', '',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=50',
  ], asAccount);
  const isReady = path.join(bin, 'pg_isready');
  try {
    await waitUntilAnswering('PostgreSQL', server, async () => {
      execFileSync(isReady, ['-q', '-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
      return true;
    });
    execFileSync(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database], { stdio: 'pipe' });
  } catch (error) {
    await stopProcess(server, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const startMs = Math.round(performance.now() - startedAt);
  log(`PostgreSQL on 127.0.0.1:${port} (database ${database}) in ${startMs} ms`);
  return {
    host: '127.0.0.1',
    port,
    database,
    user: 'postgres',
    url: `postgresql://postgres@127.0.0.1:${port}/${database}`,
    startMs,
    stop: once(async () => {
      // SIGINT is PostgreSQL's fast shutdown: open connections are closed, not waited for.
      await stopProcess(server, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Redis

export async function startRedis(): Promise<RedisServer> {
  const { redis: executable } = await ensureDebianServers(['redis']);
  const dir = makeDataDir('redis');
  const port = await freePort();
  const startedAt = performance.now();
  const server = spawnServer('redis-server', executable, [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '',
  ], { cwd: dir });
  try {
    await waitUntilAnswering('Redis', server, () => probe(port, 'PING\r\n', (reply) => reply.toString().startsWith('+PONG')));
  } catch (error) {
    await stopProcess(server, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const startMs = Math.round(performance.now() - startedAt);
  log(`Redis on 127.0.0.1:${port} in ${startMs} ms`);
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    startMs,
    stop: once(async () => {
      await stopProcess(server, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// RabbitMQ

/** The AMQP 0-9-1 protocol header; a broker answers it with Connection.Start (a method frame, type 1). */
const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

/**
 * A RabbitMQ node of its own: its own node name, Mnesia and log directories, AMQP and
 * distribution ports, Erlang cookie (HOME) and epmd on a free port, started in the foreground
 * with no plugins. Nothing it leaves behind survives stop(): epmd is our child too.
 */
export async function startRabbitMq(): Promise<RabbitMqServer> {
  const { rabbitmq: executable } = await ensureDebianServers(['rabbitmq']);
  const dir = makeDataDir('rabbitmq');
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const nodeName = `orrery-${process.pid}-${port}@localhost`;
  const enabledPlugins = path.join(dir, 'enabled_plugins');
  writeFileSync(enabledPlugins, '[].\n');
  const config = path.join(dir, 'rabbitmq.conf');
  // guest may log in from loopback by default; the disk alarm is off because a test machine's
  // /tmp may be nearly full without it mattering for a few messages.
  writeFileSync(config, 'loopback_users.guest = true\ndisk_free_limit.absolute = 1\n');
  const erlangEnv = { ERL_EPMD_PORT: String(epmdPort), ERL_EPMD_ADDRESS: '127.0.0.1' };

  const startedAt = performance.now();
  const epmd = spawnServer('epmd', 'epmd', ['-port', String(epmdPort)], { env: { ...process.env, ...erlangEnv }, cwd: dir });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...erlangEnv,
    HOME: dir, // the Erlang cookie is created here, not in the runner's home
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
    RABBITMQ_ENABLED_PLUGINS_FILE: enabledPlugins,
    RABBITMQ_CONFIG_FILE: config,
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
    // Debian's /etc/rabbitmq/rabbitmq-env.conf must not override the settings above.
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'rabbitmq-env.conf'),
    // The broker makes epmd only when none answers on ERL_EPMD_PORT; ours is started first.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-start_epmd false',
  };
  writeFileSync(env.RABBITMQ_CONF_ENV_FILE!, '');
  const server = spawnServer('rabbitmq-server', executable, [], { env, cwd: dir });
  const stopAll = async (signal: NodeJS.Signals) => {
    await stopProcess(server, signal);
    await stopProcess(epmd, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering('RabbitMQ', server, () => probe(port, AMQP_HEADER, (reply) => reply[0] === 1));
  } catch (error) {
    await stopAll('SIGKILL');
    throw new Error(`${(error as Error).message}\n${epmd.output()}`);
  }
  const startMs = Math.round(performance.now() - startedAt);
  log(`RabbitMQ on 127.0.0.1:${port} (node ${nodeName}) in ${startMs} ms`);
  return {
    host: '127.0.0.1',
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    startMs,
    stop: once(() => stopAll('SIGTERM')),
  };
}

// ---------------------------------------------------------------------------------------------
// Alertmanager

/** Routes every alert to a receiver that sends nothing: tests read Alertmanager's own API. */
const SILENT_ALERTMANAGER_CONFIG = `route:
  receiver: none
  group_wait: 1s
receivers:
  - name: none
`;

/**
 * Prometheus Alertmanager alone (no cluster: its gossip port stays closed), with its own
 * configuration, silences and notification log in a throwaway directory. `config` replaces the
 * default configuration (alertmanager.yml), which notifies nobody.
 */
export async function startAlertmanager(options: { config?: string } = {}): Promise<AlertmanagerServer> {
  const { alertmanager: executable } = await ensureDebianServers(['alertmanager']);
  const dir = makeDataDir('alertmanager');
  const configFile = path.join(dir, 'alertmanager.yml');
  writeFileSync(configFile, options.config ?? SILENT_ALERTMANAGER_CONFIG);
  const started = await startPrometheusStyleServer('Alertmanager', executable, dir, (port) => [
    `--config.file=${configFile}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=', '--log.level=warn',
  ]);
  log(`Alertmanager on ${started.url} in ${started.startMs} ms`);
  return started;
}

/**
 * Starts one of the Prometheus family (Prometheus, Alertmanager) on a free loopback port: both
 * answer `/-/ready` once up. A server that never does is killed and its directory removed; the
 * one returned removes `dir` when stopped.
 */
async function startPrometheusStyleServer(name: string, executable: string, dir: string, args: (port: number) => string[]) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const startedAt = performance.now();
  const server = spawnServer(name.toLowerCase(), executable, args(port), { cwd: dir });
  try {
    await waitUntilAnswering(name, server, async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok);
  } catch (error) {
    await stopProcess(server, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    url,
    startMs: Math.round(performance.now() - startedAt),
    stop: once(async () => {
      await stopProcess(server, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Prometheus

/**
 * A Prometheus server scraping `targets` (host:port, path `metricsPath`) every `scrapeIntervalS`
 * seconds, with its TSDB in a throwaway directory. `bearerToken` is sent on each scrape.
 */
export async function startPrometheus(options: { targets: string[]; metricsPath?: string; scrapeIntervalS?: number; bearerToken?: string }): Promise<PrometheusServer> {
  const { prometheus: executable } = await ensureDebianServers(['prometheus']);
  const dir = makeDataDir('prometheus');
  const configFile = path.join(dir, 'prometheus.yml');
  const interval = `${options.scrapeIntervalS ?? 1}s`;
  writeFileSync(configFile, [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: orrery',
    `    metrics_path: ${JSON.stringify(options.metricsPath ?? '/metrics')}`,
    `    scrape_timeout: ${interval}`,
    ...(options.bearerToken ? ['    authorization:', `      credentials: ${JSON.stringify(options.bearerToken)}`] : []),
    '    static_configs:',
    `      - targets: ${JSON.stringify(options.targets)}`,
    '',
  ].join('\n'));
  const started = await startPrometheusStyleServer('Prometheus', executable, dir, (port) => [
    `--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ]);
  log(`Prometheus on ${started.url} in ${started.startMs} ms, scraping ${options.targets.join(', ')} every ${interval}`);
  return started;
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}
