// The limits against the queries Orrery itself sends: every query of the web app (imported from
// web/src/lib), and every GraphQL document written in the test suite and the tools (found by
// scanning their sources), must pass with room to spare; over-limit queries are refused by yoga
// with their extensions.code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { buildSchema, Kind, Lexer, parse, Source, TokenKind, validate, type DocumentNode } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { GRAPHQL_LIMITS, graphqlLimitPlugins, LIMIT_CODES } from './graphql-limits.ts';

const root = join(import.meta.dirname, '../..');
const schema = buildSchema(readFileSync(join(import.meta.dirname, 'schema.graphql'), 'utf8'));

type Measures = { depth: number; cost: number; aliases: number; directives: number; tokens: number };

function measure(query: string): Measures {
  const found: Partial<Measures> = {};
  const record = (key: keyof Measures) => [(_: unknown, details: { n: number }) => { found[key] = Math.max(found[key] ?? 0, details.n); }];
  const document = parse(query);
  const errors = validate(schema, document, [
    maxDepthRule({ n: Infinity, flattenFragments: true, onAccept: record('depth') }),
    costLimitRule({ maxCost: Infinity, onAccept: record('cost') }),
    maxAliasesRule({ n: Infinity, onAccept: record('aliases') }),
    maxDirectivesRule({ n: Infinity, onAccept: record('directives') }),
  ]);
  expect(errors).toEqual([]);
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  while (lexer.advance().kind !== TokenKind.EOF) tokens++;
  return { depth: found.depth ?? 0, cost: found.cost ?? 0, aliases: found.aliases ?? 0, directives: found.directives ?? 0, tokens };
}

/** At most half of each limit (a quarter of the cost one is already generous headroom for growth). */
function expectWellWithin(name: string, m: Measures) {
  expect.soft(m.depth, `${name}: depth`).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxDepth / 2);
  expect.soft(m.cost, `${name}: cost`).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxCost / 2);
  expect.soft(m.aliases, `${name}: aliases`).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxAliases / 2);
  expect.soft(m.directives, `${name}: directives`).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxDirectives / 2);
  expect.soft(m.tokens, `${name}: tokens`).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxTokens / 2);
}

// Not a literal specifier: the web app's modules are loaded by vitest, not compiled with the API.
const webModule = (file: string): Promise<Record<string, unknown>> => import(join(root, 'web/src/lib', file));

async function webQueries(): Promise<Map<string, string>> {
  const queries = new Map<string, string>();
  for (const file of ['graph-wire.ts', 'what-if.ts', 'finding-actions.ts', 'docs.ts']) {
    for (const [name, value] of Object.entries(await webModule(file))) {
      if (typeof value === 'string' && /^(query|mutation|subscription)\b/.test(value)) queries.set(`web ${name}`, value);
    }
  }
  return queries;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules') return [];
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** GraphQL documents written as string or template literals in the given sources. */
function writtenQueries(files: string[], fragments: Record<string, string>): Map<string, string> {
  const queries = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/`((?:[^`\\]|\\.)*)`|'((?:[^'\\\n]|\\.)*)'/g)) {
      const raw = match[1] ?? match[2] ?? '';
      if (!/^\s*(query|mutation|subscription)?\s*[A-Za-z0-9_]*\s*(\([^)]*\))?\s*\{/.test(raw) || !raw.includes('}')) continue;
      const substituted = raw.replace(/\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g, (_, name: string) => fragments[name] ?? 'x').replace(/\$\{[^}]*\}/g, 'x');
      let document: DocumentNode;
      try {
        document = parse(substituted);
      } catch {
        continue;
      }
      if (document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION)) queries.set(`${file.slice(root.length + 1)}: ${raw.slice(0, 60).replace(/\s+/g, ' ')}`, substituted);
    }
  }
  return queries;
}

describe('GraphQL limits', () => {
  it('pass every query the web app sends, with room to spare', async () => {
    const queries = await webQueries();
    expect(queries.size).toBeGreaterThanOrEqual(8);
    for (const [name, query] of queries) { const m = measure(query); if (process.env.SHOW_MEASURES) console.log(name, JSON.stringify(m)); expectWellWithin(name, m); }
  });

  it('pass every query written in the test suite and the tools', async () => {
    const fragments = Object.fromEntries(Object.entries(await webModule('graph-wire.ts')).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const files = [...sources(join(root, 'test/src')), ...sources(join(root, 'tools')), ...sources(join(root, 'collector/src/gate'))];
    const queries = writtenQueries(files, fragments);
    expect(queries.size).toBeGreaterThan(20);
    for (const [name, query] of queries) {
      const m = measure(query);
      if (process.env.SHOW_MEASURES) console.log(name, JSON.stringify(m));
      // Queries built to be refused (test/src/exposure.test.ts) are over on purpose.
      if (name.startsWith('test/src/exposure.test.ts')) continue;
      expect.soft(m.depth, `${name}: depth`).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxDepth);
      expect.soft(m.cost, `${name}: cost`).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxCost);
      expect.soft(m.aliases, `${name}: aliases`).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxAliases);
      expect.soft(m.tokens, `${name}: tokens`).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxTokens);
    }
  });

  const yoga = (exposed: boolean) => createYoga({
    schema: createSchema({ typeDefs: 'type Query { a: A, s: String } type A { a: A, s: String, t: String }', resolvers: { Query: { s: () => 'ok' } } }),
    plugins: graphqlLimitPlugins({ exposed }),
    logging: false,
  });
  const ask = async (exposed: boolean, query: string) => {
    const response = await yoga(exposed).fetch('http://orrery/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  };
  const nested = (levels: number) => `{ ${'a { '.repeat(levels)}s${' }'.repeat(levels)} }`;

  it.each([
    ['maxDepth', nested(12)],
    ['maxAliases', `{ ${Array.from({ length: 20 }, (_, i) => `s${i}: s`).join(' ')} }`],
    ['maxTokens', `{ ${'s '.repeat(1100)}}`],
    ['maxDirectives', `{ s ${'@include(if: true) '.repeat(25)}}`],
    // 500 scalars six levels down: within the depth and token limits, far over the cost one.
    ['maxCost', `{ ${'a { '.repeat(6)}${'s '.repeat(500)}${'} '.repeat(6)}}`],
  ] as const)('refuse a query over %s with its code, in milliseconds', async (limit, query) => {
    const started = performance.now();
    const answer = await ask(false, query);
    expect(performance.now() - started).toBeLessThan(500);
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.[0]?.extensions?.code).toBe(LIMIT_CODES[limit]);
    expect(answer.errors?.[0]?.message).toMatch(/limit of \d+ exceeded/);
  });

  it('turn introspection and field suggestions off only when exposed', async () => {
    expect((await ask(false, '{ __schema { queryType { name } } }')).errors).toBeUndefined();
    expect((await ask(true, '{ __schema { queryType { name } } }')).errors?.[0]?.extensions?.code).toBe(LIMIT_CODES.introspection);
    expect((await ask(false, '{ ss }')).errors?.[0]?.message).toMatch(/Did you mean "s"/);
    const hidden = (await ask(true, '{ ss }')).errors?.[0]?.message;
    expect(hidden).toMatch(/Cannot query field "ss"/);
    expect(hidden).not.toMatch(/Did you mean/);
    expect((await ask(true, nested(3))).errors).toBeUndefined();
  });

  it('count every refusal by reason, a query sent again (refused from the cache yoga keeps) included', async () => {
    const counted: string[] = [];
    const server = createYoga({
      schema: createSchema({ typeDefs: 'type Query { a: A, s: String } type A { a: A, s: String }', resolvers: { Query: { s: () => 'ok' } } }),
      plugins: graphqlLimitPlugins({ exposed: true, onRefused: (reason) => counted.push(reason) }),
      logging: false,
    });
    const send = (query: string) => server.fetch('http://orrery/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    for (const query of [nested(12), nested(12), `{ ${'s '.repeat(1100)}}`, `{ ${'s '.repeat(1100)}}`, '{ __schema { queryType { name } } }', '{ s }', '{ ss }']) await send(query);
    expect(counted.sort()).toEqual(['introspection', 'max_depth', 'max_depth', 'max_tokens', 'max_tokens']);
  });
});
