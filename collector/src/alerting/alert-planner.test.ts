import { describe, expect, it } from 'vitest';
import type { AlertFinding } from './alert-finding.ts';
import { parseAlertRules, type Receiver } from './alert-rules.ts';
import { createAlertPlanner, type PassInput, type Plan } from './alert-planner.ts';

const ENV: Receiver[] = [
  { name: 'webhook', type: 'webhook', url: 'http://hooks.test/orrery' },
  { name: 'slack', type: 'slack', url: 'http://slack.test/hook' },
  { name: 'alertmanager', type: 'alertmanager', url: 'http://am.test:9093' },
];

const finding = (id: string, over: Partial<AlertFinding> = {}): AlertFinding => ({
  id, kind: 'CASCADING_RISK_PATH', severity: 'HIGH', title: `risk ${id}`, detail: `${id} detail`, components: ['web', id], path: ['web', id],
  tier: 0, systems: ['shop'], owners: ['team-web'], url: `http://map.test/?finding=${id}`, ...over,
});

const T0 = Date.UTC(2030, 0, 1);

function planner(rulesYaml: string, startedAtMs = T0) {
  return createAlertPlanner({ rules: parseAlertRules(rulesYaml, 'rules.yaml', ENV), startedAtMs, alertmanagerRefreshMs: 60_000 });
}

const pass = (over: Partial<PassInput> & { nowMs: number }): PassInput => ({ raised: [], opened: [], resolved: [], acknowledged: new Map(), ...over });

/** "receiver event id,id" per notification, for compact assertions. */
const messages = (plan: Plan) => plan.notifications.map((n) => `${n.receiver.name} ${n.event} ${n.findings.map((f) => f.id).join(',')}${n.heldBack ? ` +${n.heldBack} held` : ''}`);

describe('alert planner: webhook and Slack', () => {
  const RULES = `routes:
  - match: { kind: CASCADING_RISK_PATH }
    receivers: [webhook, slack]
    repeatAfter: 10m
`;

  it('announces an opened finding once, however often it is raised again, and its resolution to the same receivers', () => {
    const p = planner(RULES);
    const a = finding('a');
    expect(messages(p.pass(pass({ nowMs: T0 + 1000, raised: [a], opened: ['a'] })))).toEqual(['webhook opened a', 'slack opened a']);
    expect(messages(p.pass(pass({ nowMs: T0 + 3000, raised: [a] })))).toEqual([]);
    expect(messages(p.pass(pass({ nowMs: T0 + 5000, raised: [a], opened: ['a'] })))).toEqual([]); // a store retry reporting it again
    expect(p.stats().firing).toMatchObject({ webhook: 1, slack: 1 });
    expect(messages(p.pass(pass({ nowMs: T0 + 9000, resolved: [a] })))).toEqual(['webhook resolved a', 'slack resolved a']);
    expect(messages(p.pass(pass({ nowMs: T0 + 9500, resolved: [a] })))).toEqual([]);
  });

  it('ignores findings no route matches', () => {
    const p = planner(RULES);
    expect(messages(p.pass(pass({ nowMs: T0, raised: [finding('c', { kind: 'CYCLE' })], opened: ['c'] })))).toEqual([]);
  });

  it('reminds of an open finding after repeatAfter until someone acknowledges it', () => {
    const p = planner(RULES);
    const a = finding('a');
    p.pass(pass({ nowMs: T0, raised: [a], opened: ['a'] }));
    expect(messages(p.tick(T0 + 9 * 60_000))).toEqual([]);
    expect(messages(p.tick(T0 + 10 * 60_000))).toEqual(['webhook reminder a', 'slack reminder a']);
    expect(messages(p.tick(T0 + 15 * 60_000))).toEqual([]);
    p.pass(pass({ nowMs: T0 + 16 * 60_000, raised: [a], acknowledged: new Map([['a', 'on it']]) }));
    expect(messages(p.tick(T0 + 30 * 60_000))).toEqual([]);
    expect(messages(p.pass(pass({ nowMs: T0 + 31 * 60_000, resolved: [a] })))).toEqual(['webhook resolved a', 'slack resolved a']);
  });

  it('announces a finding whose severity rose into a route, but not one open since before a restart', () => {
    const p = planner(`routes:\n  - match: { minSeverity: HIGH }\n    receivers: [webhook]\n`, T0);
    const medium = finding('m', { severity: 'MEDIUM', firstSeenMs: T0 + 1 });
    p.pass(pass({ nowMs: T0 + 1000, raised: [medium], opened: ['m'] }));
    expect(messages(p.pass(pass({ nowMs: T0 + 2000, raised: [{ ...medium, severity: 'CRITICAL' }] })))).toEqual(['webhook opened m']);
    // Open before this process started: the earlier process announced it; only its resolution is news.
    const old = finding('old', { firstSeenMs: T0 - 3_600_000 });
    expect(messages(p.pass(pass({ nowMs: T0 + 3000, raised: [old] })))).toEqual([]);
    expect(messages(p.pass(pass({ nowMs: T0 + 4000, resolved: [old] })))).toEqual(['webhook resolved old']);
    // Opened by this process while no route matched: nothing to resolve.
    const quiet = finding('quiet', { severity: 'LOW', firstSeenMs: T0 + 5000 });
    p.pass(pass({ nowMs: T0 + 5000, raised: [quiet], opened: ['quiet'] }));
    expect(messages(p.pass(pass({ nowMs: T0 + 6000, resolved: [{ ...quiet, severity: 'HIGH' }] })))).toEqual([]);
  });

  it('rate-limits per route and receiver, worst first, counts what it held back and never resolves what it held', () => {
    const p = planner(`routes:\n  - receivers: [webhook]\n    rateLimit: { max: 2, per: 10m }\n`);
    const low = finding('low', { severity: 'LOW' });
    const crit = finding('crit', { severity: 'CRITICAL' });
    const high = finding('high', { severity: 'HIGH' });
    expect(messages(p.pass(pass({ nowMs: T0, raised: [low, crit, high], opened: ['low', 'crit', 'high'] })))).toEqual(['webhook opened crit', 'webhook opened high']);
    expect(p.stats().heldBack).toEqual({ webhook: 1 });
    expect(messages(p.pass(pass({ nowMs: T0 + 1000, resolved: [low] })))).toEqual([]);
    const next = finding('next');
    expect(messages(p.pass(pass({ nowMs: T0 + 10 * 60_000 + 1, raised: [next], opened: ['next'] })))).toEqual(['webhook opened next +1 held']);
    // Resolutions pass whatever the limit.
    expect(messages(p.pass(pass({ nowMs: T0 + 10 * 60_000 + 2, resolved: [crit, high] })))).toEqual(['webhook resolved crit', 'webhook resolved high']);
  });

  it('groups a pass into one Slack message per group, while the webhook gets one post per finding', () => {
    const p = planner(`routes:\n  - receivers: [slack, webhook]\n    groupBy: [system]\n`);
    const fs = [finding('a'), finding('b', { systems: ['billing'] }), finding('c', { severity: 'CRITICAL' })];
    const plan = p.pass(pass({ nowMs: T0, raised: fs, opened: ['a', 'b', 'c'] }));
    expect(messages(plan)).toEqual(['slack opened c,a', 'webhook opened c', 'webhook opened a', 'slack opened b', 'webhook opened b']);
    expect(plan.notifications.filter((n) => n.receiver.name === 'slack').map((n) => n.groupLabel)).toEqual(['system shop', 'system billing']);
    expect(messages(p.pass(pass({ nowMs: T0 + 1, resolved: fs })))).toEqual(['slack resolved c,a', 'webhook resolved c', 'webhook resolved a', 'slack resolved b', 'webhook resolved b']);
  });
});

describe('alert planner: Alertmanager', () => {
  const RULES = `routes:\n  - match: { minSeverity: HIGH }\n    receivers: [alertmanager]\n`;
  const alerts = (plan: Plan) => plan.alertmanager.flatMap((w) => (w.kind === 'alerts' ? w.alerts.map((a) => `${a.labels.finding_id}:${a.labels.severity} ends ${(Date.parse(a.endsAt) - T0) / 1000}s`) : [`${w.kind} ${w.findingId}`]));

  it('posts a firing alert at once with endsAt ahead, again every refresh, and resolves it with endsAt = now', () => {
    const p = planner(RULES);
    const a = finding('a');
    const first = p.pass(pass({ nowMs: T0, raised: [a], opened: ['a'] }));
    expect(alerts(first)).toEqual(['a:high ends 240s']);
    const alert = first.alertmanager[0]!.kind === 'alerts' ? first.alertmanager[0]!.alerts[0]! : undefined;
    expect(alert).toMatchObject({ labels: { alertname: 'OrreryCascadingRiskPath', source: 'orrery', kind: 'CASCADING_RISK_PATH', tier: '0', system: 'shop', owner: 'team-web', component: 'web' }, generatorURL: 'http://map.test/?finding=a', startsAt: new Date(T0).toISOString() });
    expect(alerts(p.pass(pass({ nowMs: T0 + 2000, raised: [a] })))).toEqual([]);
    expect(alerts(p.tick(T0 + 30_000))).toEqual([]);
    expect(alerts(p.tick(T0 + 60_000))).toEqual(['a:high ends 300s']);
    // Not raised in this pass but not resolved either (the store's grace period): still firing.
    expect(alerts(p.pass(pass({ nowMs: T0 + 61_000 })))).toEqual([]);
    expect(alerts(p.pass(pass({ nowMs: T0 + 62_000, resolved: [a] })))).toEqual(['a:high ends 62s']);
    expect(alerts(p.tick(T0 + 200_000))).toEqual([]);
  });

  it('keeps sending an alert open since before a restart, and resolves it', () => {
    const p = planner(RULES, T0);
    const old = finding('old', { firstSeenMs: T0 - 600_000 });
    expect(alerts(p.pass(pass({ nowMs: T0 + 1000, raised: [old] })))).toEqual(['old:high ends 241s']);
    expect(alerts(p.pass(pass({ nowMs: T0 + 2000, resolved: [old] })))).toEqual(['old:high ends 2s']);
  });

  it('turns an acknowledgement into a silence, renewed with each refresh and expired when the finding resolves', () => {
    const p = planner(RULES);
    const a = finding('a');
    p.pass(pass({ nowMs: T0, raised: [a], opened: ['a'] }));
    const acked = p.pass(pass({ nowMs: T0 + 1000, raised: [a], acknowledged: new Map([['a', 'known, fix planned']]) }));
    expect(alerts(acked)).toEqual(['silence a']);
    const silence = acked.alertmanager[0]!.kind === 'silence' ? acked.alertmanager[0]!.silence : undefined;
    expect(silence).toMatchObject({
      matchers: [{ name: 'source', value: 'orrery', isRegex: false, isEqual: true }, { name: 'finding_id', value: 'a', isRegex: false, isEqual: true }],
      createdBy: 'orrery', comment: 'Acknowledged in Orrery: known, fix planned', endsAt: new Date(T0 + 241_000).toISOString(),
    });
    expect(alerts(p.pass(pass({ nowMs: T0 + 2000, raised: [a], acknowledged: new Map([['a', 'known, fix planned']]) })))).toEqual([]);
    const refreshed = p.tick(T0 + 60_000);
    expect(refreshed.alertmanager[0]!.kind === 'alerts' && refreshed.alertmanager[0]!.alerts[0]!.annotations.acknowledgement).toBe('known, fix planned');
    expect(alerts(refreshed)).toEqual(['a:high ends 300s', 'silence a']);
    expect(refreshed.alertmanager[1]).toMatchObject({ silence: { endsAt: new Date(T0 + 300_000).toISOString() } });
    expect(alerts(p.pass(pass({ nowMs: T0 + 70_000, resolved: [a] })))).toEqual(['a:high ends 70s', 'unsilence a']);
  });

  it('posts a flood in pieces of 500 alerts, and resolves what resolved together', () => {
    const p = planner(RULES);
    const many = Array.from({ length: 1200 }, (_, i) => finding(`f${i}`));
    const sizes = (plan: Plan) => plan.alertmanager.map((w) => (w.kind === 'alerts' ? w.alerts.length : w.kind));
    expect(sizes(p.pass(pass({ nowMs: T0, raised: many, opened: many.map((f) => f.id) })))).toEqual([500, 500, 200]);
    expect(sizes(p.pass(pass({ nowMs: T0 + 1000, resolved: many })))).toEqual([500, 500, 200]);
  });

  it('resolves the alert under the old labels when a finding changes severity, and when it falls out of the route', () => {
    const p = planner(RULES);
    const a = finding('a');
    p.pass(pass({ nowMs: T0, raised: [a], opened: ['a'] }));
    expect(alerts(p.pass(pass({ nowMs: T0 + 1000, raised: [{ ...a, severity: 'CRITICAL' }] })))).toEqual(['a:high ends 1s', 'a:critical ends 241s']);
    expect(alerts(p.pass(pass({ nowMs: T0 + 2000, raised: [{ ...a, severity: 'LOW' }] })))).toEqual(['a:critical ends 2s']);
    expect(p.stats().firing).toMatchObject({ alertmanager: 0 });
  });
});
