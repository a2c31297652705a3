// The serialised answers of the read model's list queries, kept while what they were computed from
// still holds: the read model (the same object at the same version), each window the query asked
// (resolved again at the new request's clock, to the minutes it is summed from) and the
// declared-only components it listed. At 5,000 components the map's full query is ~2 MB of JSON
// whose serialisation alone takes ~20 ms; asked again before anything changed (a second architect
// opening the map, a reload, a dashboard), it is one string write.
//
// Only queries whose every field is decided by those inputs are kept: the roots in CACHED_ROOTS
// and what they reach, except fields read elsewhere (Component.findings from Neo4j) or from the
// request's own clock (series, whose steps start at the unwidened window). The rest run as always.
// Types only from graphql: its CJS and ESM builds are two realms (yoga's schema may be the other
// one), so the document is walked by hand rather than with TypeInfo's instanceof checks.
import type { DocumentNode, ExecutionResult, FragmentDefinitionNode, GraphQLSchema, SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { MetricFamily } from '@orrery/collector/metrics/exposition.ts';

/** What an answer was computed from, recorded by the resolvers as they ran (yoga.ts). */
export interface AnswerInputs {
  model: object | undefined;
  version: number;
  /** Each window asked, as given, and the model's key for it (windowKey) at the time. */
  windows: Array<{ input: unknown; key: string }>;
  /** Declared-only components listed, per kind asked: the rows as read. */
  declared: Array<{ kind: string | null; rows: readonly object[] }>;
}

export const CACHED_ROOTS: ReadonlySet<string> = new Set(['services', 'components', 'dependencies', 'workflows']);
const NOT_CACHED_FIELDS: ReadonlySet<string> = new Set(['Component.findings', 'Component.series', 'Dependency.series']);

type Named = { name: string; ofType?: unknown; getFields?: () => Record<string, { type: unknown }> };
const namedType = (type: unknown): Named => {
  let t = type as Named;
  while (t.ofType) t = t.ofType as Named;
  return t;
};

/** True when the document is one query whose every field is one the answer cache may keep. */
export function isCacheableQuery(schema: GraphQLSchema, document: DocumentNode): boolean {
  const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
  const query = schema.getQueryType();
  if (operations.length !== 1 || operations[0]!.operation !== 'query' || !query) return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === 'FragmentDefinition') fragments.set(d.name.value, d);
  const spread = new Set<string>();
  const allowed = (selections: SelectionSetNode, typeName: string): boolean => selections.selections.every((node) => {
    if (node.kind === 'InlineFragment') return allowed(node.selectionSet, node.typeCondition?.name.value ?? typeName);
    if (node.kind === 'FragmentSpread') {
      const fragment = fragments.get(node.name.value);
      if (!fragment) return false;
      if (spread.has(fragment.name.value)) return true;
      spread.add(fragment.name.value);
      return allowed(fragment.selectionSet, fragment.typeCondition.name.value);
    }
    const field = node.name.value;
    if (field === '__typename') return true;
    if (field.startsWith('__')) return false;
    if (typeName === query.name ? !CACHED_ROOTS.has(field) : NOT_CACHED_FIELDS.has(`${typeName}.${field}`)) return false;
    if (!node.selectionSet) return true;
    const definition = (schema.getType(typeName) as Named | undefined)?.getFields?.()[field];
    return definition !== undefined && allowed(node.selectionSet, namedType(definition.type).name);
  });
  return allowed(operations[0]!.selectionSet, query.name);
}

export interface AnswerCacheOptions<C> {
  /** The inputs the resolvers recorded on the request's context. */
  inputsOf: (context: C) => AnswerInputs;
  /** Whether inputs recorded earlier still hold for this request (same model version, same windows, same declared rows). */
  stillHolds: (inputs: AnswerInputs, context: C) => Promise<boolean>;
  /** Answers kept, least recently asked dropped first (each is a whole JSON body). */
  maxAnswers: number;
}

interface Answer {
  inputs: AnswerInputs;
  body: string;
  /** The body as UTF-8, made at its first reuse: a kept answer is sent as bytes, not encoded again per request. */
  bytes: Buffer | undefined;
}

/** The yoga plugin; place it after the limits (a refused query never reaches it) and before graphql-jit. */
export function useAnswerCache<C>(options: AnswerCacheOptions<C>): Plugin & { stats: () => { hits: number; misses: number; kept: number } } {
  const cacheable = new WeakMap<DocumentNode, boolean>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  const answers = new Map<string, Answer>();
  /** The kept answer each request is being served, for onResponse to send as bytes. */
  const served = new WeakMap<Request, Answer>();
  const stats = { hits: 0, misses: 0 };

  const keep = (key: string, answer: Answer) => {
    answers.delete(key);
    answers.set(key, answer);
    while (answers.size > options.maxAnswers) answers.delete(answers.keys().next().value!);
  };

  return {
    stats: () => ({ ...stats, kept: answers.size }),
    async onExecute({ args, setResultAndStopExecution }) {
      const { document, schema } = args;
      let ok = cacheable.get(document);
      if (ok === undefined) cacheable.set(document, (ok = isCacheableQuery(schema, document)));
      if (!ok) return;
      let id = documentIds.get(document);
      if (id === undefined) documentIds.set(document, (id = nextDocumentId++));
      const key = `${id}\0${args.operationName ?? ''}\0${JSON.stringify(args.variableValues ?? {})}`;
      const context = args.contextValue as C;
      const kept = answers.get(key);
      if (kept && (await options.stillHolds(kept.inputs, context))) {
        stats.hits++;
        keep(key, kept);
        // yoga serialises a result with its `stringify` (the hook graphql-jit uses): the kept body,
        // which onResponse then sends as the kept bytes.
        setResultAndStopExecution({ data: {}, stringify: () => kept.body } as ExecutionResult);
        const request = (context as { request?: Request }).request;
        if (request) served.set(request, kept);
        return;
      }
      stats.misses++;
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result || result.errors?.length) return;
          const withStringify = result as ExecutionResult & { stringify?: (r: unknown) => string };
          const stringify = withStringify.stringify ?? JSON.stringify;
          withStringify.stringify = (r: unknown) => {
            const body = stringify(r);
            keep(key, { inputs: options.inputsOf(context), body, bytes: undefined });
            return body;
          };
        },
      };
    },
    // yoga chose the status and the headers (the media type the request accepts); the body is the
    // kept bytes. Not gzipped: on loopback, Node's fetch took twice as long to inflate 2 MB (p50 19
    // -> 41 ms at 5,000 components) as to read it plain, and the map's own first read is not kept.
    onResponse({ request, response, setResponse, fetchAPI }) {
      const answer = served.get(request);
      if (!answer || response.status !== 200) return;
      answer.bytes ??= Buffer.from(answer.body);
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-length', String(answer.bytes.length));
      setResponse(new fetchAPI.Response(answer.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers }));
    },
  };
}

/** `orrery_api_answer_cache_total{result}` for /metrics: list queries answered from a kept body (hit) or executed (miss). */
export function answerCacheFamilies(stats: { hits: number; misses: number }): MetricFamily[] {
  return [{
    name: 'orrery_api_answer_cache_total', type: 'counter',
    help: 'List queries the API answered with a body kept from an earlier answer while the read model, the windows and the declared-only components stood still (hit), or executed (miss).',
    samples: [{ labels: { result: 'hit' }, value: stats.hits }, { labels: { result: 'miss' }, value: stats.misses }],
  }];
}
