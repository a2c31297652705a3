// Runs a child process with the same Node runtime and inherited output; resolves on exit 0.
import { spawn } from 'node:child_process';

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`))));
  });
}

export const node = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => run(process.execPath, args, options);
