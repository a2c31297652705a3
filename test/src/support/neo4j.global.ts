// Vitest global setup for the integration project: one real embedded Neo4j for the whole run,
// on a free port with a throwaway data directory. Suites get its URI through inject('neo4jUri').
// NEO4J_URI, when set, is used instead (a server of your own).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedNeo4j } from '../../../neo4j-embedded/neo4j.ts';
import { freePort } from './free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    neo4jUri: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.NEO4J_URI) {
    project.provide('neo4jUri', process.env.NEO4J_URI);
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'orrery-test-neo4j-'));
  const started = performance.now();
  const neo4j = await startEmbeddedNeo4j({ dataDir, boltPort: await freePort(), heapMb: 768, log: () => {} });
  console.error(`[test] embedded Neo4j at ${neo4j.uri} in ${Math.round(performance.now() - started)} ms`);
  project.provide('neo4jUri', neo4j.uri);
  return async () => {
    await neo4j.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
