// Constraints on every MERGE key, created before the first write (idempotent).
import type { Driver } from 'neo4j-driver';

export const SCHEMA_STATEMENTS = [
  'CREATE CONSTRAINT component_name IF NOT EXISTS FOR (c:Component) REQUIRE c.name IS UNIQUE',
  'CREATE CONSTRAINT declared_component_name IF NOT EXISTS FOR (c:DeclaredComponent) REQUIRE c.name IS UNIQUE',
  'CREATE CONSTRAINT finding_id IF NOT EXISTS FOR (f:Finding) REQUIRE f.id IS UNIQUE',
  'CREATE CONSTRAINT workflow_key IF NOT EXISTS FOR (w:Workflow) REQUIRE w.key IS UNIQUE',
  'CREATE CONSTRAINT unhandled_error_key IF NOT EXISTS FOR (e:UnhandledError) REQUIRE e.key IS UNIQUE',
  'CREATE CONSTRAINT bucket_key IF NOT EXISTS FOR (b:Bucket) REQUIRE b.key IS UNIQUE',
  'CREATE CONSTRAINT component_bucket_key IF NOT EXISTS FOR (b:ComponentBucket) REQUIRE b.key IS UNIQUE',
  'CREATE CONSTRAINT component_version_key IF NOT EXISTS FOR (v:ComponentVersion) REQUIRE v.key IS UNIQUE',
  'CREATE CONSTRAINT workflow_bucket_key IF NOT EXISTS FOR (b:WorkflowBucket) REQUIRE b.key IS UNIQUE',
  'CREATE CONSTRAINT unhandled_bucket_key IF NOT EXISTS FOR (b:UnhandledBucket) REQUIRE b.key IS UNIQUE',
  'CREATE CONSTRAINT writer_log_collector IF NOT EXISTS FOR (w:WriterLog) REQUIRE w.collector IS UNIQUE',
  // Roll-up and retention scan buckets by resolution and age; the read model loads them by age.
  'CREATE INDEX bucket_res_start IF NOT EXISTS FOR (b:Bucket) ON (b.res, b.start)',
  'CREATE INDEX component_bucket_res_start IF NOT EXISTS FOR (b:ComponentBucket) ON (b.res, b.start)',
  'CREATE INDEX workflow_bucket_res_start IF NOT EXISTS FOR (b:WorkflowBucket) ON (b.res, b.start)',
  'CREATE INDEX unhandled_bucket_res_start IF NOT EXISTS FOR (b:UnhandledBucket) ON (b.res, b.start)',
];

export async function ensureSchema(driver: Driver, database: string): Promise<void> {
  for (const statement of SCHEMA_STATEMENTS) await driver.executeQuery(statement, {}, { database });
}
