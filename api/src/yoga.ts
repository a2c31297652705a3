// The GraphQL server object, separate from any listener (main.ts) so tests call yoga.fetch().
// Resolvers stay thin: reads live in graph/read-graph.ts.
import { readFileSync } from 'node:fs';
// createGraphQLError, not `new GraphQLError`: graphql ships CJS and ESM builds, and an error
// class from the other build would fail yoga's instanceof check and be masked.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createGraphQLError, createPubSub, createSchema, createYoga, type PubSub } from 'graphql-yoga';
import type { Driver } from 'neo4j-driver';
import { blastRadius } from '@orrery/collector/graph/blast-radius.ts';
import { shortestPath } from '@orrery/collector/graph/paths.ts';
import { createFindingStore } from '@orrery/collector/store/finding-store.ts';
import { loadReadModel } from '@orrery/collector/store/read-model-loader.ts';
import { observedGraph } from '@orrery/collector/timeline/observed-graph.ts';
import { createReadModel, type ReadModel } from '@orrery/collector/timeline/read-model.ts';
import { tiersFor } from '@orrery/collector/timeline/tiers.ts';
import { TimeWindowError, type ResolvedWindow, type TimeWindowInput } from '@orrery/collector/timeline/time-window.ts';
import { createFindingReader, createGraphReader, dependencyRow, type ComponentRow, type DependencyRow, type FindingFilter, type FindingRow } from './graph/read-graph.ts';
import { componentRow, declaredComponentRow, graphDiffRow, mayAskSeries, resolvedWindowRow, stepOf, windowOf, withWindow, type WindowedComponentRow, type WindowedDependencyRow } from './graph/windowed-graph.ts';
import { resiliencePlanRows, whatIfRow } from './what-if.ts';
import { graphChangesRow, packGraph, type PackableComponent, type PackableDependency } from './graph/graph-changes.ts';
import { createOnboardingDocs, type OnboardingDocArgs } from './onboarding-doc.ts';
import { graphqlLimitPlugins, type LimitReason } from './graphql-limits.ts';
import { useAnswerCache, type AnswerInputs } from './answer-cache.ts';

const typeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

export interface GraphUpdate {
  components: number;
  dependencies: number;
  at: string;
}

export interface FindingsChange {
  opened: string[];
  resolved: string[];
  open: number;
  at: string;
}

type Events = { graphUpdated: [GraphUpdate]; findingsChanged: [FindingsChange] };
export type OrreryPubSub = PubSub<Events>;

export function createOrreryPubSub(): OrreryPubSub {
  return createPubSub<Events>();
}


/**
 * Per-request state: one read model and one clock reading for every field of a query, and what
 * the answer was computed from (the model's version, the windows, the declared-only rows), for
 * the answer cache (answer-cache.ts).
 */
interface RequestContext {
  model: () => Promise<ReadModel>;
  nowMs: number;
  inputs: AnswerInputs;
  /** The query may ask for Dependency.series: dependencies are handed out naming their window (withWindow). */
  asksSeries: boolean;
}

/** The collector's counters as GraphQL serves them (tools/platform.ts maps them). */
export interface CollectorStatus {
  [counter: string]: number | boolean | string | string[] | null | Record<string, number> | Array<Record<string, string | number | boolean | null>>;
}

export interface OrreryYogaOptions {
  driver: Driver;
  database: string;
  pubsub?: OrreryPubSub;
  /** When the collector runs in the same process: its live counters. */
  collectorStatus?: () => CollectorStatus;
  /**
   * When the collector runs in the same process: its read model, current after every flush.
   * Without one the API loads the model from Neo4j, at most every `reloadMs` (a standalone API).
   */
  readModel?: ReadModel;
  retentionMs?: number;
  reloadMs?: number;
  /** ORRERY_CATALOG, for onboardingDoc (descriptions, the entities its catalog changes name). */
  catalogPath?: string | undefined;
  /** ORRERY_HOST is off loopback: introspection and field suggestions off (graphql-limits.ts). */
  exposed?: boolean;
  /** CORS headers per request (api-access.ts); by default none, so only the app's own origin can read answers. */
  cors?: (request: Request) => { origin: string; credentials: false; allowedHeaders: string[]; methods: string[] } | false;
  /** A request refused by a GraphQL limit (graphql-limits.ts), for /metrics (api-access.ts countLimitRefusal). */
  onLimitRefused?: (reason: LimitReason) => void;
}

/** A read model for an API without a collector in its process: reloaded from Neo4j when older than reloadMs. */
function neo4jReadModel(options: OrreryYogaOptions): () => Promise<ReadModel> {
  let current: { model: ReadModel; loadedAt: number } | undefined;
  let loading: Promise<ReadModel> | undefined;
  return async () => {
    if (current && Date.now() - current.loadedAt < (options.reloadMs ?? 2000)) return current.model;
    loading ??= (async () => {
      const model = createReadModel({ tiers: tiersFor(options.retentionMs ?? 30 * 86_400_000) });
      await loadReadModel(options.driver, options.database, model);
      current = { model, loadedAt: Date.now() };
      return model;
    })().finally(() => { loading = undefined; });
    return loading;
  };
}

/** A bad window or step is the caller's error, with a clear message and extensions.code. */
function badInput(error: unknown): never {
  if (error instanceof TimeWindowError) throw createGraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  throw error;
}

type WindowArgs = { window?: TimeWindowInput | null };

/** Names in localeCompare's order, at a fraction of its cost per comparison. */
const byName = new Intl.Collator();
const DECLARED_CACHE_MS = 1000;
/** Whole answers the answer cache keeps (each up to a few MB at 5,000 components). */
const ANSWERS_KEPT = 8;

function checkedStep(window: ResolvedWindow, step: string | null | undefined): number {
  try {
    return stepOf(window, step);
  } catch (error) {
    return badInput(error);
  }
}

export function createOrreryYoga(options: OrreryYogaOptions) {
  const graph = createGraphReader(options.driver, options.database);
  const findingReader = createFindingReader(options.driver, options.database);
  const findingStore = createFindingStore(options.driver, options.database);
  const pubsub = options.pubsub ?? createOrreryPubSub();
  const onboardingDocs = createOnboardingDocs({ driver: options.driver, database: options.database, catalogPath: options.catalogPath });
  const liveModel = options.readModel;
  const modelSource = liveModel ? async () => liveModel : neo4jReadModel(options);
  const windowFor = async (ctx: RequestContext, args: WindowArgs) => {
    const model = await ctx.model();
    let window: ResolvedWindow;
    try {
      window = windowOf(model, args.window, ctx.nowMs);
    } catch (error) {
      return badInput(error);
    }
    ctx.inputs.windows.push({ input: args.window, key: model.windowKey(window) });
    return { model, window };
  };
  const componentsIn = async (ctx: RequestContext, args: WindowArgs & { kind?: string | null }): Promise<WindowedComponentRow[]> => {
    const { model, window } = await windowFor(ctx, args);
    // Sorted by name already (the model caches the list and the index per window and version).
    const active = model.activeComponents(window);
    const index = model.dependencyIndex(window);
    const observedRows = (args.kind ? active.filter((c) => c.kind === args.kind) : active).map((c) => componentRow(c, window, index.get(c.name)));
    const declaredOnly = await declaredOnlyOf(args.kind ?? null);
    ctx.inputs.declared.push({ kind: args.kind ?? null, rows: declaredOnly });
    if (declaredOnly.length === 0) return observedRows;
    const seen = new Set(observedRows.map((c) => c.name));
    const declared = declaredOnly.filter((c) => !seen.has(c.name)).map((c) => declaredComponentRow(c, window));
    return [...observedRows, ...declared].sort((a, b) => byName.compare(a.name, b.name));
  };
  // Declared-only components change with the catalog (read at each detector pass), not per query:
  // one Neo4j read per kind a second at most, instead of one per map request.
  const declaredCache = new Map<string | null, { at: number; rows: Promise<ComponentRow[]> }>();
  const declaredOnlyOf = (kind: string | null): Promise<ComponentRow[]> => {
    const hit = declaredCache.get(kind);
    if (hit && Date.now() - hit.at < DECLARED_CACHE_MS) return hit.rows;
    const rows = graph.declaredOnly(kind);
    declaredCache.set(kind, { at: Date.now(), rows });
    rows.catch(() => declaredCache.delete(kind));
    return rows;
  };


  // A kept answer is served again while the model is the same object at the same version, every
  // window it asked resolves to the same minutes now, and the declared-only rows it listed read the same.
  const declaredDigests = new WeakMap<object, string>();
  const digestOf = (rows: readonly object[]) => {
    let digest = declaredDigests.get(rows);
    if (digest === undefined) declaredDigests.set(rows, (digest = JSON.stringify(rows)));
    return digest;
  };
  const answerCache = useAnswerCache<RequestContext>({
    maxAnswers: ANSWERS_KEPT,
    inputsOf: (ctx) => ctx.inputs,
    stillHolds: async (inputs, ctx) => {
      const model = await ctx.model();
      if (model !== inputs.model || model.version() !== inputs.version) return false;
      for (const w of inputs.windows) {
        try {
          if (model.windowKey(windowOf(model, w.input as TimeWindowInput | null | undefined, ctx.nowMs)) !== w.key) return false;
        } catch {
          return false;
        }
      }
      for (const d of inputs.declared) {
        const rows = await declaredOnlyOf(d.kind);
        if (rows !== d.rows && digestOf(rows) !== digestOf(d.rows)) return false;
      }
      return true;
    },
  });

  const schema = createSchema<RequestContext>({
    typeDefs,
    resolvers: {
      Query: {
        services: (_: unknown, args: WindowArgs, ctx: RequestContext) => componentsIn(ctx, { ...args, kind: 'SERVICE' }),
        components: (_: unknown, args: WindowArgs & { kind?: string | null }, ctx: RequestContext) => componentsIn(ctx, args),
        service: async (_: unknown, args: WindowArgs & { name: string }, ctx: RequestContext) => {
          const { model, window } = await windowFor(ctx, args);
          const observedComponent = model.component(args.name);
          if (observedComponent) return componentRow(observedComponent, window, model.dependencyIndex(window).get(args.name));
          const declared = (await graph.declaredOnly(null, [args.name]))[0];
          return declared ? declaredComponentRow(declared, window) : null;
        },
        dependencies: async (_: unknown, args: WindowArgs & { kind?: string | null }, ctx: RequestContext) => {
          const { model, window } = await windowFor(ctx, args);
          return withWindow(model.dependencies(window), window, ctx.asksSeries).filter((d) => !args.kind || d.kind === args.kind)
            .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.kind.localeCompare(b.kind));
        },
        window: async (_: unknown, args: WindowArgs, ctx: RequestContext) => resolvedWindowRow((await windowFor(ctx, args)).window, ctx.nowMs),
        graphChanges: async (_: unknown, args: WindowArgs & { since: number }, ctx: RequestContext) => {
          const { model, window } = await windowFor(ctx, args);
          // The version is read before the answer: a publish in between is caught up next time.
          const version = model.version();
          const changes = graphChangesRow(model, window, args.since);
          if (changes) return { ...changes, dependencies: withWindow(changes.dependencies, window, ctx.asksSeries), window: resolvedWindowRow(window, ctx.nowMs) };
          return {
            version, full: true, window: resolvedWindowRow(window, ctx.nowMs), components: await componentsIn(ctx, args), removedComponents: [],
            dependencies: withWindow(model.dependencies(window), window, ctx.asksSeries), removedDependencies: [],
          };
        },
        graphDiff: async (_: unknown, args: { before: TimeWindowInput; after: TimeWindowInput }, ctx: RequestContext) => {
          const before = await windowFor(ctx, { window: args.before });
          const after = await windowFor(ctx, { window: args.after });
          return graphDiffRow(after.model, before.window, after.window, ctx.nowMs, ctx.asksSeries);
        },
        findings: async (_: unknown, args: FindingFilter & WindowArgs, ctx: RequestContext) => {
          if (!args.window) return findingReader.findings(args);
          const { window } = await windowFor(ctx, args);
          return findingReader.findings({ ...args, fromMs: window.all ? null : window.fromMs, toMs: window.toMs });
        },
        path: async (_: unknown, args: { from: string; to: string }, ctx: RequestContext) => {
          const { model, window } = await windowFor(ctx, { window: { last: 'all' } });
          const found = shortestPath(observedGraph(model, window), args.from, args.to);
          return found ? { components: found.components, dependencies: found.edges.map(dependencyRow) } : null;
        },
        blastRadius: async (_: unknown, args: WindowArgs & { service: string }, ctx: RequestContext) => {
          const { model, window } = await windowFor(ctx, args);
          return blastRadius(observedGraph(model, window), args.service);
        },
        workflows: async (_: unknown, args: WindowArgs, ctx: RequestContext) => {
          const { model, window } = await windowFor(ctx, args);
          return model.workflows(window);
        },
        whatIf: async (_: unknown, args: WindowArgs & { fail: string[]; slow?: Array<{ name: string; latencyMs: number }> | null }, ctx: RequestContext) => {
          const { model, window } = await windowFor(ctx, args);
          return whatIfRow(model, window, args.fail, args.slow ?? []);
        },
        resiliencePlan: async (_: unknown, args: WindowArgs & { limit?: number | null }, ctx: RequestContext) => {
          const { model, window } = await windowFor(ctx, args);
          return resiliencePlanRows(model, window, args.limit ?? 20);
        },
        collectorStatus: () => options.collectorStatus?.() ?? null,
        onboardingDoc: async (_: unknown, args: OnboardingDocArgs, ctx: RequestContext) => onboardingDocs.resolve(await ctx.model(), ctx.nowMs, args),
      },
      Mutation: {
        acknowledgeFinding: async (_: unknown, args: { id: string; note: string }) => {
          const note = args.note.trim();
          if (!note) throw createGraphQLError('acknowledgeFinding needs a note saying why', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          if (!(await findingStore.acknowledge(args.id, note, Date.now()))) {
            throw createGraphQLError(`no open finding with id ${JSON.stringify(args.id)}`, { extensions: { code: 'NOT_FOUND', http: { status: 404 } } });
          }
          return (await findingReader.findings({ id: args.id }))[0] ?? null;
        },
      },
      Component: {
        dependsOn: (c: WindowedComponentRow, _: unknown, ctx: RequestContext) => withWindow(c.edges.out, c.window, ctx.asksSeries),
        dependents: (c: WindowedComponentRow, _: unknown, ctx: RequestContext) => withWindow(c.edges.in, c.window, ctx.asksSeries),
        findings: (c: ComponentRow) => findingReader.findings({ component: c.name }),
        series: async (c: WindowedComponentRow, args: { step?: string | null }, ctx: RequestContext) => {
          const stepMs = checkedStep(c.window, args.step);
          return (await ctx.model()).componentSeries(c.name, c.window, stepMs).map((p) => ({ at: new Date(p.atMs).toISOString(), callsIn: p.callsIn, callsOut: p.callsOut, errors: p.errors }));
        },
      },
      Dependency: {
        callsPerMinute: (d: DependencyRow | WindowedDependencyRow) => d.callsPerMinute ?? 0,
        errorRate: (d: DependencyRow | WindowedDependencyRow) => d.errorRate ?? (d.calls > 0 ? d.errors / d.calls : 0),
        firstSeen: (d: DependencyRow | WindowedDependencyRow) => ('firstSeenMs' in d ? new Date(d.firstSeenMs).toISOString() : d.firstSeen),
        lastSeen: (d: DependencyRow | WindowedDependencyRow) => ('lastSeenMs' in d ? new Date(d.lastSeenMs).toISOString() : d.lastSeen),
        series: async (d: WindowedDependencyRow, args: { step?: string | null }, ctx: RequestContext) => {
          // A path's dependencies are lifetime ones: their series spans the lifetime.
          const window = d.window ?? (await windowFor(ctx, { window: { last: 'all' } })).window;
          const stepMs = checkedStep(window, args.step);
          return (await ctx.model()).edgeSeries(d.from, d.to, d.kind, d.protocol, window, stepMs).map((p) => ({ at: new Date(p.atMs).toISOString(), calls: p.calls, errors: p.errors, p95Ms: p.p95Ms ?? null }));
        },
      },
      Finding: {
        components: (f: FindingRow) => f.components,
      },
      GraphChanges: {
        packed: (row: { components: PackableComponent[]; dependencies: PackableDependency[] }) => packGraph(row.components, row.dependencies),
      },
      Subscription: {
        graphUpdated: {
          subscribe: () => pubsub.subscribe('graphUpdated'),
          resolve: (update: GraphUpdate) => update,
        },
        findingsChanged: {
          subscribe: () => pubsub.subscribe('findingsChanged'),
          resolve: (change: FindingsChange) => change,
        },
      },
    },
  });

  const yoga = createYoga({
    schema,
    // graphql-jit compiles each query once into a specialised executor: the map's full query
    // resolves ~100,000 fields at 5,000 components, where graphql-js's interpreter took most of the time.
    // Depth, cost, aliases, tokens and directives are bounded before anything runs; a list query
    // asked again before the model changed is answered with the body kept (answer-cache.ts).
    plugins: [...graphqlLimitPlugins({ exposed: options.exposed ?? false, onRefused: options.onLimitRefused }), answerCache, useGraphQlJit()],
    cors: options.cors ?? false,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: 'warn',
    context: ({ params }: { params?: { query?: string } }): RequestContext => {
      // One model and one clock reading per request: every field of a query sees the same moment.
      let model: Promise<ReadModel> | undefined;
      const inputs: AnswerInputs = { model: undefined, version: 0, windows: [], declared: [] };
      const first = async () => {
        const m = await modelSource();
        inputs.model = m;
        inputs.version = m.version();
        return m;
      };
      return { model: () => (model ??= first()), nowMs: Date.now(), inputs, asksSeries: mayAskSeries(params?.query) };
    },
  });
  return Object.assign(yoga, { answerCacheStats: answerCache.stats });
}

export type OrreryYoga = ReturnType<typeof createOrreryYoga>;
