// The GraphQL server object, separate from any listener (main.ts) so tests call yoga.fetch().
// Resolvers stay thin: reads live in graph/read-graph.ts.
import { readFileSync } from 'node:fs';
import { createPubSub, createSchema, createYoga, type PubSub } from 'graphql-yoga';
import type { Driver } from 'neo4j-driver';
import { createBatchLoader } from './batch.ts';
import { createFindingReader, createGraphReader, type ComponentRow, type DependencyRow, type FindingFilter, type FindingRow } from './graph/read-graph.ts';

const typeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

export interface GraphUpdate {
  components: number;
  dependencies: number;
  at: string;
}

export type OrreryPubSub = PubSub<{ graphUpdated: [GraphUpdate] }>;

export function createOrreryPubSub(): OrreryPubSub {
  return createPubSub<{ graphUpdated: [GraphUpdate] }>();
}

/** Per-request state: batched edge loading for Component.dependsOn / dependents. */
interface RequestContext {
  outgoing: (name: string) => Promise<DependencyRow[]>;
  incoming: (name: string) => Promise<DependencyRow[]>;
}

export interface OrreryYogaOptions {
  driver: Driver;
  database: string;
  pubsub?: OrreryPubSub;
}

export function createOrreryYoga(options: OrreryYogaOptions) {
  const graph = createGraphReader(options.driver, options.database);
  const findingReader = createFindingReader(options.driver, options.database);
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
