// Runs the collector alone against an existing Neo4j (NEO4J_URI). `npm start` runs it together
// with the API and the embedded Neo4j through tools/platform.ts instead.
import { createCollector } from './collector.ts';
import { loadConfigOrExit } from './load-config-or-exit.ts';
import { createNeo4jDriver } from './store/neo4j-driver.ts';

const config = loadConfigOrExit();
if (!config.neo4j.uri) {
  console.error('collector/src/main.ts needs NEO4J_URI; use `npm start` to run the whole platform with its embedded Neo4j');
  process.exit(2);
}
const driver = createNeo4jDriver({ uri: config.neo4j.uri, user: config.neo4j.user, password: config.neo4j.password });
const collector = createCollector({ config, driver });
await collector.start();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void collector.stop().then(() => driver.close()).then(() => process.exit(0)));
}
