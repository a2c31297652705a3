// `npm run docs -- --out DIR [--system NAME] [--catalog PATH] [--map-url URL]`: onboarding docs
// from traffic as a MkDocs / Backstage TechDocs tree (mkdocs.yml, docs/index.md, a page per system,
// service and workflow). Reads the same Neo4j as the platform — NEO4J_URI, else the running
// platform's embedded Neo4j, else the embedded data under ORRERY_DATA_DIR, started here and stopped
// after — so it works with or without the platform running.
//
// Exit codes: 0 written; 2 unusable input (bad --out, unknown system, empty graph, unreadable
// catalog, no Neo4j), with a message saying which. The tree is written to a temporary folder beside
// DIR and renamed into place, so DIR is never left half-written.
import { constants, existsSync, statSync } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, loadConfig, type OrreryConfig } from '../collector/src/config.ts';
import { mkdocsTree, type TreeFile } from '../collector/src/docs/mkdocs.ts';
import { docInputFromReadModel } from '../collector/src/docs/from-read-model.ts';
import { renderDocs, UnknownSystemError } from '../collector/src/docs/render-docs.ts';
import { readDocSources } from '../collector/src/store/docs-sources.ts';
import { createNeo4jDriver } from '../collector/src/store/neo4j-driver.ts';
import { loadReadModel } from '../collector/src/store/read-model-loader.ts';
import { createReadModel } from '../collector/src/timeline/read-model.ts';
import { tiersFor } from '../collector/src/timeline/tiers.ts';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../neo4j-embedded/neo4j.ts';
import { freePort } from '../test/src/support/free-port.ts';

/** The first line of every mkdocs.yml this writes: a folder holding one may be replaced. */
const MARK = '# Written by `npm run docs`';
const USAGE = 'usage: npm run docs -- --out DIR [--system NAME] [--catalog PATH] [--map-url URL]';

export class UsageError extends Error {}

export interface DocsArgs {
  out: string;
  system: string | undefined;
  catalog: string | undefined;
  mapUrl: string | undefined;
}

export function parseDocsArgs(argv: readonly string[]): DocsArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!['--out', '--system', '--catalog', '--map-url'].includes(flag)) throw new UsageError(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value; ${USAGE}`);
    values.set(flag, value);
  }
  const out = values.get('--out');
  if (!out) throw new UsageError(`--out DIR is required; ${USAGE}`);
  return { out, system: values.get('--system'), catalog: values.get('--catalog'), mapUrl: values.get('--map-url') };
}

/** Refuses an --out that is a file, is not writable, or is a folder of something else. */
export async function checkOut(out: string): Promise<void> {
  const target = resolve(out);
  if (existsSync(target)) {
    const stat = statSync(target);
    if (!stat.isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder: choose a folder (it is created when missing)`);
    const entries = await readdir(target);
    if (entries.length > 0) {
      const yml = await readFile(join(target, 'mkdocs.yml'), 'utf8').catch(() => '');
      if (!yml.startsWith(MARK)) throw new UsageError(`--out ${out} is a folder that holds something else (no mkdocs.yml written by npm run docs): choose an empty or new folder, so nothing of yours is replaced`);
    }
  }
  // The tree is built beside the target and renamed into place: the parent must take writes.
  let parent = dirname(target);
  while (!existsSync(parent)) parent = dirname(parent);
  // Tried for real: permission bits do not stop root, a read-only or pseudo file system does.
  for (const folder of existsSync(target) ? [parent, target] : [parent]) {
    try {
      await access(folder, constants.W_OK | constants.X_OK);
      await rm(await mkdtemp(join(folder, '.orrery-docs-probe-')), { recursive: true });
    } catch (error) {
      throw new UsageError(`--out ${out}: ${folder} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
}

/** Writes every file into a fresh folder beside `out`, then swaps it in; a failure leaves `out` as it was. */
export async function writeTree(out: string, files: readonly TreeFile[]): Promise<void> {
  const target = resolve(out);
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.writing-`));
  try {
    for (const file of files) {
      const path = join(staging, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.text);
    }
    if (existsSync(target)) {
      const old = `${staging}.old`;
      await rename(target, old);
      try {
        await rename(staging, target);
      } catch (error) {
        await rename(old, target);
        throw error;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Is something answering on this loopback port (the running platform's embedded Neo4j)? */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('timeout', () => { socket.destroy(); done(false); });
    socket.once('error', () => done(false));
  });
}

async function openNeo4j(config: OrreryConfig, log: (line: string) => void): Promise<{ driver: ReturnType<typeof createNeo4jDriver>; embedded: EmbeddedNeo4j | undefined }> {
  if (config.neo4j.uri) return { driver: createNeo4jDriver(config.neo4j as { uri: string; user: string | undefined; password: string | undefined }), embedded: undefined };
  const port = Number(process.env.ORRERY_NEO4J_BOLT_PORT ?? 7687);
  if (await listening(port)) {
    log(`reading the running platform's Neo4j on bolt://127.0.0.1:${port}`);
    return { driver: createNeo4jDriver({ uri: `bolt://127.0.0.1:${port}`, user: undefined, password: undefined }), embedded: undefined };
  }
  const dataDir = join(resolve(config.dataDir), 'neo4j');
  if (!existsSync(dataDir)) throw new UsageError(`no graph to document: ${dataDir} does not exist (start the platform with npm start, or set NEO4J_URI)`);
  log(`starting the embedded Neo4j on ${dataDir}`);
  const embedded = await startEmbeddedNeo4j({ dataDir, boltPort: await freePort(), log: () => {} });
  return { driver: createNeo4jDriver({ uri: embedded.uri, user: undefined, password: undefined }), embedded };
}

export async function generateDocs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = (l) => console.error(`[docs] ${l}`)): Promise<{ pages: number; out: string }> {
  const args = parseDocsArgs(argv);
  await checkOut(args.out);
  const config = loadConfig(env);
  // As the platform does: the demo estate comes with its own catalog unless another is named.
  const catalogPath = args.catalog ?? config.catalogPath ?? (config.demo ? join(import.meta.dirname, '../agents/demo/catalog') : undefined);
  if (catalogPath && !existsSync(catalogPath)) throw new UsageError(`catalog ${catalogPath} does not exist`);
  const mapUrl = args.mapUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.apiPort}/`;
  const { driver, embedded } = await openNeo4j(config, log);
  try {
    await driver.verifyConnectivity({ database: config.neo4j.database }).catch((error: Error) => {
      throw new UsageError(`cannot reach Neo4j: ${error.message}`);
    });
    const model = createReadModel({ tiers: tiersFor(config.retentionMs) });
    await loadReadModel(driver, config.neo4j.database, model);
    if (model.allComponents().next().done) throw new UsageError('the graph is empty: nothing has been observed yet, so there is nothing to document (send traces to the platform first)');
    const nowMs = Date.now();
    const sources = await readDocSources({ driver, database: config.neo4j.database, catalogPath, nowMs, mapUrl });
    let docs;
    try {
      docs = renderDocs(docInputFromReadModel(model, sources), { system: args.system });
    } catch (error) {
      if (error instanceof UnknownSystemError) throw new UsageError(`--system: ${error.message}`);
      throw error;
    }
    await writeTree(args.out, mkdocsTree(docs, { siteDescription: 'Onboarding documentation generated by Orrery from observed traffic' }));
    log(`${docs.pages.length} pages written to ${resolve(args.out)} (mkdocs.yml, docs/index.md, ${docs.pages.filter((p) => p.section === 'system').length} systems, ${docs.pages.filter((p) => p.section === 'service').length} services, ${docs.pages.filter((p) => p.section === 'workflow').length} workflows)`);
    return { pages: docs.pages.length, out: resolve(args.out) };
  } finally {
    await driver.close();
    await embedded?.stop();
  }
}

if (import.meta.main) {
  generateDocs(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: Error) => {
      const unusable = error instanceof UsageError || error instanceof ConfigError;
      console.error(`[docs] ${unusable ? '' : 'failed: '}${error.message}`);
      process.exit(unusable ? 2 : 1);
    },
  );
}
