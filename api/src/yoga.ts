// The GraphQL server object, separate from any listener (main.ts) so tests call yoga.fetch().
// Resolvers stay thin: reads live in graph/read-graph.ts.
import { readFileSync } from 'node:fs';
// createGraphQLError, not `new GraphQLError`: graphql ships CJS and ESM builds, and an error
// class from the other build would fail yoga's instanceof check and be masked.
import { createGraphQLError, createPubSub, createSchema, createYoga, type PubSub } from 'graphql-yoga';
import type { Driver } from 'neo4j-driver';
import { createBatchLoader } from './batch.ts';
import { blastRadius } from '@orrery/collector/graph/blast-radius.ts';
import { shortestPath } from '@orrery/collector/graph/paths.ts';
import { readObservedGraph } from '@orrery/collector/store/snapshot-reader.ts';
import { createFindingStore } from '@orrery/collector/store/finding-store.ts';
import { createFindingReader, createGraphReader, dependencyRow, type ComponentRow, type DependencyRow, type FindingFilter, type FindingRow } from './graph/read-graph.ts';

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


/** Per-request state: batched edge loading for Component.dependsOn / dependents. */
interface RequestContext {
  outgoing: (name: string) => Promise<DependencyRow[]>;
  incoming: (name: string) => Promise<DependencyRow[]>;
}

/** The collector's counters as GraphQL serves them (tools/platform.ts maps them). */
export interface CollectorStatus {
  [counter: string]: number | boolean | string | string[] | null | Array<Record<string, string | number | boolean | null>>;
}

export interface OrreryYogaOptions {
  driver: Driver;
  database: string;
  pubsub?: OrreryPubSub;
  /** When the collector runs in the same process: its live counters. */
  collectorStatus?: () => CollectorStatus;
}

export function createOrreryYoga(options: OrreryYogaOptions) {
  const graph = createGraphReader(options.driver, options.database);
  const findingReader = createFindingReader(options.driver, options.database);
  const findingStore = createFindingStore(options.driver, options.database);
  const observed = () => readObservedGraph(options.driver, options.database);
  const pubsub = options.pubsub ?? createOrreryPubSub();


  const schema = createSchema<RequestContext>({
    typeDefs,
    resolvers: {
      Query: {
        services: () => graph.components('SERVICE'),
        components: (_: unknown, args: { kind?: string | null }) => graph.components(args.kind),
        service: async (_: unknown, args: { name: string }) => (await graph.componentsByName([args.name]))[0] ?? null,
        dependencies: (_: unknown, args: { kind?: string | null }) => graph.dependencies(args.kind),
        findings: (_: unknown, args: FindingFilter) => findingReader.findings(args),
        path: async (_: unknown, args: { from: string; to: string }) => {
          const found = shortestPath(await observed(), args.from, args.to);
          return found ? { components: found.components, dependencies: found.edges.map(dependencyRow) } : null;
        },
        blastRadius: async (_: unknown, args: { service: string }) => blastRadius(await observed(), args.service),
        workflows: async () => (await observed()).workflows,
        collectorStatus: () => options.collectorStatus?.() ?? null,
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
        dependsOn: (c: ComponentRow, _: unknown, ctx: RequestContext) => ctx.outgoing(c.name),
        dependents: (c: ComponentRow, _: unknown, ctx: RequestContext) => ctx.incoming(c.name),
        findings: (c: ComponentRow) => findingReader.findings({ component: c.name }),
      },
      Finding: {
        components: (f: FindingRow) => f.components,
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

  return createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: 'warn',
    context: (): RequestContext => {
      const edges = createBatchLoader<{ out: DependencyRow[]; in: DependencyRow[] }>(async (names) => {
        const rows = await graph.dependenciesOf(names);
        const result = new Map(names.map((n) => [n, { out: [] as DependencyRow[], in: [] as DependencyRow[] }]));
        for (const row of rows) {
          result.get(row.from)?.out.push(row);
          result.get(row.to)?.in.push(row);
        }
        return result;
      }, { out: [], in: [] });
      return {
        outgoing: async (name: string) => (await edges(name)).out,
        incoming: async (name: string) => (await edges(name)).in,
      };
    },
  });
}

export type OrreryYoga = ReturnType<typeof createOrreryYoga>;
