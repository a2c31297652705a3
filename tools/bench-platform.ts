// The real platform for benchmarks: `npm start`'s process (collector, read model, GraphQL) as a
// child on free ports with the demo off, so numbers are taken end to end over HTTP.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../test/src/support/free-port.ts';

const root = join(import.meta.dirname, '..');

/** `npm start`'s platform (collector, read model, GraphQL) as a child process on free ports, demo off. */
export async function spawnPlatform(neo4jUri: string, nodeFlags: string[], env: Record<string, string> = {}) {
  const otlpPort = await freePort();
  const apiPort = await freePort();
  const grpcPort = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, join(root, 'tools/start.ts')], {
    env: { ...process.env, NEO4J_URI: neo4jUri, ORRERY_OTLP_PORT: String(otlpPort), ORRERY_OTLP_GRPC_PORT: String(grpcPort), ORRERY_API_PORT: String(apiPort), ORRERY_DEMO: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const otlpUrl = `http://127.0.0.1:${otlpPort}/v1/traces`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor(async () => (await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).ok, 180_000);
  return { child, otlpUrl, otlpGrpcAddress: `127.0.0.1:${grpcPort}`, apiUrl };
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for the collector');
    await new Promise((r) => setTimeout(r, 200));
  }
}


/** Bytes of every file under a folder (a Neo4j store, after a checkpoint). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}

export function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
