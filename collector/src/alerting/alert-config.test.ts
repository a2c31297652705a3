import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';

const dir = mkdtempSync(join(tmpdir(), 'orrery-alert-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('alerting configuration', () => {
  it('gives each receiver the environment names the default routes, and links findings to the API address', () => {
    const config = loadConfig({ ORRERY_ALERTMANAGER_URL: 'http://127.0.0.1:9093/', ORRERY_SLACK_WEBHOOK_URL: 'https://hooks.slack.test/T/B/X', ORRERY_API_PORT: '4100' });
    expect([...config.alerting.rules.receivers.values()]).toEqual([
      { name: 'alertmanager', type: 'alertmanager', url: 'http://127.0.0.1:9093' },
      { name: 'slack', type: 'slack', url: 'https://hooks.slack.test/T/B/X' },
    ]);
    expect(config.alerting.rules.routes.map((r) => r.receivers)).toEqual([['alertmanager', 'slack'], ['alertmanager', 'slack']]);
    expect(config.alerting.publicUrl).toBe('http://127.0.0.1:4100');
    expect(loadConfig({ ORRERY_HOST: '0.0.0.0', ORRERY_INGEST_TOKEN: 'i', ORRERY_API_TOKEN: 'a', ORRERY_PUBLIC_URL: 'https://orrery.example/' }).alerting.publicUrl).toBe('https://orrery.example');
    expect(loadConfig({}).alerting.rules.receivers.size).toBe(0);
  });

  it('reads ORRERY_ALERT_RULES, whose routes may name the environment receivers', () => {
    const rules = file('ok.yaml', 'routes:\n  - match: { tier: 0 }\n    receivers: [slack]\n');
    const config = loadConfig({ ORRERY_ALERT_RULES: rules, ORRERY_SLACK_WEBHOOK_URL: 'https://hooks.slack.test/x' });
    expect(config.alerting.rules.routes).toMatchObject([{ match: { tiers: [0] }, receivers: ['slack'], source: `${rules}:2` }]);
  });

  it('stops the start on a bad rules file, naming the file and line, among every other problem', () => {
    const bad = file('bad.yaml', 'routes:\n  - match: { kind: CYCLES }\n    receivers: [pager]\n');
    expect(problemsOf({ ORRERY_ALERT_RULES: bad, ORRERY_ALERTMANAGER_URL: 'alertmanager:9093', ORRERY_FLUSH_MS: 'soon' })).toEqual([
      expect.stringMatching(/^ORRERY_FLUSH_MS/),
      'ORRERY_ALERTMANAGER_URL="alertmanager:9093" must be an http:// or https:// URL',
      expect.stringMatching(new RegExp(`^ORRERY_ALERT_RULES ${bad}:2: unknown kind "CYCLES"`)),
      expect.stringMatching(new RegExp(`^ORRERY_ALERT_RULES ${bad}:3: unknown receiver "pager"`)),
    ]);
    expect(problemsOf({ ORRERY_ALERT_RULES: join(dir, 'missing.yaml') })).toEqual([`ORRERY_ALERT_RULES: cannot read ${join(dir, 'missing.yaml')}: ENOENT`]);
  });
});
