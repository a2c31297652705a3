// Runs the GraphQL API alone against an existing Neo4j (NEO4J_URI). `npm start` runs it
// together with the collector and the embedded Neo4j through tools/platform.ts instead.
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '@orrery/collector/load-config-or-exit.ts';
import { createNeo4jDriver } from '@orrery/collector/store/neo4j-driver.ts';
import { createApiAccess } from './api-access.ts';
import { startApiServer } from './server.ts';
import { createOrreryYoga } from './yoga.ts';

const config = loadConfigOrExit();
if (!config.neo4j.uri) {
  console.error('api/src/main.ts needs NEO4J_URI; use `npm start` to run the whole platform with its embedded Neo4j');
  process.exit(2);
}
const driver = createNeo4jDriver({ uri: config.neo4j.uri, user: config.neo4j.user, password: config.neo4j.password });
const access = createApiAccess({ apiToken: config.apiToken, corsOrigins: config.corsOrigins });
const yoga = createOrreryYoga({ driver, database: config.neo4j.database, catalogPath: config.catalogPath, exposed: config.exposed, cors: access.cors });
const api = await startApiServer({ yoga, host: config.host, port: config.apiPort, webDistDir: fileURLToPath(new URL('../../web/dist', import.meta.url)), access });
console.error(`[api] GraphQL on ${api.url}/graphql, web app on ${api.url}/`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void api.close().then(() => driver.close()).then(() => process.exit(0)));
}
