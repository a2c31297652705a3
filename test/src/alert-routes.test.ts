// Alert routes end to end: real traffic opens a cascading-risk path, and the finding's whole life
// reaches a real Alertmanager (Debian's prometheus-alertmanager, installed on first use) and a real
// HTTP receiver taking Slack-shaped and generic JSON posts: fire, repeat (no duplicate; a reminder
// while unacknowledged), acknowledge (a silence in Alertmanager, no more reminders), resolve. The
// routes come from an ORRERY_ALERT_RULES file; a bad one stops the start naming its line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { launchChromium } from './support/browser.ts';
import { startAlertmanager, type AlertmanagerServer } from './support/debian-services.ts';
import { eventually, graphql, startTestPlatform } from './support/platform.ts';

const dir = mkdtempSync(join(tmpdir(), 'orrery-alert-routes-'));
const catalogFile = join(dir, 'catalog-info.yaml');
writeFileSync(
  catalogFile,
  ['web:0:false', 'recommendations:3:true'].map((entry) => {
    const [name, tier, degradable] = entry.split(':');
    return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    orrery.dev/tier: "${tier}"
    orrery.dev/degradable: "${degradable}"
spec:
  type: service
  owner: team-${name}
  system: shop
`;
  }).join('---\n'),
);
// Alertmanager and the generic webhook for tier-0 risk paths; the Slack receiver, for the shop
// system, is reminded every second while nobody has acknowledged.
const rulesFile = join(dir, 'alert-rules.yaml');
writeFileSync(
  rulesFile,
  `routes:
  - match: { kind: CASCADING_RISK_PATH, tier: 0 }
    receivers: [alertmanager, webhook]
    continue: true
  - match: { kind: CASCADING_RISK_PATH, system: shop }
    receivers: [slack]
    repeatAfter: 1s
`,
);

interface Posted {
  path: string;
  body: Record<string, unknown>;
}
const posted: Posted[] = [];
/** Answers 503 to the first webhook post: the delivery retries it. */
let failWebhookOnce = true;
let receiver: Server;
let receiverUrl: string;
let alertmanager: AlertmanagerServer;
let platform: Platform;

let n = 0;
const hex = (width: number) => (++n).toString(16).padStart(width, '0');
const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

/**
 * web (tier 0) calls recommendations (tier 3) synchronously. `failing` calls fail in
 * recommendations; `propagate` says whether web fails with them (no fallback) or handles them.
 */
async function send(calls: number, failing: number, propagate: boolean): Promise<void> {
  const web: unknown[] = [];
  const reco: unknown[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < calls; i++) {
    const [traceId, root, client] = [hex(32), hex(16), hex(16)];
    const fails = i < failing;
    const t = (ms: number) => String(now + BigInt(i * 10 + ms) * 100_000n);
    const http = [attr('http.request.method', 'GET')];
    web.push({ traceId, spanId: root, name: 'GET /home', kind: 2, startTimeUnixNano: t(0), endTimeUnixNano: t(9), attributes: [...http, attr('http.route', '/home')], status: fails && propagate ? { code: 2 } : undefined });
    web.push({ traceId, spanId: client, parentSpanId: root, name: 'GET', kind: 3, startTimeUnixNano: t(1), endTimeUnixNano: t(8), attributes: http, status: fails && propagate ? { code: 2 } : undefined });
    reco.push({ traceId, spanId: hex(16), parentSpanId: client, name: 'GET /reco', kind: 2, startTimeUnixNano: t(2), endTimeUnixNano: t(7), attributes: [...http, attr('http.route', '/reco')], status: fails ? { code: 2 } : undefined });
  }
  for (const [service, spans] of [['web', web], ['recommendations', reco]] as const) {
    const body = { resourceSpans: [{ resource: { attributes: [attr('service.name', service)] }, scopeSpans: [{ spans }] }] };
    const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }
}

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
  status: { state: string; silencedBy: string[] };
}
const amAlerts = async (): Promise<AmAlert[]> => (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as AmAlert[];
const webhookEvents = (id: string) => posted.filter((p) => p.path === '/webhook' && (p.body.finding as { id: string }).id === id).map((p) => p.body.event);
const slackHeaders = () => posted.filter((p) => p.path === '/slack').map((p) => ((p.body.blocks as Array<{ text?: { text: string } }>)[0]!.text!.text));

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/webhook' && failWebhookOnce) {
        failWebhookOnce = false;
        res.writeHead(503).end('busy');
        return;
      }
      posted.push({ path: req.url!, body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'); // as Slack answers
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  alertmanager = await startAlertmanager();
  platform = await startTestPlatform(inject('neo4jUri'), {
    ORRERY_CATALOG: catalogFile, ORRERY_ALERT_RULES: rulesFile, ORRERY_DETECT_MS: '50', ORRERY_RESOLVE_AFTER_MS: '1000', ORRERY_DETECT_WINDOW: '1m',
    ORRERY_ALERTMANAGER_URL: alertmanager.url, ORRERY_ALERT_WEBHOOK_URL: `${receiverUrl}/webhook`, ORRERY_SLACK_WEBHOOK_URL: `${receiverUrl}/slack`,
  });
});
afterAll(async () => {
  await platform?.stop();
  await alertmanager?.stop();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

describe('alert routes', () => {
  let riskId: string;

  it('fires a new cascading-risk path to Alertmanager, the webhook and Slack, with a link to the finding on the map', async () => {
    await send(40, 12, true);
    riskId = await eventually(async () => {
      const { findings } = await graphql<{ findings: Array<{ id: string; kind: string }> }>(platform.apiUrl, '{ findings(status: OPEN) { id kind } }');
      const risk = findings.find((f) => f.kind === 'CASCADING_RISK_PATH');
      expect(risk).toBeDefined();
      return risk!.id;
    }, 60_000); // the first detector pass of a fresh platform plans its queries on a busy machine
    const link = `${platform.apiUrl}/?finding=${riskId}`;

    const alert = await eventually(async () => {
      const found = (await amAlerts()).find((a) => a.labels.finding_id === riskId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(alert).toMatchObject({
      labels: { alertname: 'OrreryCascadingRiskPath', source: 'orrery', kind: 'CASCADING_RISK_PATH', tier: '0', system: 'shop', component: 'web' },
      annotations: { path: 'web → recommendations' },
      generatorURL: link,
      status: { state: 'active' },
    });

    // The first webhook post met a 503 and was retried.
    await eventually(async () => expect(webhookEvents(riskId)).toEqual(['finding.opened']));
    const opened = posted.find((p) => p.path === '/webhook')!.body;
    expect(opened).toMatchObject({ finding: { id: riskId, kind: 'CASCADING_RISK_PATH', path: ['web', 'recommendations'], url: link, tier: 0, systems: ['shop'] } });
    await eventually(async () => expect(slackHeaders()[0]).toMatch(/Cascading risk path$/));
    expect(JSON.stringify(posted.find((p) => p.path === '/slack')!.body)).toContain(`<${link}|`);

    // The link opens the map with that finding selected.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(link);
      await expect.poll(async () => page.locator('[data-testid="finding-detail"]').innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/recommendations/);
    } finally {
      await browser.close();
    }
  });

  it('sends no duplicate when the finding is raised again, and reminds Slack while nobody acknowledges it', async () => {
    await send(40, 12, true);
    await platform.collector.flush();
    await platform.collector.detect();
    await eventually(async () => expect(slackHeaders().filter((h) => h.includes('Still open'))).not.toHaveLength(0), 20_000);
    expect(webhookEvents(riskId)).toEqual(['finding.opened']);
    expect((await amAlerts()).filter((a) => a.labels.finding_id === riskId)).toHaveLength(1);
  });

  it('silences an acknowledged finding in Alertmanager and stops reminding', async () => {
    await graphql(platform.apiUrl, 'mutation($id: ID!) { acknowledgeFinding(id: $id, note: "fallback being added") { status } }', { id: riskId });
    const silenced = await eventually(async () => {
      const alert = (await amAlerts()).find((a) => a.labels.finding_id === riskId);
      expect(alert?.status.state).toBe('suppressed');
      return alert!;
    });
    const detail = (await (await fetch(`${alertmanager.url}/api/v2/silence/${silenced.status.silencedBy[0]}`)).json()) as { comment: string; createdBy: string };
    expect(detail).toMatchObject({ createdBy: 'orrery', comment: 'Acknowledged in Orrery: fallback being added' });
    const reminders = slackHeaders().length;
    await new Promise((resolve) => setTimeout(resolve, 2500)); // more than two reminder periods
    expect(slackHeaders()).toHaveLength(reminders);
    expect(webhookEvents(riskId)).toEqual(['finding.opened']);
  });

  it('resolves everywhere once web handles the failures, and counts every delivery', async () => {
    // The fix: recommendations still fails now and then, web serves the page anyway. Sent until
    // resolved, as a live service would (a quiet minute would leave the path to be assumed).
    let fixed = true;
    const traffic = (async () => {
      while (fixed) {
        await send(100, 60, false);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    try {
      await eventually(async () => expect(webhookEvents(riskId)).toEqual(['finding.opened', 'finding.resolved']), 30_000);
      await eventually(async () => expect(slackHeaders().at(-1)).toMatch(/Resolved · Cascading risk path$/));
      await eventually(async () => expect((await amAlerts()).filter((a) => a.labels.finding_id === riskId)).toEqual([]));
      const silences = (await (await fetch(`${alertmanager.url}/api/v2/silences`)).json()) as Array<{ status: { state: string } }>;
      expect(silences.map((s) => s.status.state)).toEqual(['expired']);
    } finally {
      fixed = false;
      await traffic;
    }
    const { collectorStatus } = await graphql<{ collectorStatus: { alertReceivers: Array<Record<string, unknown>> } }>(
      platform.apiUrl, '{ collectorStatus { alertReceivers { receiver type sent failed retried dropped queued heldBack lastError } } }',
    );
    const byName = Object.fromEntries(collectorStatus.alertReceivers.map((r) => [r.receiver, r]));
    expect(byName.webhook).toMatchObject({ type: 'webhook', sent: 2, retried: 1, failed: 0, dropped: 0 });
    expect(byName.slack).toMatchObject({ type: 'slack', failed: 0, dropped: 0 });
    expect(byName.alertmanager).toMatchObject({ type: 'alertmanager', failed: 0, dropped: 0, lastError: null });
    expect(byName.alertmanager!.sent as number).toBeGreaterThanOrEqual(4); // fire, silence, resolve, expire the silence
  });

  it('refuses to start on a bad rules file, naming the file and line', () => {
    const bad = join(dir, 'bad-rules.yaml');
    writeFileSync(bad, 'routes:\n  - match: { kind: CASCADING_RISK_PATH }\n    receivers: [pagerduty]\n');
    const started = spawnSync(process.execPath, [join(import.meta.dirname, '../../tools/start.ts')], {
      env: { ...process.env, NEO4J_URI: 'bolt://127.0.0.1:1', ORRERY_ALERT_RULES: bad, ORRERY_DEMO: '0' }, encoding: 'utf8', timeout: 30_000,
    });
    expect(started.status).toBe(2);
    expect(started.stderr).toContain(`ORRERY_ALERT_RULES ${bad}:3: unknown receiver "pagerduty"`);
  });
});
