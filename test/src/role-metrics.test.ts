// GET /metrics in each role, against the real listeners and the shared Neo4j, behind ORRERY_API_TOKEN:
//
// - ORRERY_ROLE=collector serves /metrics on ORRERY_API_PORT (it has no GraphQL): its own counters
//   move with what it ingests, and no service graph (its read model holds only its share);
// - ORRERY_ROLE=api serves its refusals, its detector passes and the service graph of the graph it
//   follows from Neo4j, which the collector wrote;
// - the API's refusals are counted by reason: 401 without the token, and each GraphQL limit
//   (a refused query sent twice counts twice: the second is refused from yoga's cache) — in the
//   `api` role and in `all` (tools/platform.ts).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../collector/src/config.ts';
import { generateHopTraffic } from '../../collector/src/testing/hop-traffic.ts';
import type { Platform } from '../../tools/platform.ts';
import { startApiRole, startCollectorRole, type RoleProcess } from '../../tools/roles.ts';
import { freePort } from './support/free-port.ts';
import { eventually, startTestPlatform } from './support/platform.ts';

const TOKEN = 'role-metrics-token';
const PREFIX = 'rolem-';
let collector: RoleProcess;
let api: RoleProcess;

async function scrape(url: string, token: string | null = TOKEN): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.text() };
}

function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** GraphQL with the token; the answer's errors' codes. */
async function ask(apiUrl: string, query: string): Promise<string[]> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return (body.errors ?? []).map((e) => e.extensions?.code ?? '');
}

const tooDeep = `{ services { dependsOn { ${'series { '.repeat(8)}at${' }'.repeat(8)} } } }`;
const tooManyAliases = `{ ${Array.from({ length: 20 }, (_, i) => `s${i}: services { name }`).join(' ')} }`;
const refused = (reason: string) => `orrery_api_refused_requests_total{reason="${reason}"}`;

describe('/metrics of a split platform', () => {
  beforeAll(async () => {
    const env = {
      NEO4J_URI: inject('neo4jUri'), ORRERY_API_TOKEN: TOKEN, ORRERY_DEMO: '0', ORRERY_FLUSH_MS: '200', ORRERY_WRITE_MS: '200', ORRERY_PAIRING_TIMEOUT_MS: '500',
    };
    [collector, api] = await Promise.all([
      startCollectorRole(loadConfig({
        ...env, ORRERY_ROLE: 'collector', ORRERY_OTLP_PORT: String(await freePort()), ORRERY_OTLP_GRPC_PORT: String(await freePort()), ORRERY_API_PORT: String(await freePort()),
      }), () => {}),
      startApiRole(loadConfig({ ...env, ORRERY_ROLE: 'api', ORRERY_API_PORT: String(await freePort()) }), () => {}),
    ]);
  });
  afterAll(async () => {
    await api?.stop();
    await collector?.stop();
  });

  it('ORRERY_ROLE=collector: its own counters on ORRERY_API_PORT, behind the API token, no service graph', async () => {
    expect((await scrape(collector.metricsUrl!, null)).status).toBe(401);
    expect((await scrape(collector.metricsUrl!, 'wrong')).status).toBe(401);
    expect((await fetch(collector.metricsUrl!.replace('/metrics', '/graphql'))).status).toBe(404);
    const before = await scrape(collector.metricsUrl!);
    expect(before.status).toBe(200);
    const accepted = (body: string) => sample(body, 'orrery_receiver_accepted_spans_total{transport="http"}') ?? Number.NaN;

    const traffic = generateHopTraffic({ spans: 400, services: 4, spansPerRequest: 100, startMs: Date.now() - 30_000, seed: 5, prefix: PREFIX });
    for (const request of traffic.requests) {
      const response = await fetch(collector.otlpUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      expect(response.status).toBe(200);
    }
    const after = await eventually(async () => {
      const { body } = await scrape(collector.metricsUrl!);
      expect(accepted(body) - accepted(before.body)).toBe(traffic.spans);
      expect(sample(body, 'orrery_neo4j_writes_total')).toBeGreaterThan(sample(before.body, 'orrery_neo4j_writes_total')!);
      return body;
    }, 30_000, 250);
    // 401s on this port are counted as the API's are.
    expect(sample(after, refused('unauthenticated'))).toBe(2);
    expect(after).toMatch(/^orrery_neo4j_write_duration_seconds\{quantile="0.95"\} [0-9.]+$/m);
    expect(after).not.toMatch(/traces_service_graph_|orrery_detector_passes_total/);
  });

  it('ORRERY_ROLE=api: its refusals by reason, detector passes, and the service graph of what the collectors wrote', async () => {
    const url = `${api.apiUrl}/metrics`;
    expect((await scrape(url, null)).status).toBe(401);
    const before = (await scrape(url)).body;
    expect(await ask(api.apiUrl!, tooDeep)).toEqual(['QUERY_TOO_DEEP']);
    expect(await ask(api.apiUrl!, tooDeep)).toEqual(['QUERY_TOO_DEEP']);
    expect(await ask(api.apiUrl!, tooManyAliases)).toEqual(['TOO_MANY_ALIASES']);
    expect(await ask(api.apiUrl!, '{ services { name } }')).toEqual([]);
    const { body } = await scrape(url);
    const moved = (reason: string) => sample(body, refused(reason))! - sample(before, refused(reason))!;
    expect([moved('max_depth'), moved('max_aliases'), moved('max_cost'), moved('unauthenticated')]).toEqual([2, 1, 0, 0]);
    expect(sample(before, refused('unauthenticated'))).toBe(1);
    expect(sample(body, 'orrery_detector_passes_total')).toBeGreaterThanOrEqual(1);
    expect(body).not.toContain('orrery_receiver_accepted_spans_total');
    // The follower has read what the collector wrote: its calls in Tempo's names.
    await eventually(async () => {
      const text = (await scrape(url)).body;
      expect(text).toMatch(new RegExp(`^traces_service_graph_request_total\\{client="${PREFIX}[^"]+",server="${PREFIX}[^"]+",connection_type=""\\} [1-9]`, 'm'));
    }, 30_000, 500);
  });
});

describe('/metrics of one process (ORRERY_ROLE=all)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_API_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('counts the API\'s refusals beside the collector\'s counters', async () => {
    const url = `${platform.apiUrl}/metrics`;
    await fetch(`${platform.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ services { name } }"}' });
    expect(await ask(platform.apiUrl, tooDeep)).toEqual(['QUERY_TOO_DEEP']);
    const { body } = await scrape(url);
    expect(sample(body, refused('unauthenticated'))).toBe(1);
    expect(sample(body, refused('max_depth'))).toBe(1);
    expect(sample(body, refused('introspection'))).toBe(0);
    expect(body).toContain('orrery_receiver_accepted_spans_total{transport="http"}');
  });
});
