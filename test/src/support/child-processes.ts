// Real programs run as child processes by the end-to-end suites: a long-running service that
// announces itself on stdout, and a one-shot program run to its exit. Every process is killed by
// its own pid; stop() is idempotent, so a suite can call it in `finally` and again in afterAll.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProcessSpec {
  /** Shown in every error message, e.g. `py-backend`. */
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RunningProcess {
  name: string;
  pid: number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout line matching; rejects if the process exits or time runs out. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /**
   * Closes stdin (the programs' cue to shut down cleanly and flush), then SIGTERM after
   * `graceMs`, then SIGKILL. Resolves once the process has exited.
   */
  stop(graceMs?: number): Promise<void>;
  /** Every stdout line so far. */
  stdoutLines(): string[];
  /** The last lines of stdout and stderr, for failure messages. */
  outputTail(): string;
}

const tailLines = 60;

export function startProcess(spec: ProcessSpec): RunningProcess {
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const stdoutLines: string[] = [];
  const lineWaiters = new Set<(line: string) => void>();
  const remember = (stream: string, line: string) => {
    tail.push(`${stream}: ${line}`);
    if (tail.length > tailLines) tail.shift();
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    remember('out', line);
    stdoutLines.push(line);
    for (const waiter of lineWaiters) waiter(line);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => remember('err', line));
  // A child that dies early closes the pipe; writing to it must not crash the test runner.
  child.stdin!.on('error', () => {});

  let spawnError: Error | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      spawnError = error;
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const outputTail = () => (spawnError ? `could not start ${spec.command}: ${spawnError.message}\n` : '') + tail.join('\n');

  let stopping: Promise<void> | undefined;
  return {
    name: spec.name,
    pid: child.pid,
    exited,
    outputTail,
    stdoutLines: () => [...stdoutLines],
    waitForLine(pattern, timeoutMs) {
      const seen = stdoutLines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          lineWaiters.delete(onLine);
        };
        const onLine = (line: string) => {
          if (!pattern.test(line)) return;
          done();
          resolve(line);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${spec.name} printed no line matching ${pattern} within ${timeoutMs} ms; output:\n${outputTail()}`));
        }, timeoutMs);
        lineWaiters.add(onLine);
        void exited.then(({ code, signal }) => {
          if (!lineWaiters.has(onLine)) return;
          done();
          reject(new Error(`${spec.name} exited (code ${code}, signal ${signal}) before printing a line matching ${pattern}; output:\n${outputTail()}`));
        });
      });
    },
    stop(graceMs = 30_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null || spawnError) return;
        child.stdin!.end();
        if (await exitsWithin(exited, graceMs)) return;
        child.kill('SIGTERM');
        if (await exitsWithin(exited, 5_000)) return;
        child.kill('SIGKILL');
        await exited;
      })();
      return stopping;
    },
  };
}

/**
 * Waits for a one-shot program to exit with code 0 and returns its stdout lines; rejects with
 * its output if it fails, and stops it if it outlives `timeoutMs`.
 */
export async function finished(running: RunningProcess, timeoutMs: number): Promise<string[]> {
  if (!(await exitsWithin(running.exited, timeoutMs))) {
    await running.stop(0);
    throw new Error(`${running.name} did not exit within ${timeoutMs} ms; output:\n${running.outputTail()}`);
  }
  const { code, signal } = await running.exited;
  if (code !== 0) throw new Error(`${running.name} failed (exit code ${code}, signal ${signal}); output:\n${running.outputTail()}`);
  return running.stdoutLines();
}

function exitsWithin(exited: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
