// `node tools/demo-findings.ts [--minutes N]`: the findings the demo estate raises, as an on-call
// team would read them. Starts the whole platform (its own embedded Neo4j and free ports, so it
// runs beside `npm start`), lets the demo estate run N minutes (default 4), then prints the open
// findings by severity and kind, worst first, with what each one explains.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../collector/src/config.ts';
import { startEmbeddedNeo4j } from '../neo4j-embedded/neo4j.ts';
import { DEMO_PROCESSES } from '../agents/demo/topology.ts';
import { freePort, freePortRange } from '../test/src/support/free-port.ts';
import { startPlatform } from './platform.ts';

const args = process.argv.slice(2);
const minutes = args.includes('--minutes') ? Number(args[args.indexOf('--minutes') + 1]) : 4;
if (!(minutes > 0)) {
  console.error('usage: node tools/demo-findings.ts [--minutes N]  (N > 0)');
  process.exit(2);
}

interface Finding {
  id: string;
  kind: string;
  severity: string;
  title: string;
  evidence: string | null;
}

const dataDir = mkdtempSync(join(tmpdir(), 'orrery-demo-findings-'));
const neo4j = await startEmbeddedNeo4j({ dataDir, boltPort: await freePort(), log: () => {} });
try {
  const config = loadConfig({
    NEO4J_URI: neo4j.uri, ORRERY_OTLP_PORT: String(await freePort()), ORRERY_OTLP_GRPC_PORT: String(await freePort()), ORRERY_API_PORT: String(await freePort()), ORRERY_DEMO: '1',
  });
  const platform = await startPlatform({ config, log: () => {}, demoBasePort: await freePortRange(DEMO_PROCESSES.length) });
  try {
    console.error(`demo estate running; reading findings in ${minutes} min (map on ${platform.apiUrl}/)`);
    await new Promise((resolve) => setTimeout(resolve, minutes * 60_000));
    await platform.collector.flush();
    await platform.collector.detect();
    const response = await fetch(`${platform.apiUrl}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ findings(status: OPEN) { id kind severity title evidence } }' }),
    });
    const { findings } = ((await response.json()) as { data: { findings: Finding[] } }).data;
    const bySeverity: Record<string, number> = {};
    for (const f of findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    console.log(`${findings.length} open findings: ${Object.entries(bySeverity).map(([s, n]) => `${n} ${s}`).join(', ')}`);
    for (const f of findings) {
      const explains = (JSON.parse(f.evidence ?? '{}') as { explains?: string[] }).explains ?? [];
      console.log(`  ${f.severity.padEnd(8)} ${f.kind.padEnd(26)} ${f.title}`);
      for (const e of explains) console.log(`  ${''.padEnd(8)} ${''.padEnd(26)}   explains ${e}`);
    }
  } finally {
    await platform.stop();
  }
} finally {
  await neo4j.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
