// `npm test`: everything a fresh clone needs to run the whole suite, then the suite.
// Installs Chromium from Debian's packages when it is missing (browser tests drive the real one),
// builds the Neo4j launcher and the web app, type-checks, and runs vitest: unit tests beside the
// code, then the integration and end-to-end suites in test/ against real Neo4j, HTTP and Chromium.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNeo4jBuilt } from '../neo4j-embedded/neo4j.ts';
import { ensureWebBuilt } from './build-web.ts';
import { node, run } from './run.ts';
import { typecheck } from './typecheck.ts';

const root = join(import.meta.dirname, '..');
export const CHROMIUM = '/usr/bin/chromium';

async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is missing at ${CHROMIUM} and this user cannot install it: run \`sudo apt-get install chromium\` once`);
  }
  console.error('[orrery] installing Chromium from Debian packages for the browser tests');
  await run('apt-get', ['update', '-qq']);
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

try {
  await Promise.all([ensureChromium(), ensureNeo4jBuilt({ log: (line) => console.error(`[neo4j] ${line}`) }), ensureWebBuilt()]);
  await typecheck();
  await node([join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...process.argv.slice(2)], { cwd: root });
} catch (error) {
  console.error(`[orrery] ${(error as Error).message}`);
  process.exit(1);
}
