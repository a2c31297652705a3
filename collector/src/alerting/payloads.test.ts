// The three routes' bodies, from the same findings.
import { describe, expect, it } from 'vitest';
import { componentIndex, findingUrl, toAlertFinding, type AlertFinding } from './alert-finding.ts';
import { acknowledgementSilence, alertmanagerAlert, alertName } from './alertmanager-payload.ts';
import { escapeMrkdwn, MAX_FINDINGS_PER_MESSAGE, slackMessage } from './slack-payload.ts';
import { webhookPayload } from './webhook-payload.ts';

const intent = (tier: 0 | 1 | 2 | 3 | undefined) => ({ tier, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined });
const components = componentIndex(
  [
    { name: 'web', owner: 'team-web', system: 'shop', intent: intent(0) },
    { name: 'recommendations', owner: 'team-reco', system: 'shop', intent: intent(3) },
  ],
  [{ name: 'old-ledger', owner: 'team-finance', system: 'ledger', intent: intent(1) }],
);
const risk: AlertFinding = toAlertFinding(
  {
    id: 'f1a2', kind: 'CASCADING_RISK_PATH', severity: 'CRITICAL', title: 'web (tier 0) fails when recommendations <tier 3> fails',
    detail: '12 of 12 failures of recommendations reached web & its callers.', components: ['web', 'recommendations'], path: ['web', 'recommendations'],
  },
  components,
  'http://orrery.test:4000/',
);

describe('toAlertFinding', () => {
  it('carries the most critical tier, the systems and owners of its components (declared-only ones too) and its map link', () => {
    expect(risk).toMatchObject({ tier: 0, systems: ['shop'], owners: ['team-web', 'team-reco'], url: 'http://orrery.test:4000/?finding=f1a2' });
    const stale = toAlertFinding({ id: 'x', kind: 'STALE_DECLARATION', severity: 'LOW', title: 't', detail: 'd', components: ['web', 'old-ledger', 'unknown'], path: undefined }, components, 'http://o.test');
    expect(stale).toMatchObject({ tier: 0, systems: ['shop', 'ledger'], owners: ['team-web', 'team-finance'], path: undefined });
    expect(findingUrl('https://orrery.example/', 'a b')).toBe('https://orrery.example/?finding=a%20b');
  });
});

describe('webhookPayload', () => {
  it('keeps the fields it always sent and adds the link, intent, time and held-back count', () => {
    expect(webhookPayload('opened', risk, Date.UTC(2030, 0, 1))).toEqual({
      event: 'finding.opened', at: '2030-01-01T00:00:00.000Z',
      finding: {
        id: 'f1a2', kind: 'CASCADING_RISK_PATH', severity: 'CRITICAL', title: risk.title, detail: risk.detail, components: ['web', 'recommendations'],
        path: ['web', 'recommendations'], url: 'http://orrery.test:4000/?finding=f1a2', tier: 0, systems: ['shop'], owners: ['team-web', 'team-reco'],
      },
    });
    expect(webhookPayload('resolved', risk, 0, 3)).toMatchObject({ event: 'finding.resolved', heldBack: 3 });
  });
});

describe('slackMessage', () => {
  it('gives one finding a header, a linked section with the detail and a context line, with Slack escaping', () => {
    const message = slackMessage('opened', [risk]);
    expect(message.text).toBe('CRITICAL cascading risk path opened: web (tier 0) fails when recommendations <tier 3> fails');
    expect(message.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: ':red_circle: CRITICAL · Cascading risk path', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: '*<http://orrery.test:4000/?finding=f1a2|web (tier 0) fails when recommendations &lt;tier 3&gt; fails>*\n12 of 12 failures of recommendations reached web &amp; its callers.' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'path web → recommendations · system shop · owner team-web, team-reco · tier 0' }] },
    ]);
  });

  it('says resolved and still open in the header', () => {
    expect(slackMessage('resolved', [risk]).blocks[0]).toMatchObject({ text: { text: ':white_check_mark: Resolved · Cascading risk path' } });
    expect(slackMessage('reminder', [risk]).blocks[0]).toMatchObject({ text: { text: ':repeat: Still open · Cascading risk path' } });
    expect(slackMessage('resolved', [risk]).blocks[1]).toMatchObject({ text: { text: expect.not.stringContaining('12 of 12') } });
  });

  it('shows a group within Slack limits, counting the findings it leaves out and those the rate limit held back', () => {
    const many = Array.from({ length: 14 }, (_, i) => ({ ...risk, id: `f${i}`, title: `risk ${i}`, detail: 'x'.repeat(5000) }));
    const message = slackMessage('opened', many, { groupLabel: 'system shop', heldBack: 2 });
    expect(message.blocks[0]).toMatchObject({ text: { text: ':red_circle: 14 findings opened · system shop' } });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.blocks.filter((b) => b.type === 'section')).toHaveLength(MAX_FINDINGS_PER_MESSAGE);
    expect(message.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: "…and 4 more on the map · 2 more held back by this route's rate limit" }] });
    for (const b of message.blocks) if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(message.text).toMatch(/^14 findings opened \(system shop\): risk 0; risk 1; risk 2; …$/);
  });

  it('escapes the three characters Slack reserves', () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
  });
});

describe('Alertmanager bodies', () => {
  it('names alerts per kind and labels them for Alertmanager routes, with the finding on the map as generatorURL', () => {
    expect(alertName('SYNC_AI_ON_CRITICAL_PATH')).toBe('OrrerySyncAiOnCriticalPath');
    expect(alertmanagerAlert(risk, { startsAtMs: 0, endsAtMs: 240_000 }, 'on it')).toEqual({
      labels: { alertname: 'OrreryCascadingRiskPath', source: 'orrery', finding_id: 'f1a2', kind: 'CASCADING_RISK_PATH', severity: 'critical', component: 'web', tier: '0', system: 'shop', owner: 'team-web,team-reco' },
      annotations: { summary: risk.title, description: risk.detail, components: 'web, recommendations', path: 'web → recommendations', acknowledgement: 'on it' },
      startsAt: '1970-01-01T00:00:00.000Z', endsAt: '1970-01-01T00:04:00.000Z', generatorURL: 'http://orrery.test:4000/?finding=f1a2',
    });
  });

  it('silences exactly that finding', () => {
    expect(acknowledgementSilence('f1a2', 'fix planned', 0, 1000)).toEqual({
      matchers: [{ name: 'source', value: 'orrery', isRegex: false, isEqual: true }, { name: 'finding_id', value: 'f1a2', isRegex: false, isEqual: true }],
      startsAt: '1970-01-01T00:00:00.000Z', endsAt: '1970-01-01T00:00:01.000Z', createdBy: 'orrery', comment: 'Acknowledged in Orrery: fix planned',
    });
  });
});
