// What GraphQL will do for one request, bounded before anything runs (DESIGN.md §8): GraphQL
// Armor's validation rules cap depth, cost, aliases, tokens and directives, so a hostile or
// careless query is refused in milliseconds with a clear error and an `extensions.code`, instead
// of occupying the API. When the platform is exposed (ORRERY_HOST off loopback) introspection is
// off and "Did you mean …?" suggestions are masked, so the schema is not handed to strangers.
//
// Why these libraries: GraphQL Armor (Escape) is the maintained set of envelop plugins for exactly
// these limits, released together for graphql 16 and envelop 5; its individual packages depend on
// graphql alone (the umbrella package also pulls Apollo Server in as a peer). Introspection is
// switched off with @graphql-yoga/plugin-disable-introspection, released with graphql-yoga itself.
//
// The limits sit well above what every query the web app, `npm run docs`, the check gate and the
// test suite send (graphql-limits.test.ts measures the app's own queries against them).
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const GRAPHQL_LIMITS = {
  /** Nested selections; the deepest the app sends is the diff's before/after (4). */
  maxDepth: 8,
  /** Armor's static cost (objects 2, scalars 1, ×1.5 per level); the app's diff query is the largest (279). */
  maxCost: 5000,
  /** Aliased fields in one operation; the app sends none. */
  maxAliases: 15,
  /** Lexical tokens; the app's largest query (the diff) has 162. */
  maxTokens: 1000,
  /** Directives in one operation; the app sends none. */
  maxDirectives: 20,
} as const;

/** extensions.code of each refusal, what a client can tell them apart by. */
export const LIMIT_CODES = {
  maxDepth: 'QUERY_TOO_DEEP',
  maxCost: 'QUERY_TOO_COSTLY',
  maxAliases: 'TOO_MANY_ALIASES',
  maxTokens: 'TOO_MANY_TOKENS',
  maxDirectives: 'TOO_MANY_DIRECTIVES',
  introspection: 'INTROSPECTION_DISABLED',
} as const;

/** How /metrics names each refusal (`orrery_api_refused_requests_total{reason}`, api-access.ts), by its code. */
export const LIMIT_REASONS = {
  [LIMIT_CODES.maxDepth]: 'max_depth',
  [LIMIT_CODES.maxCost]: 'max_cost',
  [LIMIT_CODES.maxAliases]: 'max_aliases',
  [LIMIT_CODES.maxTokens]: 'max_tokens',
  [LIMIT_CODES.maxDirectives]: 'max_directives',
  [LIMIT_CODES.introspection]: 'introspection',
} as const;
export type LimitReason = (typeof LIMIT_REASONS)[keyof typeof LIMIT_REASONS];

/** Armor's errors carry no code: one is added (with HTTP 400) before the error is thrown. */
function coded(code: string) {
  return [(_ctx: unknown, error: GraphQLError) => {
    const extensions = error.extensions as Record<string, unknown>;
    extensions['code'] = code;
    extensions['http'] = { status: 400 };
    // Armor words every refusal as a syntax error; it is a limit, and the message says which.
    error.message = `${error.message.replace(/^Syntax Error: /, '')} (Orrery's GraphQL limits: ask for less in one query)`;
  }];
}

export function graphqlLimitPlugins(options: {
  exposed: boolean;
  limits?: Partial<typeof GRAPHQL_LIMITS>;
  /** Called once per refused request and limit it broke (a query deep and costly counts under both). */
  onRefused?: (reason: LimitReason) => void;
}): Plugin[] {
  const limits = { ...GRAPHQL_LIMITS, ...options.limits };
  const plugins: Plugin[] = [
    maxTokensPlugin({ n: limits.maxTokens, onReject: coded(LIMIT_CODES.maxTokens) }),
    maxDepthPlugin({ n: limits.maxDepth, ignoreIntrospection: !options.exposed, flattenFragments: true, onReject: coded(LIMIT_CODES.maxDepth) }),
    costLimitPlugin({ maxCost: limits.maxCost, ignoreIntrospection: !options.exposed, onReject: coded(LIMIT_CODES.maxCost) }),
    maxAliasesPlugin({ n: limits.maxAliases, onReject: coded(LIMIT_CODES.maxAliases) }),
    maxDirectivesPlugin({ n: limits.maxDirectives, onReject: coded(LIMIT_CODES.maxDirectives) }),
  ] as Plugin[];
  if (options.exposed) {
    plugins.push(useDisableIntrospection() as Plugin, blockFieldSuggestionsPlugin() as Plugin, introspectionRefusalCode());
  }
  if (options.onRefused) plugins.push(countRefusals(options.onRefused));
  return plugins;
}

/**
 * Counts refusals from the answer's error codes, not in Armor's onReject: yoga caches parse and
 * validation results per document, so a query sent again is refused from the cache without any
 * rule running, and would go uncounted.
 */
function countRefusals(onRefused: (reason: LimitReason) => void): Plugin {
  const reasons = new Map<string, LimitReason>(Object.entries(LIMIT_REASONS));
  return {
    onResultProcess({ result }) {
      const results = Array.isArray(result) ? result : [result];
      for (const one of results) {
        if (!one || typeof one !== 'object' || !('errors' in one) || !Array.isArray(one.errors)) continue;
        const seen = new Set<LimitReason>();
        for (const error of one.errors as Array<{ extensions?: { code?: unknown } }>) {
          const reason = typeof error.extensions?.code === 'string' ? reasons.get(error.extensions.code) : undefined;
          if (reason && !seen.has(reason)) seen.add(reason);
        }
        for (const reason of seen) onRefused(reason);
      }
    },
  };
}

/** graphql's NoSchemaIntrospectionCustomRule (behind useDisableIntrospection) words its error, with no code. */
function introspectionRefusalCode(): Plugin {
  return {
    onValidate() {
      return ({ result }) => {
        for (const error of result) {
          if (/introspection has been disabled/i.test(error.message)) Object.assign(error.extensions as Record<string, unknown>, { code: LIMIT_CODES.introspection });
        }
      };
    },
  };
}
