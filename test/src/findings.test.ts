// Findings through the whole platform: OTLP traffic + a catalog on disk -> detectors -> Finding
// nodes in Neo4j -> GraphQL; acknowledgement; and a catalog edit picked up without a restart
// that resolves a finding.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { eventually, graphql, startTestPlatform } from './support/platform.ts';

const catalogDir = mkdtempSync(join(tmpdir(), 'orrery-catalog-'));
const catalogFile = join(catalogDir, 'catalog-info.yaml');

function writeCatalog(webDependsOn: string[]): void {
  writeFileSync(
    catalogFile,
    `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
  annotations:
    orrery.dev/tier: "0"
spec:
  type: service
  owner: team-web
  system: shop
  dependsOn: ${JSON.stringify(webDependsOn)}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: recommendations
  annotations:
    orrery.dev/tier: "3"
    orrery.dev/degradable: "true"
spec:
  type: service
  owner: team-reco
  system: shop
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: legacy-ledger
  annotations:
    orrery.dev/tier: "seven"
spec:
  type: service
  owner: team-finance
`,
  );
}

let platform: Platform;
let n = 0;
// A real HTTP receiver standing in for the on-call team's webhook.
const alerts: Array<{ event: string; finding: { id: string; kind: string; severity: string; path: string[] } }> = [];
let webhook: Server;
const hex = (width: number) => (++n).toString(16).padStart(width, '0');
const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** web (entry) calls recommendations synchronously; when recommendations fails, so does web. */
function traffic(calls: number, failing: number) {
  const webSpans: unknown[] = [];
  const recoSpans: unknown[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < calls; i++) {
    const traceId = hex(32);
    const root = hex(16);
    const client = hex(16);
    const fails = i < failing;
    const status = fails ? { code: 2 } : undefined;
    const t = (ms: number) => String(now + BigInt(i * 1000 + ms) * 1_000_000n);
    webSpans.push({ traceId, spanId: root, name: 'GET /home', kind: 2, startTimeUnixNano: t(0), endTimeUnixNano: t(50), attributes: [attr('http.request.method', 'GET'), attr('http.route', '/home')], status });
    webSpans.push({ traceId, spanId: client, parentSpanId: root, name: 'GET', kind: 3, startTimeUnixNano: t(5), endTimeUnixNano: t(45), attributes: [attr('http.request.method', 'GET')], status });
    recoSpans.push({ traceId, spanId: hex(16), parentSpanId: client, name: 'GET /reco', kind: 2, startTimeUnixNano: t(6), endTimeUnixNano: t(44), attributes: [attr('http.request.method', 'GET'), attr('http.route', '/reco')], status });
  }
  const request = (service: string, spans: unknown[]) => ({ resourceSpans: [{ resource: { attributes: [attr('service.name', service)] }, scopeSpans: [{ spans }] }] });
  return [request('web', webSpans), request('recommendations', recoSpans), request('mystery-batch', [{ traceId: hex(32), spanId: hex(16), name: 'nightly', kind: 1, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1_000_000n) }])];
}

interface Finding {
  id: string;
  kind: string;
  severity: string;
  title: string;
  detail: string;
  components: string[];
  path: string[] | null;
  status: string;
}
const FINDINGS = '{ findings { id kind severity title detail components path status } }';

beforeAll(async () => {
  writeCatalog([]);
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      alerts.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/orrery`;
  platform = await startTestPlatform(inject('neo4jUri'), {
    ORRERY_CATALOG: catalogDir, ORRERY_DETECT_MS: '50', ORRERY_RESOLVE_AFTER_MS: '1000', ORRERY_ALERT_WEBHOOK_URL: webhookUrl,
  });
  for (const body of traffic(40, 12)) {
    const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }
});
afterAll(async () => {
  await platform?.stop();
  await new Promise<void>((resolve) => (webhook ? webhook.close(() => resolve()) : resolve()));
});

async function findings(): Promise<Finding[]> {
  await platform.collector.flush();
  await platform.collector.detect();
  return (await graphql<{ findings: Finding[] }>(platform.apiUrl, FINDINGS)).findings;
}

describe('findings from traffic and the declared catalog', () => {
  it('raises a CRITICAL cascading-risk path from the tier-0 entry into the degradable tier-3 service, with evidence', async () => {
    const risk = await eventually(async () => {
      const found = (await findings()).find((f) => f.kind === 'CASCADING_RISK_PATH');
      expect(found).toBeDefined();
      // A pass may run before the last failing call is paired (11 of 12): the next one counts all.
      expect(found!.detail).toMatch(/\b12\b/);
      return found!;
    });
    expect(risk).toMatchObject({ severity: 'CRITICAL', status: 'OPEN', path: ['web', 'recommendations'] });
    expect(risk.components).toEqual(expect.arrayContaining(['web', 'recommendations']));
    expect(risk.detail).toMatch(/tier 0/);
    expect(risk.detail).toMatch(/12/); // the failing calls are counted in the evidence

    // The on-call webhook hears about the new risk path, once.
    await eventually(async () => expect(alerts.filter((a) => a.finding.id === risk.id)).toHaveLength(1));
    expect(alerts.find((a) => a.finding.id === risk.id)).toMatchObject({ event: 'finding.opened', finding: { kind: 'CASCADING_RISK_PATH', severity: 'CRITICAL', path: ['web', 'recommendations'] } });
    expect(alerts.every((a) => a.finding.kind === 'CASCADING_RISK_PATH' || a.finding.severity === 'CRITICAL')).toBe(true);
  });

  it('raises the undocumented dependency and the uncatalogued service, and the GraphQL graph carries the catalog', async () => {
    const all = await findings();
    expect(all.find((f) => f.kind === 'UNDOCUMENTED_DEPENDENCY')?.components).toEqual(expect.arrayContaining(['web', 'recommendations']));
    expect(all.find((f) => f.kind === 'UNCATALOGUED_SERVICE')?.components).toEqual(['mystery-batch']);
    const data = await graphql<{ service: { tier: number; owner: string; documented: boolean; findings: Finding[]; dependsOn: Array<{ to: string; documented: boolean }> } }>(
      platform.apiUrl,
      '{ service(name: "web") { tier owner documented findings { kind } dependsOn { to documented } } }',
    );
    expect(data.service).toMatchObject({ tier: 0, owner: 'team-web', documented: true, dependsOn: [{ to: 'recommendations', documented: false }] });
    expect(data.service.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['CASCADING_RISK_PATH', 'UNDOCUMENTED_DEPENDENCY']));
  });

  it('answers path and blastRadius from observed error propagation', async () => {
    const data = await graphql<{ path: { components: string[] }; blastRadius: Array<{ component: string; probability: number; path: string[]; assumed: boolean }> }>(
      platform.apiUrl,
      '{ path(from: "web", to: "recommendations") { components } blastRadius(service: "recommendations") { component probability path assumed } }',
    );
    expect(data.path.components).toEqual(['web', 'recommendations']);
    expect(data.blastRadius).toEqual([{ component: 'web', probability: 1, path: ['recommendations', 'web'], assumed: false }]);
  });

  it('acknowledges a finding with a note, and refuses an unknown id with a clear error', async () => {
    const target = (await findings()).find((f) => f.kind === 'UNCATALOGUED_SERVICE')!;
    const done = await graphql<{ acknowledgeFinding: { id: string; status: string; acknowledgement: string } }>(
      platform.apiUrl,
      'mutation($id: ID!) { acknowledgeFinding(id: $id, note: "batch job, owned by data team") { id status acknowledgement } }',
      { id: target.id },
    );
    expect(done.acknowledgeFinding).toEqual({ id: target.id, status: 'ACKNOWLEDGED', acknowledgement: 'batch job, owned by data team' });
    // Still raised on the next pass: it stays acknowledged.
    expect((await findings()).find((f) => f.id === target.id)?.status).toBe('ACKNOWLEDGED');
    await expect(graphql(platform.apiUrl, 'mutation { acknowledgeFinding(id: "nope", note: "x") { id } }')).rejects.toThrow(/no open finding with id "nope"/);
  });

  it('reports catalog problems naming file, entity and field, and the collector counters, through GraphQL', async () => {
    const { collectorStatus } = await graphql<{ collectorStatus: { acceptedSpans: number; syncPaired: number; refusedRequests: string; catalogProblems: Array<{ file: string; entity: string; field: string; message: string }> } }>(
      platform.apiUrl,
      '{ collectorStatus { acceptedSpans syncPaired refusedRequests catalogProblems { file entity field message } } }',
    );
    expect(collectorStatus.acceptedSpans).toBe(121);
    expect(collectorStatus.syncPaired).toBe(40);
    expect(JSON.parse(collectorStatus.refusedRequests)).toEqual({});
    expect(collectorStatus.catalogProblems).toHaveLength(1);
    expect(collectorStatus.catalogProblems[0]).toMatchObject({ file: catalogFile, entity: expect.stringContaining('legacy-ledger') });
    expect(`${collectorStatus.catalogProblems[0]!.field} ${collectorStatus.catalogProblems[0]!.message}`).toMatch(/tier/);
  });

  it('picks up a catalog edit without a restart and resolves what it fixes', async () => {
    const before = (await findings()).find((f) => f.kind === 'UNDOCUMENTED_DEPENDENCY')!;
    writeCatalog(['component:recommendations']);
    await eventually(async () => {
      const after = (await findings()).find((f) => f.id === before.id);
      expect(after?.status).toBe('RESOLVED');
    });
    const data = await graphql<{ service: { dependsOn: Array<{ documented: boolean }> } }>(platform.apiUrl, '{ service(name: "web") { dependsOn { documented } } }');
    expect(data.service.dependsOn).toEqual([{ documented: true }]);
  });
});
