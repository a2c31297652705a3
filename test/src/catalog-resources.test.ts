// The declared architecture meets the observed one for Resources, through the whole platform:
// OTLP database spans + a catalog on disk -> catalog matching -> findings in Neo4j -> GraphQL.
// A Resource `orders-db` (type database) is the database on host orders-db.internal, so
// `dependsOn: [resource:orders-db]` documents the DATABASE edge; a Component declared but never
// observed (`old-billing`) is listed in its STALE_DECLARATION's components and in `components`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { eventually, graphql, startTestPlatform } from './support/platform.ts';

const catalogDir = mkdtempSync(join(tmpdir(), 'orrery-catalog-resources-'));
writeFileSync(
  join(catalogDir, 'catalog-info.yaml'),
  `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  annotations:
    orrery.dev/tier: "1"
spec:
  type: service
  owner: team-checkout
  system: shop
  dependsOn:
    - resource:orders-db
    - component:old-billing
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: orders-db
  annotations:
    orrery.dev/tier: "0"
spec:
  type: database
  owner: team-orders
  system: shop
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: old-billing
  annotations:
    orrery.dev/tier: "2"
spec:
  type: service
  owner: team-billing
  system: shop
`,
);

const DB = 'postgresql://orders-db.internal/orders';
// Near miss: its host's first label is orders-db-replica, not orders-db; it stays undocumented.
const REPLICA = 'postgresql://orders-db-replica.internal/sales';

let platform: Platform;
let n = 0;
const hex = (width: number) => (++n).toString(16).padStart(width, '0');
const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const dbAttributes = (host: string, namespace: string) => [
  attr('db.system.name', 'postgresql'), attr('server.address', host), attr('db.namespace', namespace),
  attr('db.operation.name', 'SELECT'), attr('db.query.text', 'SELECT id FROM orders WHERE id = $1'),
];

/** checkout's POST /orders queries orders-db; one run an hour ago, so checkout has been watched longer than the stale window. */
function traffic() {
  const spans: unknown[] = [];
  const nowMs = Date.now();
  const run = (atMs: number, host: string, namespace: string) => {
    const traceId = hex(32);
    const root = hex(16);
    const t = (ms: number) => String(BigInt(atMs + ms) * 1_000_000n);
    spans.push({ traceId, spanId: root, name: 'POST /orders', kind: 2, startTimeUnixNano: t(0), endTimeUnixNano: t(30), attributes: [attr('http.request.method', 'POST'), attr('http.route', '/orders')] });
    spans.push({ traceId, spanId: hex(16), parentSpanId: root, name: `SELECT ${namespace}`, kind: 3, startTimeUnixNano: t(5), endTimeUnixNano: t(25), attributes: dbAttributes(host, namespace) });
  };
  run(nowMs - 3_600_000, 'orders-db.internal', 'orders');
  for (let i = 0; i < 10; i++) run(nowMs - 10_000 + i * 100, 'orders-db.internal', 'orders');
  run(nowMs - 5_000, 'orders-db-replica.internal', 'sales');
  return { resourceSpans: [{ resource: { attributes: [attr('service.name', 'checkout')] }, scopeSpans: [{ spans }] }] };
}

interface Finding {
  id: string;
  kind: string;
  title: string;
  detail: string;
  components: string[];
  evidence: string;
}

async function findings(): Promise<Finding[]> {
  await platform.collector.flush();
  await platform.collector.detect();
  return (await graphql<{ findings: Finding[] }>(platform.apiUrl, '{ findings { id kind title detail components evidence } }')).findings;
}

beforeAll(async () => {
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_CATALOG: catalogDir, ORRERY_DETECT_MS: '50', ORRERY_STALE_AFTER_MS: '600000' });
  const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(traffic()) });
  expect(response.status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

describe('catalog Resources matched to observed components', () => {
  it('lists the declared-only old-billing in its STALE_DECLARATION, saying it was never seen', async () => {
    const stale = await eventually(async () => {
      const found = (await findings()).find((f) => f.kind === 'STALE_DECLARATION' && f.components.includes('old-billing'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(stale.components).toEqual(['checkout', 'old-billing']);
    expect(JSON.parse(stale.evidence)).toMatchObject({ lastSeen: 'never', targetLastSeen: 'never' });
    expect(stale.detail).toContain('old-billing itself has never been seen in traces');
  });

  it('raises no UNDOCUMENTED_DEPENDENCY nor STALE_DECLARATION for the database the Resource is; the near miss stays undocumented', async () => {
    const all = await eventually(async () => {
      const list = await findings();
      expect(list.find((f) => f.kind === 'UNDOCUMENTED_DEPENDENCY')).toBeDefined();
      return list;
    });
    const about = (name: string) => all.filter((f) => (f.kind === 'UNDOCUMENTED_DEPENDENCY' || f.kind === 'STALE_DECLARATION') && (f.components.includes(name) || f.title.includes(name)));
    expect(about(DB)).toEqual([]);
    expect(about('orders-db ')).toEqual([]);
    expect(all.filter((f) => f.kind === 'UNDOCUMENTED_DEPENDENCY').map((f) => f.components)).toEqual([['checkout', REPLICA]]);
    expect(all.filter((f) => f.kind === 'STALE_DECLARATION').map((f) => f.components)).toEqual([['checkout', 'old-billing']]);
  });

  it('shows through GraphQL the database documented with the Resource\'s owner, its edge declared, and old-billing as declared but unobserved', async () => {
    const data = await graphql<{
      components: Array<{ name: string; kind: string; owner: string | null; tier: number | null; documented: boolean; virtual: boolean; observed: boolean; firstSeen: string | null }>;
      dependencies: Array<{ from: string; to: string; kind: string; documented: boolean }>;
      service: { observed: boolean; findings: Array<{ kind: string }>; dependsOn: unknown[] };
      collectorStatus: { catalogProblems: unknown[] };
    }>(
      platform.apiUrl,
      `{ components { name kind owner tier documented virtual observed firstSeen }
         dependencies { from to kind documented }
         service(name: "old-billing") { observed findings { kind } dependsOn { to } }
         collectorStatus { catalogProblems { message } } }`,
    );
    const byName = new Map(data.components.map((c) => [c.name, c]));
    expect(byName.get(DB)).toMatchObject({ kind: 'DATABASE', owner: 'team-orders', tier: 0, documented: true, observed: true });
    expect(byName.get(REPLICA)).toMatchObject({ documented: false, observed: true });
    expect(byName.get('old-billing')).toEqual({ name: 'old-billing', kind: 'SERVICE', owner: 'team-billing', tier: 2, documented: true, virtual: true, observed: false, firstSeen: null });
    expect(byName.has('orders-db')).toBe(false);
    expect(data.dependencies).toEqual(expect.arrayContaining([
      { from: 'checkout', to: DB, kind: 'DATABASE', documented: true },
      { from: 'checkout', to: REPLICA, kind: 'DATABASE', documented: false },
    ]));
    expect(data.service).toEqual({ observed: false, findings: [{ kind: 'STALE_DECLARATION' }], dependsOn: [] });
    expect(data.collectorStatus.catalogProblems).toEqual([]);
  });

  it('once old-billing sends spans, shows it once, observed, and the stale finding says when it was last seen', async () => {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const span = { traceId: hex(32), spanId: hex(16), name: 'GET /invoices', kind: 2, startTimeUnixNano: String(nowNs), endTimeUnixNano: String(nowNs + 1_000_000n), attributes: [attr('http.route', '/invoices')] };
    const body = { resourceSpans: [{ resource: { attributes: [attr('service.name', 'old-billing')] }, scopeSpans: [{ spans: [span] }] }] };
    expect((await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(200);
    await eventually(async () => {
      const stale = (await findings()).find((f) => f.kind === 'STALE_DECLARATION' && f.components.includes('old-billing'));
      expect(JSON.parse(stale!.evidence).targetLastSeen).toMatch(/UTC$/);
      expect(stale!.detail).toContain('old-billing itself was last seen');
    });
    const { components } = await graphql<{ components: Array<{ name: string; observed: boolean; documented: boolean; firstSeen: string | null }> }>(
      platform.apiUrl, '{ components { name observed documented firstSeen } }',
    );
    expect(components.filter((c) => c.name === 'old-billing')).toEqual([{ name: 'old-billing', observed: true, documented: true, firstSeen: expect.any(String) }]);
  });
});
