// Where findings are raised, as I/O: take the observed graph over the recent window from the
// read model (no Neo4j read), join the declared catalog, run every detector (collector/src/
// detectors/, pure), then persist the findings' lifecycle and the catalog's view of the graph.
// Rates and errors are judged over ORRERY_DETECT_WINDOW, so a fixed problem resolves by itself;
// waiting and staleness against how far ingestion has caught up. Runs after a flush, at most once
// per minIntervalMs, never two at a time. It shares the event loop with ingest and GraphQL, so it
// gives a turn back between its steps (the snapshot, each detector, the catalog's view): at 5,000
// components a query waits for one step, not for a whole pass.
import { setImmediate as turn } from 'node:timers/promises';
import type { Driver } from 'neo4j-driver';
import { applyCatalog } from './catalog/apply-catalog.ts';
import { createCatalogSource } from './catalog/catalog-source.ts';
import type { CatalogProblem } from './catalog/parse-catalog.ts';
import type { DetectorPass } from './alerting/alerter.ts';
import { createDetectors, runDetectorsInSteps, type DetectorOptions } from './detectors/index.ts';
import type { GraphSnapshot, RaisedFinding } from './model/graph-snapshot.ts';
import { createCatalogWriter } from './store/catalog-writer.ts';
import { createFindingStore, type FindingChanges } from './store/finding-store.ts';
import { observedGraph } from './timeline/observed-graph.ts';
import type { ReadModel } from './timeline/read-model.ts';

export interface DetectionLoopOptions {
  driver: Driver;
  database: string;
  catalogPath: string | undefined;
  detectorOptions: DetectorOptions;
  /** The observed graph in memory, kept current by the flush loop. */
  readModel: ReadModel;
  /** The recent window detectors judge rates and errors over (ORRERY_DETECT_WINDOW). */
  windowMs: number;
  /** Detector passes are at most this frequent, however often the graph is flushed. */
  minIntervalMs: number;
  /** A finding resolves after going unraised this long (ORRERY_RESOLVE_AFTER_MS). */
  resolveAfterMs: number;
  clock: () => number;
  log: (line: string) => void;
  onChanges?: (changes: FindingChanges, findings: RaisedFinding[]) => void;
  /** After every pass, changes or not (alerting: reminders, refreshes, acknowledgements). */
  onPass?: (pass: DetectorPass) => void;
}

export interface DetectionStats {
  passes: number;
  failedPasses: number;
  lastPassMs: number | undefined;
  lastDetectMs: number | undefined;
  /** Where the last pass's time went, ms: the snapshot from the read model and the catalog join, the detectors, the writes to Neo4j. */
  lastSteps: { snapshotMs: number; detectMs: number; persistMs: number } | undefined;
  openFindings: number;
  lastError: string | undefined;
}

export function createDetectionLoop(options: DetectionLoopOptions) {
  const detectors = createDetectors(options.detectorOptions);
  const catalogSource = createCatalogSource(options.catalogPath, options.log);
  const findingStore = createFindingStore(options.driver, options.database, { resolveAfterMs: options.resolveAfterMs });
  const catalogWriter = createCatalogWriter(options.driver, options.database);
  const stats: DetectionStats = { passes: 0, failedPasses: 0, lastPassMs: undefined, lastDetectMs: undefined, lastSteps: undefined, openFindings: 0, lastError: undefined };
  let running: Promise<void> | undefined;
  let lastStartedMs = -Infinity;
  // Catalog problems only the observed graph reveals (an observed component two entities match):
  // they change with traffic, so they are kept from the last pass and logged when they change.
  let matchProblems: CatalogProblem[] = [];
  let matchProblemsLogged = '[]';

  function noteMatchProblems(problems: CatalogProblem[]): void {
    matchProblems = problems;
    const key = JSON.stringify(problems);
    if (key === matchProblemsLogged) return;
    matchProblemsLogged = key;
    for (const p of problems) options.log(`catalog problem: ${p.file}${p.entity ? ` ${p.entity}` : ''}${p.field ? ` ${p.field}` : ''}: ${p.message}`);
  }

  async function pass(): Promise<void> {
    const started = performance.now();
    const nowMs = options.clock();
    const catalog = await catalogSource.current();
    const observed = observedGraph(options.readModel, { fromMs: nowMs - options.windowMs, toMs: nowMs, all: false });
    await turn();
    const joined = applyCatalog(observed.components, observed.dependencies, catalog);
    noteMatchProblems(joined.problems);
    const snapshot: GraphSnapshot = {
      nowMs, components: joined.components, dependencies: joined.dependencies, declared: joined.declared,
      declaredOnly: joined.declaredOnly, workflows: observed.workflows, catalogLoaded: joined.catalogLoaded,
      caughtUpToMs: Math.min(nowMs, options.readModel.newestSeenMs() || nowMs), windowMs: options.windowMs,
    };
    await turn();
    const detectStarted = performance.now();
    const findings = await runDetectorsInSteps(snapshot, detectors, (detector, error) => options.log(`detector ${detector.kind} failed: ${(error as Error).stack ?? String(error)}`), options.detectorOptions, turn);
    const detected = performance.now();
    stats.lastDetectMs = detected - detectStarted;
    await catalogWriter.write(joined.components, joined.dependencies, joined.declared, joined.declaredOnly);
    await turn();
    options.readModel.applyCatalogView(joined);
    const changes = await findingStore.reconcile(findings, nowMs);
    stats.openFindings = changes.open;
    stats.passes++;
    const ended = performance.now();
    stats.lastPassMs = ended - started;
    stats.lastSteps = { snapshotMs: detectStarted - started, detectMs: detected - detectStarted, persistMs: ended - detected };
    if (changes.opened.length > 0 || changes.resolved.length > 0) {
      options.log(`findings: ${changes.opened.length} opened, ${changes.resolved.length} resolved, ${changes.open} open`);
      options.onChanges?.(changes, findings);
    }
    options.onPass?.({ nowMs, findings, opened: changes.opened, resolved: changes.resolved, components: joined.components, declaredOnly: joined.declaredOnly });
  }

  return {
    /** Runs a pass unless one ran within minIntervalMs or is running (force: run now, after any running one). */
    async run(force = false): Promise<void> {
      if (running) {
        if (!force) return;
        await running;
      }
      if (!force && options.clock() - lastStartedMs < options.minIntervalMs) return;
      lastStartedMs = options.clock();
      running = pass()
        .catch((error: Error) => {
          stats.failedPasses++;
          stats.lastError = error.message;
          options.log(`detector pass failed: ${error.message}`);
        })
        .finally(() => {
          running = undefined;
        });
      await running;
    },
    /** Resolves when no pass is running (shutdown). */
    async idle(): Promise<void> {
      await running;
    },
    stats: (): DetectionStats => ({ ...stats }),
    catalogProblems: (): CatalogProblem[] => [...catalogSource.problems(), ...matchProblems],
  };
}

export type DetectionLoop = ReturnType<typeof createDetectionLoop>;
