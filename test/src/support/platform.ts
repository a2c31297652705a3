// Starts the real platform for a suite against the shared test Neo4j, on free ports, with a
// clean graph. Everything is real: collector, Neo4j writes, GraphQL over HTTP.
import neo4j from 'neo4j-driver';
import { loadConfig } from '../../../collector/src/config.ts';
import { startPlatform, type Platform } from '../../../tools/platform.ts';
import { DEMO_PROCESSES } from '../../../agents/demo/topology.ts';
import { freePort, freePortRange } from './free-port.ts';

export async function clearGraph(uri: string): Promise<void> {
  const driver = neo4j.driver(uri);
  try {
    await driver.executeQuery('MATCH (n) DETACH DELETE n');
  } finally {
    await driver.close();
  }
}

/** `keepGraph`: start on the graph a previous platform left (a restart), instead of a clean one. */
export async function startTestPlatform(neo4jUri: string, env: Record<string, string> = {}, options: { keepGraph?: boolean } = {}): Promise<Platform> {
  if (!options.keepGraph) await clearGraph(neo4jUri);
  const config = loadConfig({
    NEO4J_URI: neo4jUri,
    ORRERY_OTLP_PORT: String(await freePort()),
    ORRERY_OTLP_GRPC_PORT: String(await freePort()),
    ORRERY_API_PORT: String(await freePort()),
    ORRERY_DEMO: '0',
    ORRERY_FLUSH_MS: '200',
    ORRERY_WRITE_MS: '200',
    // The demo's agents export every 500 ms; on a loaded 2-core machine a callee's export can lag
    // its caller's by seconds, and the first calls (before any pair taught inference an address)
    // would then end on a virtual peer named by the address.
    ORRERY_PAIRING_TIMEOUT_MS: env['ORRERY_DEMO'] === '1' ? '5000' : '1000',
    ...env,
  });
  return startPlatform({ config, log: () => {}, demoBasePort: await freePortRange(DEMO_PROCESSES.length) });
}

export async function graphql<T = Record<string, unknown>>(apiUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data!;
}

/** Polls until check passes or the timeout passes (then throws the last failure). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
