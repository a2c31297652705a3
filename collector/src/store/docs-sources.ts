// What the onboarding docs need besides the read model, read from Neo4j and the catalog files:
// the findings that are not resolved (in the words the detectors stored), each workflow's
// representative run (workflow-shape-store.ts), and the catalog (parsed for matching, and read
// for descriptions). `npm run docs` and GraphQL's onboardingDoc both read through here.
import { isAbsolute, relative } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { readCatalogFiles } from '../catalog/read-catalog-files.ts';
import { parseCatalog } from '../catalog/parse-catalog.ts';
import { readCatalogText } from '../docs/catalog-text.ts';
import type { DocFinding } from '../docs/doc-input.ts';
import type { DocSources } from '../docs/from-read-model.ts';
import type { FindingKind, Severity } from '../model/graph-snapshot.ts';
import { createWorkflowShapeStore } from './workflow-shape-store.ts';

export async function readDocFindings(driver: Driver, database: string): Promise<DocFinding[]> {
  const { records } = await driver.executeQuery(
    `MATCH (f:Finding) WHERE f.status <> 'RESOLVED'
     OPTIONAL MATCH (f)-[:CONCERNS]->(c)
     WITH f, collect(c.name) AS concerned
     RETURN properties(f) AS f, coalesce(f.components, concerned) AS components ORDER BY f.severityRank, f.id`,
    {},
    { database, routing: 'READ' },
  );
  return records.map((r) => {
    const f = r.get('f') as Record<string, unknown>;
    let traceIds: string[] = [];
    try {
      const evidence = JSON.parse(String(f.evidence ?? '{}')) as { traceIds?: unknown };
      if (Array.isArray(evidence.traceIds)) traceIds = evidence.traceIds.filter((t): t is string => typeof t === 'string');
    } catch {
      // evidence is optional; a finding without readable evidence is still shown
    }
    return {
      id: String(f.id), kind: f.kind as FindingKind, severity: f.severity as Severity, title: String(f.title ?? ''), detail: String(f.detail ?? ''),
      components: r.get('components') as string[], path: Array.isArray(f.path) ? (f.path as string[]) : undefined, status: String(f.status),
      acknowledgement: typeof f.acknowledgement === 'string' ? f.acknowledgement : undefined, traceIds,
    };
  });
}

export interface ReadDocSourcesOptions {
  driver: Driver;
  database: string;
  /** ORRERY_CATALOG: a catalog-info.yaml file or folder; undefined for none. */
  catalogPath: string | undefined;
  nowMs: number;
  mapUrl: string;
  title?: string | undefined;
}

/** Throws when the catalog path cannot be read (the caller says so); a broken entity is only skipped. */
export async function readDocSources(options: ReadDocSourcesOptions): Promise<DocSources> {
  const [findings, shapes, files] = await Promise.all([
    readDocFindings(options.driver, options.database),
    createWorkflowShapeStore(options.driver, options.database).read(),
    options.catalogPath ? readCatalogFiles(options.catalogPath) : Promise.resolve(undefined),
  ]);
  // Files are named as a reader of the repository would open them: relative to where this runs.
  const named = files?.files.map((f) => {
    const rel = relative(process.cwd(), f.path);
    return { ...f, path: rel.startsWith('..') || isAbsolute(rel) ? f.path : rel };
  });
  return {
    nowMs: options.nowMs, findings, shapes, mapUrl: options.mapUrl, title: options.title,
    catalog: named ? parseCatalog(named) : undefined,
    catalogText: named ? readCatalogText(named) : [],
  };
}
