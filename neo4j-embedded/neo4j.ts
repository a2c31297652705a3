// Starts Orrery's embedded Neo4j default: a small Java launcher (EmbeddedNeo4j.java) built
// with the Maven wrapper and run as a child process that speaks Bolt on loopback.
//
// Protocol with the child: it prints exactly one stdout line, `ORRERY_NEO4J_READY bolt://HOST:PORT`,
// once the default database is available; everything else goes to stderr. It shuts down on
// SIGTERM and when its stdin reaches EOF, so a crashed parent never leaves it running.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { withFileLock } from '../tools/file-lock.ts';

export interface EnsureNeo4jBuiltOptions {
  /** Progress and build output. Default: one line on stderr when a build starts. */
  log?: (line: string) => void;
}

export interface StartEmbeddedNeo4jOptions {
  /** Neo4j home: store, transaction logs and Neo4j's own logs live under it (e.g. `.orrery/neo4j`). */
  dataDir: string;
  /** Bolt port on 127.0.0.1. Default 7687. */
  boltPort?: number;
  /** JVM heap, used for both -Xms and -Xmx. Default 1024. */
  heapMb?: number;
  /** Neo4j page cache (off-heap, on top of the heap). Default 64. */
  pageCacheMb?: number;
  /** Every line Neo4j logs. Default: only WARN/ERROR lines (and their stack traces), on stderr. */
  log?: (line: string) => void;
  /** How long to wait for the READY line. Default 120 000. */
  readyTimeoutMs?: number;
}

export interface EmbeddedNeo4j {
  /** e.g. `bolt://127.0.0.1:7687`; no authentication (loopback only). */
  uri: string;
  /** Process id of the Java child (for reading its CPU time or memory from /proc in benchmarks). */
  pid: number | undefined;
  /** Resolves when the process has exited, whether through stop() or on its own. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait for a clean shutdown, force-kill after 20 s. Idempotent. */
  stop(): Promise<void>;
}

const launcherDir = path.dirname(fileURLToPath(import.meta.url));
const targetDir = path.join(launcherDir, 'target');
const stampPath = path.join(targetDir, '.orrery-build-stamp');
const buildLockPath = path.join(targetDir, '.orrery-build.lock');
const mainClass = 'dev.orrery.neo4j.EmbeddedNeo4j';
const readyPrefix = 'ORRERY_NEO4J_READY ';

const minimumJavaMajor = 17;
const defaultReadyTimeoutMs = 120_000;
const stopGraceMs = 20_000;
const stderrTailLines = 40;
// Flags Neo4j's own launcher passes on Java 17 (see /work/shared/STACK.md).
const neo4jJvmFlags = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dlog4j2.disable.jmx=true',
  '-Dfile.encoding=UTF-8',
  // A JVM that ran out of heap is unusable; exiting makes the failure visible to the parent.
  '-XX:+ExitOnOutOfMemoryError',
];

const howToAvoidJava =
  'or set NEO4J_URI (with NEO4J_USER and NEO4J_PASSWORD) to use a Neo4j you run yourself';

let buildInFlight: Promise<void> | undefined;

/**
 * Builds the launcher with the Maven wrapper unless target/ already holds a build of the
 * current pom.xml and sources. Safe to call concurrently, within and across processes.
 */
export function ensureNeo4jBuilt(options: EnsureNeo4jBuiltOptions = {}): Promise<void> {
  buildInFlight ??= buildIfStale(options.log ?? defaultBuildLog).finally(() => {
    buildInFlight = undefined;
  });
  return buildInFlight;
}

/** Starts Neo4j and resolves once Bolt answers for the default database. */
export async function startEmbeddedNeo4j(options: StartEmbeddedNeo4jOptions): Promise<EmbeddedNeo4j> {
  const settings = validateStartOptions(options);
  const host = '127.0.0.1';

  const java = await findJava();
  await assertPortFree(host, settings.boltPort);
  await ensureNeo4jBuilt(options.log ? { log: options.log } : {});
  await mkdir(settings.dataDir, { recursive: true });

  const args = [
    `-Xms${settings.heapMb}m`,
    `-Xmx${settings.heapMb}m`,
    ...neo4jJvmFlags,
    '-cp',
    [path.join(targetDir, 'classes'), path.join(targetDir, 'lib', '*')].join(path.delimiter),
    mainClass,
    '--home',
    settings.dataDir,
    '--listen',
    `${host}:${settings.boltPort}`,
    '--pagecache',
    `${settings.pageCacheMb}m`,
  ];
  // stdin stays open for the child's whole life: its EOF is the child's signal to shut down.
  const child = spawn(java.command, args, { cwd: launcherDir, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const stderrTail: string[] = [];
  forwardStderr(child, settings.log, stderrTail);

  const uri = await waitForReady(child, exited, stderrTail, settings);
  let stopping: Promise<void> | undefined;
  return {
    uri,
    pid: child.pid,
    exited,
    stop() {
      stopping ??= stopChild(child, exited);
      return stopping;
    },
  };
}

interface StartSettings {
  dataDir: string;
  boltPort: number;
  heapMb: number;
  pageCacheMb: number;
  log: (line: string) => void;
  readyTimeoutMs: number;
}

function validateStartOptions(options: StartEmbeddedNeo4jOptions): StartSettings {
  const problems: string[] = [];
  const positiveInteger = (name: string, value: number, max: number): number => {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      problems.push(`${name} must be an integer from 1 to ${max}, got ${String(value)}`);
    }
    return value;
  };
  if (typeof options.dataDir !== 'string' || options.dataDir.trim() === '') {
    problems.push('dataDir must be a non-empty path');
  }
  const settings: StartSettings = {
    dataDir: path.resolve(options.dataDir ?? ''),
    boltPort: positiveInteger('boltPort', options.boltPort ?? 7687, 65_535),
    heapMb: positiveInteger('heapMb', options.heapMb ?? 1024, 1_048_576),
    pageCacheMb: positiveInteger('pageCacheMb', options.pageCacheMb ?? 64, 1_048_576),
    log: options.log ?? defaultNeo4jLog(),
    readyTimeoutMs: positiveInteger('readyTimeoutMs', options.readyTimeoutMs ?? defaultReadyTimeoutMs, 2_147_483_647),
  };
  if (problems.length > 0) {
    throw new Error(`startEmbeddedNeo4j: invalid options:\n  ${problems.join('\n  ')}`);
  }
  return settings;
}

// ---------------------------------------------------------------------------------------------
// Build

async function buildIfStale(log: (line: string) => void): Promise<void> {
  const wanted = await sourceHash();
  if ((await readStamp()) === wanted && (await buildOutputPresent())) return;

  await withFileLock(buildLockPath, 'build of the embedded Neo4j launcher', async () => {
    // Another process may have finished the same build while this one waited for the lock.
    if ((await readStamp()) === wanted && (await buildOutputPresent())) return;
    await findJava();
    await findJavac();
    log('orrery: building the embedded Neo4j launcher with the Maven wrapper (the first build downloads Maven and Neo4j from Maven Central; about 1-2 minutes)');
    const startedAt = Date.now();
    await runMavenPackage();
    await writeFile(stampPath, `${wanted}\n`);
    log(`orrery: embedded Neo4j launcher built in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  });
}

/** Hash of everything the build reads: pom.xml, the wrapper's settings and src/. */
async function sourceHash(): Promise<string> {
  const files = ['pom.xml', path.join('.mvn', 'wrapper', 'maven-wrapper.properties')];
  files.push(...(await listFiles(path.join(launcherDir, 'src'))).map((file) => path.relative(launcherDir, file)));
  const hash = createHash('sha256');
  for (const file of files.sort()) {
    hash.update(file.split(path.sep).join('/'));
    hash.update('\0');
    hash.update(await readFile(path.join(launcherDir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(full);
      return Promise.resolve(entry.isFile() ? [full] : []);
    }),
  );
  return nested.flat();
}

async function readStamp(): Promise<string | undefined> {
  try {
    return (await readFile(stampPath, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function buildOutputPresent(): Promise<boolean> {
  try {
    await stat(path.join(targetDir, 'classes', ...mainClass.split('.')) + '.class');
    return (await readdir(path.join(targetDir, 'lib'))).some((name) => name.startsWith('neo4j-kernel-'));
  } catch {
    return false;
  }
}

async function runMavenPackage(): Promise<void> {
  const mavenArgs = ['-q', '-B', 'package', '-DskipTests'];
  // `sh mvnw` rather than `./mvnw`: works even where the executable bit was lost.
  const [command, args] =
    process.platform === 'win32' ? ['mvnw.cmd', mavenArgs] : ['sh', ['mvnw', ...mavenArgs]];
  const output: string[] = [];
  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    const child = spawn(command, args, {
      cwd: launcherDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => pushBounded(output, line, 60));
    }
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  if (exit.code !== 0) {
    const reason = exit.error ? exit.error.message : `exit code ${String(exit.code)}`;
    throw new Error(
      `Building the embedded Neo4j launcher failed (${reason}).\n` +
        `  command: ${command} ${args.join(' ')} (in ${launcherDir})\n` +
        `  The wrapper needs a JDK ${minimumJavaMajor}+ and access to Maven Central (repo.maven.apache.org).\n` +
        (output.length > 0 ? `  last output:\n    ${output.join('\n    ')}` : '  (no output)'),
    );
  }
}


function defaultBuildLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// Java

interface JavaInstallation {
  command: string;
  major: number;
}

async function findJava(): Promise<JavaInstallation> {
  const command = javaTool('java');
  let versionText: string;
  try {
    versionText = await toolVersion(command);
  } catch (error) {
    throw new Error(
      `Java was not found (tried ${command}: ${(error as Error).message}). ` +
        `Orrery's embedded Neo4j needs a JDK ${minimumJavaMajor} or newer: install one ` +
        `(e.g. apt-get install openjdk-17-jdk-headless, or https://adoptium.net) and put it on PATH or set JAVA_HOME, ` +
        `${howToAvoidJava}.`,
    );
  }
  const major = parseJavaMajor(versionText);
  if (major === undefined || major < minimumJavaMajor) {
    const found = versionText.split('\n')[0]?.trim() ?? 'unknown';
    throw new Error(
      `Java ${minimumJavaMajor} or newer is needed for the embedded Neo4j, but ${command} is "${found}". ` +
        `Install a JDK ${minimumJavaMajor}+ and put it first on PATH or set JAVA_HOME, ${howToAvoidJava}.`,
    );
  }
  return { command, major };
}

async function findJavac(): Promise<void> {
  const command = javaTool('javac');
  try {
    await toolVersion(command);
  } catch {
    throw new Error(
      `javac was not found (tried ${command}): building the embedded Neo4j launcher needs a full JDK ${minimumJavaMajor}+, ` +
        `not only a JRE (e.g. apt-get install openjdk-17-jdk-headless), ${howToAvoidJava}.`,
    );
  }
}

function javaTool(name: 'java' | 'javac'): string {
  const javaHome = process.env['JAVA_HOME'];
  const executable = process.platform === 'win32' ? `${name}.exe` : name;
  return javaHome ? path.join(javaHome, 'bin', executable) : executable;
}

/** `java -version` writes to stderr; both streams are read to be safe. */
function toolVersion(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-version'], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(error);
      else resolve(`${stderr}${stdout}`);
    });
  });
}

/** `version "17.0.15"` -> 17; the pre-9 scheme `version "1.8.0_392"` -> 8. */
function parseJavaMajor(versionText: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText) ?? /^javac? (\d+)(?:\.(\d+))?/m.exec(versionText);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

// ---------------------------------------------------------------------------------------------
// Process

function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`${host}:${port} is already in use — another Neo4j? Stop it, or set NEO4J_URI to use it`));
      } else {
        reject(new Error(`Cannot listen on ${host}:${port} for the embedded Neo4j: ${error.message}`));
      }
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function forwardStderr(child: ChildProcess, log: (line: string) => void, tail: string[]): void {
  if (!child.stderr) return;
  createInterface({ input: child.stderr }).on('line', (line) => {
    pushBounded(tail, line, stderrTailLines);
    log(line);
  });
}

function waitForReady(
  child: ChildProcess,
  exited: EmbeddedNeo4j['exited'],
  stderrTail: string[],
  settings: StartSettings,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const lastOutput = (): string => {
      const lines = stderrTail.filter((line) => !isStackFrame(line)).slice(-15);
      return lines.length > 0 ? `\n  last output:\n    ${lines.join('\n    ')}` : '\n  (no output)';
    };

    const timer = setTimeout(() => {
      settle(() => {
        reject(
          new Error(
            `Embedded Neo4j (data in ${settings.dataDir}) was not ready within ${settings.readyTimeoutMs} ms; stopping it.` +
              lastOutput(),
          ),
        );
        void stopChild(child, exited);
      });
    }, settings.readyTimeoutMs);

    child.once('error', (error) => {
      settle(() => reject(new Error(`Could not run Java for the embedded Neo4j: ${error.message}`)));
    });

    // 'close' rather than 'exit': by then stderr is drained, so the tail holds the last words.
    child.once('close', (code, signal) => {
      settle(() => {
        const how = signal ? `signal ${signal}` : `exit code ${String(code)}`;
        reject(
          new Error(
            `Embedded Neo4j exited (${how}) before it was ready.${startFailureHint(stderrTail, settings.dataDir)}` +
              lastOutput(),
          ),
        );
      });
    });

    if (!child.stdout) return;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(readyPrefix)) {
        settle(() => resolve(line.slice(readyPrefix.length).trim()));
      } else if (line.trim() !== '') {
        settings.log(line);
      }
    });
  });
}

function startFailureHint(stderrTail: string[], dataDir: string): string {
  const output = stderrTail.join('\n');
  if (/lock/i.test(output) && /store|database|file/i.test(output)) {
    return ` The store in ${dataDir} is locked: another Orrery or Neo4j process is probably using it. Stop that process, or use another data directory (ORRERY_DATA_DIR).`;
  }
  if (/OutOfMemoryError/.test(output)) {
    return ' Java ran out of heap: raise heapMb.';
  }
  return '';
}

async function stopChild(child: ChildProcess, exited: EmbeddedNeo4j['exited']): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // On Windows SIGTERM is a hard kill; closing stdin asks the launcher to shut down cleanly.
  if (process.platform === 'win32') child.stdin?.end();
  else child.kill('SIGTERM');
  const forceKill = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
  try {
    await exited;
  } finally {
    clearTimeout(forceKill);
  }
}

/**
 * Without a caller-supplied log, Neo4j's INFO chatter is dropped; WARN/ERROR lines and the
 * stack-trace lines that follow them still reach stderr.
 */
function defaultNeo4jLog(): (line: string) => void {
  let showing = false;
  return (line) => {
    const level = /^\d{4}-\d\d-\d\d \S+ (DEBUG|INFO|WARN|ERROR)\b/.exec(line)?.[1];
    if (level) showing = level === 'WARN' || level === 'ERROR';
    else if (/Exception|Error\b/.test(line)) showing = true; // a Java exception outside Neo4j's log format
    // Other lines (launcher notes, "Caused by") belong to the entry above them. Stack frames are
    // left to a caller-supplied log: the messages carry what a user can act on.
    if (showing && !isStackFrame(line)) process.stderr.write(`[neo4j] ${line}\n`);
  };
}

function isStackFrame(line: string): boolean {
  return /^\s+(at |\.\.\. \d+ more)/.test(line);
}

function pushBounded(lines: string[], line: string, max: number): void {
  lines.push(line);
  if (lines.length > max) lines.splice(0, lines.length - max);
}
