// Installs, once per machine, what the interoperability tests and the real-instrumentation
// estate (test/src/real-estate/) run besides Node: a Python venv with the official OpenTelemetry
// SDK and instrumentations (pinned in python/requirements.txt) and the official OpenTelemetry
// Java agent with the estate's Java libraries (pinned in test/interop-java/pom.xml, fetched by
// the Maven wrapper).
// Each install is skipped while its stamp (a hash of what it was built from) still matches, and
// a lock file serialises installs across processes. A missing python3 or JDK is an error with
// instructions, never a silent skip: CI must not go green without the languages it claims.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from '../../../tools/file-lock.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

const pythonRequirements = path.join(here, 'python', 'requirements.txt');
/** Where the venv lives: installed tooling, ignored by git like the rest of .tools/. */
export const pythonOtelDir = path.join(repoRoot, '.tools', 'python-otel');
const pythonStamp = path.join(pythonOtelDir, '.orrery-stamp');
const pythonLock = path.join(repoRoot, '.tools', 'python-otel.lock');
const minimumPython: [number, number] = [3, 10]; // Requires-Python of opentelemetry-sdk 1.45

export const interopJavaDir = path.resolve(here, '../../interop-java');
const javaTarget = path.join(interopJavaDir, 'target');
/** Compiled Backend and Frontend (package dev.orrery.interop), for `java -cp`. */
export const interopJavaClasses = path.join(javaTarget, 'classes');
/** The libraries of the real-instrumentation estate's Inventory (pgjdbc, amqp-client), one jar each. */
export const interopJavaLibs = path.join(javaTarget, 'lib');
/** `java -cp` for dev.orrery.realestate.Inventory: its classes and their libraries. */
export const interopJavaClasspath = [interopJavaClasses, path.join(interopJavaLibs, '*')].join(path.delimiter);
const javaAgentJar = path.join(javaTarget, 'opentelemetry-javaagent.jar');
const javaStamp = path.join(javaTarget, '.orrery-build-stamp');
const javaLock = path.join(javaTarget, '.orrery-build.lock');
const minimumJava = 17; // pom.xml compiles with --release 17

// A first install downloads from PyPI or Maven Central; a lock older than this was abandoned.
const installTimeoutMs = 10 * 60_000;

const log = (line: string) => process.stderr.write(`[interop] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Python

/**
 * The python executable of a venv holding the pinned OpenTelemetry Python SDK, exporter and
 * instrumentation (about 30 s the first time, instant afterwards).
 */
export async function ensurePythonOtel(): Promise<string> {
  const system = await findPython();
  const wanted = hash([await readFile(pythonRequirements), system.identity]);
  const python = venvExecutable(pythonOtelDir, 'python');
  const ready = async () => (await readText(pythonStamp)) === wanted && (await exists(python)) && (await exists(opentelemetryInstrument(python)));
  if (await ready()) return python;

  await mkdir(path.dirname(pythonLock), { recursive: true });
  await withFileLock(pythonLock, 'install of the Python OpenTelemetry SDK', async () => {
    if (await ready()) return;
    log(`installing the OpenTelemetry Python SDK into ${pythonOtelDir} (pinned in ${path.relative(repoRoot, pythonRequirements)})`);
    const startedAt = Date.now();
    await rm(pythonOtelDir, { recursive: true, force: true });
    await runTool(system.command, ['-m', 'venv', pythonOtelDir], repoRoot, 'Creating the Python venv',
      'Debian and Ubuntu ship venv separately: apt-get install python3-venv.');
    await runTool(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', '-r', pythonRequirements], repoRoot,
      'Installing the OpenTelemetry Python packages', 'pip needs access to PyPI (or a mirror set with PIP_INDEX_URL).');
    await writeFile(pythonStamp, `${wanted}\n`);
    log(`OpenTelemetry Python SDK installed in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  });
  return python;
}

/** The zero-code launcher (`opentelemetry-instrument python app.py`) beside a venv's python. */
export function opentelemetryInstrument(python: string): string {
  return path.join(path.dirname(python), process.platform === 'win32' ? 'opentelemetry-instrument.exe' : 'opentelemetry-instrument');
}

function venvExecutable(venv: string, name: string): string {
  return process.platform === 'win32' ? path.join(venv, 'Scripts', `${name}.exe`) : path.join(venv, 'bin', name);
}

async function findPython(): Promise<{ command: string; identity: string }> {
  const command = process.platform === 'win32' ? 'python' : 'python3';
  let output: string;
  try {
    output = await capture(command, ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1]); print(sys.version); print(sys.executable)']);
  } catch (error) {
    throw new Error(
      `Python was not found (tried ${command}: ${(error as Error).message}). The interoperability test runs the official ` +
        `OpenTelemetry Python SDK and needs Python ${minimumPython.join('.')}+ with venv on PATH ` +
        `(e.g. apt-get install python3 python3-venv, or https://www.python.org/downloads/).`,
    );
  }
  const [major, minor] = output.split('\n')[0]!.split(' ').map(Number) as [number, number];
  if (major < minimumPython[0] || (major === minimumPython[0] && minor < minimumPython[1])) {
    throw new Error(`The OpenTelemetry Python SDK needs Python ${minimumPython.join('.')}+, but ${command} is ${major}.${minor}. Put a newer python3 first on PATH.`);
  }
  // The version and the interpreter's path: a different python3 gets a fresh venv.
  return { command, identity: output.split('\n').slice(1).join('\n') };
}

// ---------------------------------------------------------------------------------------------
// Java

/**
 * The OpenTelemetry Java agent jar, with the interop services compiled beside it
 * (`./mvnw package` in test/interop-java: about 30 s the first time, instant afterwards).
 */
export async function ensureJavaAgent(): Promise<string> {
  const wanted = await javaSourceHash();
  const ready = async () =>
    (await readText(javaStamp)) === wanted &&
    (await exists(javaAgentJar)) &&
    (await exists(path.join(interopJavaClasses, 'dev', 'orrery', 'interop', 'Backend.class'))) &&
    (await exists(path.join(interopJavaClasses, 'dev', 'orrery', 'interop', 'Frontend.class'))) &&
    (await exists(path.join(interopJavaClasses, 'dev', 'orrery', 'realestate', 'Inventory.class'))) &&
    (await exists(interopJavaLibs));
  await findJava();
  if (await ready()) return javaAgentJar;

  await mkdir(javaTarget, { recursive: true });
  await withFileLock(javaLock, 'build of the Java interop services', async () => {
    if (await ready()) return;
    await findJavac();
    log(`building ${path.relative(repoRoot, interopJavaDir)} with the Maven wrapper (fetches the OpenTelemetry Java agent from Maven Central)`);
    const startedAt = Date.now();
    const mavenArgs = ['-q', '-B', 'package', '-DskipTests'];
    // `sh mvnw` rather than `./mvnw`: works even where the executable bit was lost.
    const [command, args] = process.platform === 'win32' ? ['mvnw.cmd', mavenArgs] : ['sh', ['mvnw', ...mavenArgs]];
    await runTool(command, args, interopJavaDir, 'Building test/interop-java',
      `The Maven wrapper needs a JDK ${minimumJava}+ and access to Maven Central (repo.maven.apache.org).`);
    await writeFile(javaStamp, `${wanted}\n`);
    log(`OpenTelemetry Java agent ready in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  });
  return javaAgentJar;
}

/** `java`, from JAVA_HOME when set (as the Maven wrapper and the embedded Neo4j do). */
export function javaCommand(): string {
  return javaTool('java');
}

function javaTool(name: 'java' | 'javac'): string {
  const javaHome = process.env['JAVA_HOME'];
  const executable = process.platform === 'win32' ? `${name}.exe` : name;
  return javaHome ? path.join(javaHome, 'bin', executable) : executable;
}

async function findJava(): Promise<void> {
  const command = javaTool('java');
  let versionText: string;
  try {
    versionText = await capture(command, ['-version']);
  } catch (error) {
    throw new Error(
      `Java was not found (tried ${command}: ${(error as Error).message}). The interoperability test runs services under the ` +
        `official OpenTelemetry Java agent and needs a JDK ${minimumJava}+ (e.g. apt-get install openjdk-17-jdk-headless, or ` +
        `https://adoptium.net) on PATH or in JAVA_HOME.`,
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : undefined;
  if (major === undefined || major < minimumJava) {
    throw new Error(`The interoperability test needs Java ${minimumJava}+, but ${command} is "${versionText.split('\n')[0]?.trim()}".`);
  }
}

async function findJavac(): Promise<void> {
  const command = javaTool('javac');
  try {
    await capture(command, ['-version']);
  } catch {
    throw new Error(`javac was not found (tried ${command}): building test/interop-java needs a full JDK ${minimumJava}+, not only a JRE (e.g. apt-get install openjdk-17-jdk-headless).`);
  }
}

/** Hash of everything the Maven build reads: pom.xml, the wrapper's settings and src/. */
async function javaSourceHash(): Promise<string> {
  const files = [path.join(interopJavaDir, 'pom.xml'), path.join(interopJavaDir, '.mvn', 'wrapper', 'maven-wrapper.properties')];
  files.push(...(await listFiles(path.join(interopJavaDir, 'src'))));
  const parts: Array<string | Buffer> = [];
  for (const file of files.sort()) parts.push(path.relative(interopJavaDir, file).split(path.sep).join('/'), await readFile(file));
  return hash(parts);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return Promise.resolve(entry.isFile() ? [full] : []);
  }));
  return nested.flat();
}

// ---------------------------------------------------------------------------------------------
// Shared

function hash(parts: Array<string | Buffer>): string {
  const digest = createHash('sha256');
  for (const part of parts) {
    digest.update(part);
    digest.update('\0');
  }
  return digest.digest('hex');
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** stdout and stderr of a short command (`java -version` writes to stderr). */
function capture(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(error) : resolve(`${stdout}${stderr}`)));
  });
}

/** Runs an install step; on failure, throws with the command, a hint and its last output. */
async function runTool(command: string, args: string[], cwd: string, what: string, hint: string): Promise<void> {
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter((line) => line.trim() !== ''));
    output.splice(0, Math.max(0, output.length - 40));
  };
  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32', timeout: installTimeoutMs });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  if (exit.code !== 0) {
    throw new Error(
      `${what} failed (${exit.error ? exit.error.message : `exit code ${String(exit.code)}`}).\n` +
        `  command: ${command} ${args.join(' ')} (in ${cwd})\n  ${hint}\n` +
        (output.length > 0 ? `  last output:\n    ${output.join('\n    ')}` : '  (no output)'),
    );
  }
}

