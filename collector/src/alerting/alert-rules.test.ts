import { describe, expect, it } from 'vitest';
import { AlertRulesError, defaultRules, parseAlertRules, routeFinding, type FindingFacts, type Receiver } from './alert-rules.ts';

const slackFromEnv: Receiver = { name: 'slack', type: 'slack', url: 'https://hooks.slack.test/T/B/X' };
const facts = (over: Partial<FindingFacts> = {}): FindingFacts => ({ kind: 'CASCADING_RISK_PATH', severity: 'HIGH', tier: 1, systems: ['payments'], owners: ['team-pay'], ...over });

const RULES = `# on-call routing
receivers:
  pager:
    alertmanager: http://127.0.0.1:9093/
  audit:
    webhook: \${AUDIT_URL}
routes:
  - match:
      kind: [CASCADING_RISK_PATH, SINGLE_POINT_OF_FAILURE]
      minSeverity: HIGH
      tier: [0, 1]
    receivers: [pager, slack]
    groupBy: [system]
    rateLimit: { max: 5, per: 10m }
    repeatAfter: 4h
    continue: true
  - match: { system: payments, owner: [team-pay, team-ledger] }
    receivers: audit
  - receivers: [slack]
`;

describe('parseAlertRules', () => {
  const rules = parseAlertRules(RULES, 'rules.yaml', [slackFromEnv], { AUDIT_URL: 'https://audit.test/hook' });

  it('reads receivers (with ${VAR} from the environment) beside those the environment defines', () => {
    expect([...rules.receivers.values()]).toEqual([
      slackFromEnv,
      { name: 'pager', type: 'alertmanager', url: 'http://127.0.0.1:9093' },
      { name: 'audit', type: 'webhook', url: 'https://audit.test/hook' },
    ]);
  });

  it('reads every route setting, minSeverity as the severities at or above it', () => {
    expect(rules.routes[0]).toEqual({
      match: { kinds: ['CASCADING_RISK_PATH', 'SINGLE_POINT_OF_FAILURE'], severities: ['CRITICAL', 'HIGH'], tiers: [0, 1] },
      receivers: ['pager', 'slack'], groupBy: ['system'], rateLimit: { max: 5, perMs: 600_000 }, repeatAfterMs: 14_400_000, continue: true, source: 'rules.yaml:8',
    });
    expect(rules.routes[1]).toMatchObject({ match: { systems: ['payments'], owners: ['team-pay', 'team-ledger'] }, receivers: ['audit'], continue: false, groupBy: undefined });
    expect(rules.routes[2]).toMatchObject({ match: {}, receivers: ['slack'] });
  });

  it('names the file and line of every problem at once', () => {
    const bad = `receivers:
  pager:
    alertmanager: not-a-url
  chat:
    teams: https://x.test
routes:
  - match:
      kind: CASCADING_RISK
      sevrity: HIGH
      tier: 5
    receivers: [pager, nobody]
    rateLimit: { max: 0, per: soon }
  - receivers: slack
    groupBy: [colour]
`;
    let error: AlertRulesError | undefined;
    try {
      parseAlertRules(bad, '/etc/orrery/rules.yaml');
    } catch (e) {
      error = e as AlertRulesError;
    }
    expect(error).toBeInstanceOf(AlertRulesError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^\/etc\/orrery\/rules\.yaml:3: receiver "pager": alertmanager needs an http:\/\/ or https:\/\/ URL/),
      expect.stringMatching(/^\/etc\/orrery\/rules\.yaml:5: receiver "chat": unknown type "teams"/),
      expect.stringMatching(/:9: unknown key "sevrity" in `match`/),
      expect.stringMatching(/:8: unknown kind "CASCADING_RISK"; expected one of CYCLE/),
      expect.stringMatching(/:10: `tier` must be 0, 1, 2 or 3/),
      expect.stringMatching(/:11: unknown receiver "pager", "nobody"; no receiver is defined/),
      expect.stringMatching(/:12: `rateLimit` must be/),
      expect.stringMatching(/:13: unknown receiver "slack"/),
      expect.stringMatching(/:14: `groupBy` may name kind, severity, tier, system, owner; got colour/),
    ]);
  });

  it('reports broken YAML and an unset variable with their lines', () => {
    expect(() => parseAlertRules('routes:\n  - receivers: [a\n', 'r.yaml')).toThrow(/^r\.yaml:\d: invalid YAML/);
    expect(() => parseAlertRules('receivers:\n  hook:\n    webhook: ${HOOK_URL}\nroutes: []\n', 'r.yaml')).toThrow('r.yaml:3: receiver "hook": ${HOOK_URL} is not set in the environment');
    expect(() => parseAlertRules('receivers: {}\n', 'r.yaml')).toThrow('r.yaml:1: the rules file needs `routes`');
    expect(() => parseAlertRules('receivers:\n  slack: { webhook: https://x.test }\nroutes: []\n', 'r.yaml')).toThrow(/r\.yaml:2: receiver name "slack" is reserved for the receiver ORRERY_SLACK_WEBHOOK_URL/);
  });
});

describe('routeFinding', () => {
  const rules = parseAlertRules(RULES, 'rules.yaml', [slackFromEnv], { AUDIT_URL: 'https://audit.test/hook' });
  const names = (f: FindingFacts) => routeFinding(rules, f).map((r) => `${r.receiver.name}@${r.route.source}`);

  it('goes on past a route with continue, and a receiver two routes name hears once, from the first', () => {
    expect(names(facts())).toEqual(['pager@rules.yaml:8', 'slack@rules.yaml:8', 'audit@rules.yaml:17']);
  });

  it('stops at the first matching route without continue', () => {
    expect(names(facts({ kind: 'CHATTY_COUPLING' }))).toEqual(['audit@rules.yaml:17']);
    expect(names(facts({ kind: 'CHATTY_COUPLING', systems: ['shop'] }))).toEqual(['slack@rules.yaml:19']);
  });

  it('matches tier on the most critical declared tier, and never an unknown tier', () => {
    expect(names(facts({ tier: 2, systems: [] }))).toEqual(['slack@rules.yaml:19']);
    expect(names(facts({ tier: undefined, systems: [] }))).toEqual(['slack@rules.yaml:19']);
    expect(names(facts({ severity: 'MEDIUM', systems: [] }))).toEqual(['slack@rules.yaml:19']);
  });

  it('matches owner and system when any concerned component has them', () => {
    expect(names(facts({ kind: 'CYCLE', systems: ['shop', 'payments'], owners: ['team-web', 'team-ledger'] }))).toEqual(['audit@rules.yaml:17']);
  });

  it('by default sends cascading-risk paths and CRITICAL findings to every receiver the environment defines', () => {
    const defaults = defaultRules([slackFromEnv, { name: 'webhook', type: 'webhook', url: 'http://h.test' }]);
    const to = (f: FindingFacts) => routeFinding(defaults, f).map((r) => r.receiver.name);
    expect(to(facts({ severity: 'LOW' }))).toEqual(['slack', 'webhook']);
    expect(to(facts({ kind: 'CYCLE', severity: 'CRITICAL' }))).toEqual(['slack', 'webhook']);
    expect(to(facts({ kind: 'CYCLE', severity: 'HIGH' }))).toEqual([]);
    expect(defaultRules([]).routes).toEqual([]);
  });
});
