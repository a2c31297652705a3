// Alerting's settings from the environment (DESIGN.md §8), for loadConfig: the receivers the
// environment defines, the routes of ORRERY_ALERT_RULES (or the default routes), and the map's
// public address for links. Problems are added to loadConfig's list, so a bad rules file stops
// the start with its file and line named.
import { readFileSync } from 'node:fs';
import { AlertRulesError, defaultRules, parseAlertRules, type AlertRules, type Receiver } from './alert-rules.ts';

export interface AlertingConfig {
  /** Receivers (the environment's and the rules file's) and routes; no receivers: alerting is off. */
  rules: AlertRules;
  /** ORRERY_ALERT_RULES, when set. */
  rulesPath: string | undefined;
  /** ORRERY_PUBLIC_URL: where people reach the map; alerts link to findings there. */
  publicUrl: string;
}

type Env = Record<string, string | undefined>;

const isHttpUrl = (url: string) => /^https?:\/\/[^/\s]+\S*$/.test(url);

export function alertingFromEnv(env: Env, problems: string[], api: { host: string; port: number }): AlertingConfig {
  const text = (name: string) => env[name]?.trim() || undefined;
  const environment: Receiver[] = [];
  for (const [name, type, variable] of [
    ['webhook', 'webhook', 'ORRERY_ALERT_WEBHOOK_URL'],
    ['alertmanager', 'alertmanager', 'ORRERY_ALERTMANAGER_URL'],
    ['slack', 'slack', 'ORRERY_SLACK_WEBHOOK_URL'],
  ] as const) {
    const url = text(variable);
    if (url === undefined) continue;
    if (!isHttpUrl(url)) problems.push(`${variable}=${JSON.stringify(url)} must be an http:// or https:// URL`);
    else environment.push({ name, type, url: url.replace(/\/+$/, '') });
  }

  const wildcard = api.host === '0.0.0.0' || api.host === '::';
  let publicUrl = `http://${wildcard ? '127.0.0.1' : api.host.includes(':') ? `[${api.host}]` : api.host}:${api.port}`;
  const given = text('ORRERY_PUBLIC_URL');
  if (given !== undefined) {
    if (isHttpUrl(given)) publicUrl = given.replace(/\/+$/, '');
    else problems.push(`ORRERY_PUBLIC_URL=${JSON.stringify(given)} must be an http:// or https:// URL (where people open the map)`);
  }

  const rulesPath = text('ORRERY_ALERT_RULES');
  let rules = defaultRules(environment);
  if (rulesPath !== undefined) {
    let yaml: string | undefined;
    try {
      yaml = readFileSync(rulesPath, 'utf8');
    } catch (error) {
      problems.push(`ORRERY_ALERT_RULES: cannot read ${rulesPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (yaml !== undefined) {
      try {
        rules = parseAlertRules(yaml, rulesPath, environment, env);
      } catch (error) {
        if (!(error instanceof AlertRulesError)) throw error;
        for (const p of error.problems) problems.push(`ORRERY_ALERT_RULES ${p}`);
      }
    }
  }
  return { rules, rulesPath, publicUrl };
}
