// Names an attacker (or an unlucky team) might choose, through every way a name enters Orrery:
// OTLP span attributes, the catalog (ORRERY_CATALOG) and GraphQL arguments. Quotes, backticks,
// Cypher fragments and unicode must be stored and answered verbatim, and must not change the
// graph: every statement is parameterised (issue 13's audit found no string-built Cypher), and
// this is the test that keeps it so. All real: collector, Neo4j, GraphQL over HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { eventually, graphql, startTestPlatform } from './support/platform.ts';

const CALLER = `o'rders "svc" \`tick\` }) DETACH DELETE n //`;
const CALLEE = `päyments-ñ 💳 '); MATCH (n) DETACH DELETE n; //`;
const ROUTE = `/x/{id}'}] RETURN 1 UNION MATCH (n) DETACH DELETE n //`;
const QUEUE = `orders\`.placed\` {x: 1}) SET n.pwned = true //`;
const CONSUMER = `ful"fil\\ment\` $param {{ }}`;
// Catalog names may not hold ':' or '/' (entity references), everything else goes.
const DECLARED_ONLY = `legacy "bill'ing" \`x\` }) DETACH DELETE n ;`;
const OWNER = `team-o'brien "}) DETACH DELETE n`;

let platform: Platform;
let catalogDir: string;

const catalog = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: hostile-caller
  annotations:
    orrery.dev/service-name: ${JSON.stringify(CALLER)}
spec:
  type: service
  owner: ${JSON.stringify(OWNER)}
  dependsOn:
    - ${JSON.stringify(`component:${DECLARED_ONLY}`)}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${JSON.stringify(DECLARED_ONLY)}
spec:
  type: service
  owner: ${JSON.stringify(OWNER)}
`;

const ns = (ms: number) => String(BigInt(Math.round(ms)) * 1_000_000n);
const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } });

/** caller -SYNC-> callee on ROUTE, and caller -PUBLISH-> QUEUE -CONSUME-> CONSUMER (caller -ASYNC-> CONSUMER), as OTLP/JSON. */
function traces(seq: number) {
  const now = Date.now();
  const trace = (n: number) => `${String(seq).padStart(8, '0')}${String(n).padStart(24, '0')}`;
  const span = (id: string) => id.padStart(16, '0');
  const resource = (service: string, spans: unknown[]) => ({ resource: { attributes: [attr('service.name', service)] }, scopeSpans: [{ spans }] });
  return {
    resourceSpans: [
      resource(CALLER, [
        { traceId: trace(1), spanId: span(`a${seq}`), name: 'GET', kind: 3, startTimeUnixNano: ns(now), endTimeUnixNano: ns(now + 5),
          attributes: [attr('http.request.method', 'GET'), attr('server.address', 'payments.internal'), attr('server.port', 8443)] },
        { traceId: trace(2), spanId: span(`b${seq}`), name: 'publish', kind: 4, startTimeUnixNano: ns(now), endTimeUnixNano: ns(now + 1),
          attributes: [attr('messaging.system', 'kafka'), attr('messaging.destination.name', QUEUE), attr('messaging.operation.type', 'send')] },
      ]),
      resource(CALLEE, [
        { traceId: trace(1), spanId: span(`c${seq}`), parentSpanId: span(`a${seq}`), name: `GET ${ROUTE}`, kind: 2, startTimeUnixNano: ns(now + 1), endTimeUnixNano: ns(now + 4),
          attributes: [attr('http.request.method', 'GET'), attr('http.route', ROUTE)] },
      ]),
      resource(CONSUMER, [
        { traceId: trace(2), spanId: span(`d${seq}`), parentSpanId: span(`b${seq}`), name: 'process', kind: 5, startTimeUnixNano: ns(now + 2), endTimeUnixNano: ns(now + 3),
          attributes: [attr('messaging.system', 'kafka'), attr('messaging.destination.name', QUEUE), attr('messaging.operation.type', 'process')] },
      ]),
    ],
  };
}

beforeAll(async () => {
  catalogDir = mkdtempSync(join(tmpdir(), 'orrery-hostile-'));
  writeFileSync(join(catalogDir, 'catalog-info.yaml'), catalog);
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_CATALOG: catalogDir, ORRERY_DETECT_MS: '200' });
});
afterAll(async () => {
  await platform?.stop();
  rmSync(catalogDir, { recursive: true, force: true });
});

interface Dep { from: string; to: string; kind: string; operation: string | null }

describe('hostile names', () => {
  it('go in through OTLP and the catalog, and come back verbatim from Neo4j and GraphQL', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(traces(i + 1)) });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({});
    }
    const deps = await eventually(async () => {
      await platform.collector.flush();
      const { dependencies } = await graphql<{ dependencies: Dep[] }>(platform.apiUrl, '{ dependencies { from to kind operation } }');
      expect(dependencies).toContainEqual({ from: CALLER, to: CALLEE, kind: 'SYNC', operation: expect.stringContaining(ROUTE) });
      expect(dependencies).toContainEqual(expect.objectContaining({ from: CALLER, to: QUEUE, kind: 'PUBLISH' }));
      expect(dependencies).toContainEqual(expect.objectContaining({ from: QUEUE, to: CONSUMER, kind: 'CONSUME' }));
      return dependencies;
    });
    // The hand-off through the queue is an ASYNC edge of its own, as in the demo estate.
    expect(deps).toContainEqual(expect.objectContaining({ from: CALLER, to: CONSUMER, kind: 'ASYNC' }));
    expect(deps).toHaveLength(4);

    // Stored verbatim in Neo4j, and nothing else written or deleted by the fragments.
    const driver = neo4j.driver(platform.neo4jUri);
    try {
      const { records } = await driver.executeQuery('MATCH (c:Component) RETURN c.name AS name ORDER BY name');
      expect(records.map((r) => r.get('name') as string)).toEqual(expect.arrayContaining([CALLER, CALLEE, QUEUE, CONSUMER]));
      const pwned = await driver.executeQuery('MATCH (n) WHERE n.pwned IS NOT NULL RETURN count(n) AS n');
      expect(Number(pwned.records[0]!.get('n'))).toBe(0);
    } finally {
      await driver.close();
    }

    // The catalog's owner and its declared-only target, through the detector pass's catalog writes.
    await eventually(async () => {
      const data = await graphql<{ service: { name: string; owner: string | null; documented: boolean } | null; components: Array<{ name: string; virtual: boolean }> }>(
        platform.apiUrl, 'query ($name: String!) { service(name: $name) { name owner documented } components { name virtual } }', { name: CALLER });
      expect(data.service).toEqual({ name: CALLER, owner: OWNER, documented: true });
      expect(data.components).toContainEqual({ name: DECLARED_ONLY, virtual: true });
    });
  });

  it('are taken verbatim as GraphQL arguments, as variables and as string literals', async () => {
    const asVariables = await graphql<{ service: { name: string; dependsOn: Array<{ to: string }> }; path: { components: string[] } | null; blastRadius: Array<{ component: string }> }>(
      platform.apiUrl,
      'query ($name: String!, $to: String!, $callee: String!) { service(name: $name) { name dependsOn { to } } path(from: $name, to: $to) { components } blastRadius(service: $callee) { component } }',
      { name: CALLER, to: CONSUMER, callee: CALLEE },
    );
    expect(asVariables.service.name).toBe(CALLER);
    expect(asVariables.service.dependsOn.map((d) => d.to).sort()).toEqual([CALLEE, QUEUE, CONSUMER].sort());
    expect(asVariables.path?.components[0]).toBe(CALLER);
    expect(asVariables.path?.components.at(-1)).toBe(CONSUMER);
    for (const entry of asVariables.blastRadius) expect([CALLER, CALLEE, QUEUE, CONSUMER]).toContain(entry.component);

    // The same names written into the query text itself (JSON string escaping is GraphQL's).
    const inline = await graphql<{ service: { name: string } | null }>(platform.apiUrl, `{ service(name: ${JSON.stringify(CALLEE)}) { name } }`);
    expect(inline.service?.name).toBe(CALLEE);

    const whatIf = await graphql<{ whatIf: { broken: Array<{ name: string }>; degraded: Array<{ name: string }> } }>(platform.apiUrl,
      'query ($fail: [String!]!) { whatIf(fail: $fail) { broken { name } degraded { name } } }', { fail: [CALLEE] });
    expect([...whatIf.whatIf.broken, ...whatIf.whatIf.degraded].map((b) => b.name)).toContain(CALLER);

    // A finding id and a note are arguments too: refused as not found, and nothing is changed.
    const response = await fetch(`${platform.apiUrl}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation ($id: ID!, $note: String!) { acknowledgeFinding(id: $id, note: $note) { id } }', variables: { id: `x' }) DETACH DELETE n //`, note: CALLER } }),
    });
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('NOT_FOUND');
    const after = await graphql<{ components: Array<{ name: string }> }>(platform.apiUrl, '{ components { name } }');
    expect(after.components.map((c) => c.name)).toEqual(expect.arrayContaining([CALLER, CALLEE, QUEUE, CONSUMER, DECLARED_ONLY]));
  });
});
