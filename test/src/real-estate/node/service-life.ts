// What every estate service shares: its settings from the environment, loading libraries
// through require() (the OpenTelemetry instrumentations patch modules as require() loads them;
// an ESM import would bypass them without a loader hook), and the protocol with the runner:
// print `READY <port>` once serving, then shut down cleanly when stdin closes, so the SDK's
// exit flush sends every span.
import { createRequire } from 'node:module';

export const load = createRequire(import.meta.url);

export function setting(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

export function announce(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Runs `close` once stdin ends (the runner's cue) or on SIGTERM. */
export function closeOnStdinEnd(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    close().catch((error: unknown) => {
      process.stderr.write(`shutdown failed: ${String(error)}\n`);
      process.exitCode = 1;
    });
  };
  process.stdin.on('data', () => {});
  process.stdin.once('end', stop);
  process.once('SIGTERM', stop);
}

/** Reads a request body as JSON. */
export async function readJson(request: AsyncIterable<Buffer>): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk);
  return chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
}
