// Constraints on every MERGE key, created before the first write (idempotent).
import type { Driver } from 'neo4j-driver';

export const SCHEMA_STATEMENTS = [
  'CREATE CONSTRAINT component_name IF NOT EXISTS FOR (c:Component) REQUIRE c.name IS UNIQUE',
  'CREATE CONSTRAINT declared_component_name IF NOT EXISTS FOR (c:DeclaredComponent) REQUIRE c.name IS UNIQUE',
  'CREATE CONSTRAINT finding_id IF NOT EXISTS FOR (f:Finding) REQUIRE f.id IS UNIQUE',
  'CREATE CONSTRAINT workflow_key IF NOT EXISTS FOR (w:Workflow) REQUIRE w.key IS UNIQUE',
  'CREATE CONSTRAINT unhandled_error_key IF NOT EXISTS FOR (e:UnhandledError) REQUIRE e.key IS UNIQUE',
];

export async function ensureSchema(driver: Driver, database: string): Promise<void> {
  for (const statement of SCHEMA_STATEMENTS) await driver.executeQuery(statement, {}, { database });
}
