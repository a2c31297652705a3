// `npm run check`: the CI gate (DESIGN.md §8). Reads the observed graph from the platform's Neo4j
// (NEO4J_URI, or the embedded Neo4j's data under ORRERY_DATA_DIR: started for the check, or the
// running platform's when it holds that data), runs the detectors against the given catalog as the
// collector does, compares with the baseline, prints a report, and exits 0 (clean), 1 (new findings
// at or above --fail-on) or 2 (unusable input). Pure logic lives in collector/src/gate/.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { applyCatalog } from '../collector/src/catalog/apply-catalog.ts';
import type { Catalog } from '../collector/src/catalog/parse-catalog.ts';
import { loadCatalog } from '../collector/src/catalog/read-catalog-files.ts';
import { ConfigError, loadConfig, type OrreryConfig } from '../collector/src/config.ts';
import { createDetectors, runDetectors } from '../collector/src/detectors/index.ts';
import { parseBaseline, toBaseline, type Baseline } from '../collector/src/gate/baseline.ts';
import { CheckUsageError, parseCheckArgs, USAGE, type CheckOptions } from '../collector/src/gate/check-options.ts';
import { evaluateGate, formatReport } from '../collector/src/gate/gate.ts';
import { junitXml } from '../collector/src/gate/junit.ts';
import type { GraphSnapshot } from '../collector/src/model/graph-snapshot.ts';
import { createNeo4jDriver } from '../collector/src/store/neo4j-driver.ts';
import { loadReadModel } from '../collector/src/store/read-model-loader.ts';
import { formatDuration, parseDurationMs } from '../collector/src/timeline/duration.ts';
import { observedGraph } from '../collector/src/timeline/observed-graph.ts';
import { createReadModel } from '../collector/src/timeline/read-model.ts';
import { tiersFor } from '../collector/src/timeline/tiers.ts';
import { startEmbeddedNeo4j } from '../neo4j-embedded/neo4j.ts';
import { freePort } from '../test/src/support/free-port.ts';

type Driver = ReturnType<typeof createNeo4jDriver>;

/** Input the check cannot judge: the message says what and how to fix it. Exit 2. */
class UnusableInput extends Error {}

const say = (line: string) => process.stderr.write(`[check] ${line}\n`);

async function readBaseline(file: string): Promise<Baseline> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UnusableInput(`cannot read the baseline ${file}: ${error.code ?? error.message}`);
  });
  try {
    return parseBaseline(text, file);
  } catch (error) {
    throw new UnusableInput((error as Error).message);
  }
}

async function readCatalog(path: string): Promise<{ catalog: Catalog; warnings: string[] }> {
  const catalog = await loadCatalog(path).catch((error: Error) => {
    throw new UnusableInput(`cannot read the catalog: ${error.message.replace(/^ORRERY_CATALOG: /, '')}`);
  });
  const describe = (p: Catalog['problems'][number]) => `${p.file}${p.entity ? ` ${p.entity}` : ''}${p.field ? ` ${p.field}` : ''}: ${p.message}`;
  // A file that cannot be read or parsed leaves the catalog incomplete, and a gate judged against
  // part of it would pass or fail for the wrong reason.
  const broken = catalog.problems.filter((p) => p.entity === undefined);
  if (broken.length > 0) throw new UnusableInput(`the catalog cannot be read as written:\n  ${broken.map(describe).join('\n  ')}`);
  if (catalog.components.size === 0) throw new UnusableInput(`the catalog at ${path} declares no Component or Resource`);
  return { catalog, warnings: catalog.problems.map(describe) };
}

/** The platform's Neo4j: NEO4J_URI, else the embedded one on ORRERY_DATA_DIR (its own, or the running platform's). */
async function connect(config: OrreryConfig): Promise<{ driver: Driver; where: string; stop: () => Promise<void> }> {
  const open = async (uri: string, user?: string, password?: string) => {
    const driver = createNeo4jDriver({ uri, user, password });
    try {
      await driver.verifyConnectivity({ database: config.neo4j.database });
      return driver;
    } catch (error) {
      await driver.close();
      throw error;
    }
  };
  if (config.neo4j.uri) {
    const driver = await open(config.neo4j.uri, config.neo4j.user, config.neo4j.password).catch((error: Error) => {
      throw new UnusableInput(`cannot reach Neo4j at ${config.neo4j.uri}: ${error.message}`);
    });
    return { driver, where: config.neo4j.uri, stop: () => driver.close() };
  }
  const dataDir = join(resolve(config.dataDir), 'neo4j');
  if (!existsSync(dataDir)) {
    throw new UnusableInput(`no observed graph: ${dataDir} does not exist. Run Orrery (npm start) where the traffic goes, or set NEO4J_URI to its Neo4j`);
  }
  say(`starting the embedded Neo4j on ${dataDir}`);
  try {
    const neo4j = await startEmbeddedNeo4j({ dataDir, boltPort: await freePort(), heapMb: 512, log: () => {} });
    const driver = await open(neo4j.uri);
    return { driver, where: `${dataDir} (embedded)`, stop: async () => { await driver.close(); await neo4j.stop(); } };
  } catch (error) {
    const message = (error as Error).message;
    if (!/locked/.test(message)) throw new UnusableInput(`cannot start the embedded Neo4j on ${dataDir}: ${message}`);
    // The running platform holds the data: read it through its Bolt port.
    const uri = `bolt://127.0.0.1:${process.env.ORRERY_NEO4J_BOLT_PORT?.trim() || 7687}`;
    const driver = await open(uri).catch((e: Error) => {
      throw new UnusableInput(`${dataDir} is in use by another process, and no Neo4j answers at ${uri} (${e.message}); set NEO4J_URI to the platform's Neo4j`);
    });
    return { driver, where: `${uri} (the running platform's, data in ${dataDir})`, stop: () => driver.close() };
  }
}

async function check(options: CheckOptions, config: OrreryConfig): Promise<number> {
  const started = performance.now();
  const baseline = options.baseline ? await readBaseline(options.baseline) : undefined;
  const catalog = options.catalog ? await readCatalog(options.catalog) : undefined;
  const neo4j = await connect(config);
  try {
    const nowMs = Date.now();
    const model = createReadModel({ tiers: tiersFor(config.retentionMs) });
    await loadReadModel(neo4j.driver, config.neo4j.database, model);
    const windowMs = options.window === 'all' ? undefined : parseDurationMs(options.window)!;
    const observed = observedGraph(model, windowMs === undefined ? { fromMs: 0, toMs: nowMs, all: true } : { fromMs: nowMs - windowMs, toMs: nowMs, all: false });
    if (observed.components.length === 0) {
      throw new UnusableInput(`no observed components in ${neo4j.where}: nothing to check. Did the traffic reach Orrery (OTLP to ${config.host}:${config.otlpPort})?`);
    }
    // The same join and detectors as the collector's pass (collector/src/detection-loop.ts).
    const joined = applyCatalog(observed.components, observed.dependencies, catalog?.catalog);
    const snapshot: GraphSnapshot = {
      nowMs, components: joined.components, dependencies: joined.dependencies, declared: joined.declared, declaredOnly: joined.declaredOnly,
      workflows: observed.workflows, catalogLoaded: joined.catalogLoaded, caughtUpToMs: Math.min(nowMs, model.newestSeenMs() || nowMs), windowMs,
    };
    const detectors = createDetectors({ handoffTimeoutMs: config.handoffTimeoutMs, staleAfterMs: config.staleAfterMs });
    // Every finding, past the per-pass cap that keeps the map readable: a baseline compares them all.
    // A detector that throws fails the check (exit 2) rather than passing it with a kind unjudged.
    const findings = runDetectors(snapshot, detectors, undefined, { maxFindingsPerPass: Infinity });
    const result = evaluateGate(findings, baseline, options.failOn);
    const active = observed.dependencies.filter((d) => d.calls > 0 || d.unconsumed > 0).length;
    const report = formatReport(result, {
      observed: `${observed.components.length} components, ${active} ${active === 1 ? 'dependency' : 'dependencies'} with traffic ${windowMs === undefined ? 'ever' : `in the last ${formatDuration(windowMs)}`} (${neo4j.where})`,
      catalog: catalog ? `${options.catalog}: ${catalog.catalog.components.size} components, ${catalog.catalog.declared.length} declared dependencies` : 'none (give --catalog or ORRERY_CATALOG): undocumented dependencies and uncatalogued services are not judged',
      baseline: baseline ? `${options.baseline}: ${baseline.findings.length} findings, written ${baseline.writtenAt || 'at an unknown time'}` : undefined,
      warnings: [...(catalog?.warnings ?? []), ...joined.problems.map((p) => `${p.file}${p.entity ? ` ${p.entity}` : ''}: ${p.message}`)],
    });
    process.stdout.write(report);
    const durationS = (performance.now() - started) / 1000;
    if (options.junit) {
      await mkdir(dirname(resolve(options.junit)), { recursive: true });
      await writeFile(options.junit, junitXml(result, nowMs, durationS));
      say(`JUnit report written to ${options.junit}`);
    }
    if (options.writeBaseline) {
      await mkdir(dirname(resolve(options.writeBaseline)), { recursive: true });
      await writeFile(options.writeBaseline, `${JSON.stringify(toBaseline(findings, nowMs), null, 2)}\n`);
      say(`baseline of ${findings.length} findings written to ${options.writeBaseline}; exit 0 (writing a baseline accepts what is there)`);
      return 0;
    }
    return result.exitCode;
  } finally {
    await neo4j.stop();
  }
}

async function main(): Promise<number> {
  let options: CheckOptions;
  let config: OrreryConfig;
  try {
    options = parseCheckArgs(process.argv.slice(2), process.env);
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    // The platform's own settings (Neo4j, data directory, detector timers), minus its catalog and alerting.
    config = loadConfig({ ...process.env, ORRERY_ALERT_RULES: undefined });
  } catch (error) {
    if (error instanceof CheckUsageError || error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  try {
    return await check(options, config);
  } catch (error) {
    if (error instanceof UnusableInput) {
      console.error(`orrery check: ${error.message}`);
      return 2;
    }
    console.error(`orrery check: ${(error as Error).stack ?? String(error)}`);
    return 2;
  }
}

process.exitCode = await main();
