// Who may call GraphQL (DESIGN.md §8). With ORRERY_API_TOKEN set, every /graphql request but a
// CORS preflight needs `Authorization: Bearer <token>` (401 otherwise, the token compared in
// constant time and never logged); the web app's page and assets load without it and ask for
// the token when GraphQL answers 401. A browser request from another origin is refused (403)
// unless ORRERY_CORS_ORIGINS lists it, so another site cannot drive the API through a visitor's
// browser even where no token is set; only listed origins get CORS headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerCheck, refusalMessage } from '@orrery/collector/auth/bearer-token.ts';
import type { MetricFamily } from '@orrery/collector/metrics/exposition.ts';
import { LIMIT_REASONS, type LimitReason } from './graphql-limits.ts';

export interface ApiAccessOptions {
  apiToken?: string | undefined;
  /** Origins besides the app's own allowed to call GraphQL from a browser (ORRERY_CORS_ORIGINS). */
  corsOrigins?: readonly string[];
}

export interface ApiAccessStats {
  /** Requests refused, by reason: unauthenticated (401), foreignOrigin (403). */
  refused: { unauthenticated: number; foreignOrigin: number };
  /** GraphQL requests refused by a limit (graphql-limits.ts), by reason. */
  limits: Record<LimitReason, number>;
}

/** Every reason `orrery_api_refused_requests_total` has, zero ones included. */
export const API_REFUSAL_REASONS = ['unauthenticated', 'foreign_origin', ...Object.values(LIMIT_REASONS)] as const;

export function createApiAccess(options: ApiAccessOptions) {
  const auth = options.apiToken ? bearerCheck(options.apiToken) : undefined;
  const allowed = new Set(options.corsOrigins ?? []);
  const stats: ApiAccessStats = {
    refused: { unauthenticated: 0, foreignOrigin: 0 },
    limits: Object.fromEntries(Object.values(LIMIT_REASONS).map((r) => [r, 0])) as Record<LimitReason, number>,
  };

  const refuse = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      .end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
  };

  return {
    /** Whether a /graphql request may go on; when not, it has been answered. */
    admit(req: IncomingMessage, res: ServerResponse): boolean {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== 'null' && !allowed.has(origin) && !sameOrigin(origin, req.headers.host)) {
        stats.refused.foreignOrigin++;
        req.resume();
        refuse(res, 403, 'FORBIDDEN_ORIGIN', `requests from ${origin} are not allowed: only the app's own origin, and those listed in ORRERY_CORS_ORIGINS`);
        return false;
      }
      if (!auth || req.method === 'OPTIONS') return true;
      const verdict = auth.check(req.headers.authorization);
      if (verdict === 'ok') return true;
      stats.refused.unauthenticated++;
      req.resume();
      refuse(res, 401, 'UNAUTHENTICATED', refusalMessage(verdict, 'ORRERY_API_TOKEN'), { 'www-authenticate': 'Bearer realm="orrery-api"' });
      return false;
    },
    /** yoga's `cors` option: headers only for a listed origin (the app's own needs none). */
    cors(request: Request): { origin: string; credentials: false; allowedHeaders: string[]; methods: string[] } | false {
      const origin = request.headers.get('origin');
      return origin !== null && allowed.has(origin)
        ? { origin, credentials: false, allowedHeaders: ['content-type', 'accept', 'authorization'], methods: ['GET', 'POST'] }
        : false;
    },
    /** graphqlLimitPlugins' onRefused (through createOrreryYoga's onLimitRefused). */
    countLimitRefusal(reason: LimitReason): void {
      stats.limits[reason]++;
    },
    stats: (): ApiAccessStats => ({ refused: { ...stats.refused }, limits: { ...stats.limits } }),
    /** `orrery_api_refused_requests_total{reason}` for /metrics (collector/src/metrics/exposition.ts). */
    metricFamilies(): MetricFamily[] {
      const counts: Record<(typeof API_REFUSAL_REASONS)[number], number> = {
        unauthenticated: stats.refused.unauthenticated, foreign_origin: stats.refused.foreignOrigin, ...stats.limits,
      };
      return [{
        name: 'orrery_api_refused_requests_total', type: 'counter',
        help: 'Requests the API port refused, by reason: unauthenticated (401, ORRERY_API_TOKEN missing or wrong), foreign_origin (403, an origin not in ORRERY_CORS_ORIGINS), or the GraphQL limit broken (max_depth, max_cost, max_aliases, max_tokens, max_directives, introspection; 400).',
        samples: API_REFUSAL_REASONS.map((reason) => ({ labels: { reason }, value: counts[reason] })),
      }];
    },
  };
}

export type ApiAccess = ReturnType<typeof createApiAccess>;

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
