// Alert routing (ORRERY_ALERT_RULES): which findings go to which receivers, grouped and rate-limited
// how. Parsing validates once and names the line of every problem; matching is pure and works on
// plain values, so the collector's wiring and the tests share it.
//
// Routes are tried in order, as Alertmanager's are: a finding goes to the receivers of the first
// route that matches it, and on to later ones only past a route with `continue: true`. A receiver
// reached by several routes hears about the finding once, with the first route's settings.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { FindingKind, Severity, Tier } from '../model/graph-snapshot.ts';
import { formatDuration, parseDurationMs } from '../timeline/duration.ts';

export type ReceiverType = 'webhook' | 'alertmanager' | 'slack';

export interface Receiver {
  name: string;
  type: ReceiverType;
  /** The generic webhook's or Slack's URL; Alertmanager's base URL (alerts go to {url}/api/v2/alerts). */
  url: string;
}

/** Every field given must match; a list matches any of its values. */
export interface RouteMatch {
  kinds?: FindingKind[];
  severities?: Severity[];
  /** Matches the most critical declared tier among the components the finding concerns. */
  tiers?: Tier[];
  /** Matches when any component the finding concerns belongs to one of these systems / owners. */
  systems?: string[];
  owners?: string[];
}

export type GroupField = 'kind' | 'severity' | 'tier' | 'system' | 'owner';

export interface Route {
  match: RouteMatch;
  receivers: string[];
  /**
   * Findings of one detector pass with the same values of these fields go to a chat receiver as
   * one message; undefined: one message per finding; []: one message per pass.
   */
  groupBy: GroupField[] | undefined;
  /** At most `max` messages per receiver in any `perMs`; the rest are counted and held back. */
  rateLimit: { max: number; perMs: number } | undefined;
  /** An open finding nobody acknowledged is announced again after this long; undefined: never. */
  repeatAfterMs: number | undefined;
  continue: boolean;
  /** Where the route is written (`rules.yaml:12`), for logs. */
  source: string;
}

export interface AlertRules {
  receivers: Map<string, Receiver>;
  routes: Route[];
}

/** What a finding is matched on: its own fields and those of the components it concerns. */
export interface FindingFacts {
  kind: FindingKind;
  severity: Severity;
  /** The most critical declared tier among its components; undefined when none declares one. */
  tier: Tier | undefined;
  systems: readonly string[];
  owners: readonly string[];
}

export class AlertRulesError extends Error {
  override name = 'AlertRulesError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

const KINDS: Record<FindingKind, true> = {
  CYCLE: true, CHATTY_COUPLING: true, SHARED_DATASTORE: true, HIGH_COUPLING: true, ORPHANED_HANDOFF: true, UNHANDLED_EXCEPTION: true,
  EXCEPTION_HEAVY_WORKFLOW: true, UNDOCUMENTED_DEPENDENCY: true, STALE_DECLARATION: true, UNCATALOGUED_SERVICE: true,
  CASCADING_RISK_PATH: true, SINGLE_POINT_OF_FAILURE: true, SYNC_AI_ON_CRITICAL_PATH: true,
};
export const FINDING_KINDS = Object.keys(KINDS) as FindingKind[];
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];
const RECEIVER_TYPES: readonly ReceiverType[] = ['webhook', 'alertmanager', 'slack'];
const GROUP_FIELDS: readonly GroupField[] = ['kind', 'severity', 'tier', 'system', 'owner'];
/** The receivers the environment defines are named after their type. */
export const ENVIRONMENT_RECEIVERS: Readonly<Record<ReceiverType, string>> = {
  webhook: 'ORRERY_ALERT_WEBHOOK_URL', alertmanager: 'ORRERY_ALERTMANAGER_URL', slack: 'ORRERY_SLACK_WEBHOOK_URL',
};

/**
 * Without ORRERY_ALERT_RULES every receiver the environment defines hears about new cascading-risk
 * paths and any CRITICAL finding (what the webhook always sent), each finding on its own.
 */
export function defaultRules(receivers: readonly Receiver[]): AlertRules {
  const names = receivers.map((r) => r.name);
  const route = (match: RouteMatch, source: string): Route => ({
    match, receivers: names, groupBy: undefined, rateLimit: undefined, repeatAfterMs: undefined, continue: false, source,
  });
  return {
    receivers: new Map(receivers.map((r) => [r.name, r])),
    routes: names.length === 0 ? [] : [route({ kinds: ['CASCADING_RISK_PATH'] }, 'default route 1'), route({ severities: ['CRITICAL'] }, 'default route 2')],
  };
}

/**
 * Parses the rules file. `environment` holds the receivers the environment defines (named webhook,
 * alertmanager, slack), which routes may name; `env` fills `${VAR}` in receiver URLs, so secrets such
 * as Slack URLs can stay out of the file. Throws AlertRulesError listing every problem as `file:line: ...`.
 */
export function parseAlertRules(text: string, file: string, environment: readonly Receiver[] = [], env: Record<string, string | undefined> = {}): AlertRules {
  const problems: string[] = [];
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: YamlNode | Pair | null | undefined): number => {
    const range = node && 'range' in node ? node.range : node && 'key' in node ? (node.key as YamlNode | null)?.range : undefined;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  const problem = (node: YamlNode | Pair | null | undefined, message: string) => problems.push(`${file}:${lineOf(node)}: ${message}`);
  for (const error of doc.errors) problems.push(`${file}:${lineCounter.linePos(error.pos[0]).line}: invalid YAML: ${error.message.split('\n')[0]}`);
  if (doc.errors.length > 0) throw new AlertRulesError(problems);

  const receivers = new Map<string, Receiver>(environment.map((r) => [r.name, r]));
  const routes: Route[] = [];
  const root = doc.contents;
  if (!isMap(root)) {
    problem(root, 'the rules file must be a mapping with `receivers` and `routes`');
    throw new AlertRulesError(problems);
  }
  checkKeys(root, ['receivers', 'routes'], 'the rules file', problem);

  const receiversNode = root.get('receivers', true) as YamlNode | undefined;
  if (receiversNode !== undefined && !isMap(receiversNode)) problem(receiversNode, '`receivers` must map names to a receiver, e.g. `pager: { alertmanager: http://127.0.0.1:9093 }`');
  if (isMap(receiversNode)) {
    for (const pair of receiversNode.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) {
        problem(pair, `receiver name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-'`);
        continue;
      }
      if (name in ENVIRONMENT_RECEIVERS) {
        problem(pair, `receiver name "${name}" is reserved for the receiver ${ENVIRONMENT_RECEIVERS[name as ReceiverType]} defines; choose another name`);
        continue;
      }
      const value = pair.value as YamlNode | null;
      if (!isMap(value) || value.items.length !== 1) {
        problem(pair, `receiver "${name}" must have exactly one of ${RECEIVER_TYPES.join(', ')}, e.g. \`${name}: { slack: https://hooks.slack.com/... }\``);
        continue;
      }
      const entry = value.items[0]!;
      const type = isScalar(entry.key) ? String(entry.key.value) : '';
      if (!(RECEIVER_TYPES as readonly string[]).includes(type)) {
        problem(entry, `receiver "${name}": unknown type "${type}"; expected one of ${RECEIVER_TYPES.join(', ')}`);
        continue;
      }
      const raw = isScalar(entry.value) ? String(entry.value.value ?? '') : '';
      let unset = false;
      const url = raw.replace(/\$\{(\w+)\}/g, (_, variable: string) => {
        const set = env[variable]?.trim();
        if (!set) {
          problem(entry, `receiver "${name}": \${${variable}} is not set in the environment`);
          unset = true;
        }
        return set ?? '';
      });
      if (unset) continue;
      if (!/^https?:\/\/[^/\s]+\S*$/.test(url)) {
        problem(entry, `receiver "${name}": ${type} needs an http:// or https:// URL, got ${JSON.stringify(raw)}`);
        continue;
      }
      receivers.set(name, { name, type: type as ReceiverType, url: url.replace(/\/+$/, '') });
    }
  }

  const routesNode = root.get('routes', true) as YamlNode | undefined;
  if (routesNode === undefined) problem(root, 'the rules file needs `routes`: a list of { match, receivers }');
  else if (!isSeq(routesNode)) problem(routesNode, '`routes` must be a list of { match, receivers }');
  else {
    for (const item of routesNode.items as YamlNode[]) {
      const route = parseRoute(item, receivers, file, lineOf, problem, () => problems.length);
      if (route) routes.push(route);
    }
  }
  if (problems.length > 0) throw new AlertRulesError(problems);
  return { receivers, routes };
}

type Problem = (node: YamlNode | Pair | null | undefined, message: string) => void;

function checkKeys(map: YAMLMap, allowed: readonly string[], where: string, problem: Problem): void {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!allowed.includes(key)) problem(pair, `unknown key "${key}" in ${where}; expected ${allowed.join(', ')}`);
  }
}

/** A scalar or a list of scalars, as strings; undefined (and a problem) when it is neither. */
function scalars(node: YamlNode | null | undefined, field: string, problem: Problem): string[] | undefined {
  if (isScalar(node) && node.value !== null) return [String(node.value)];
  if (isSeq(node) && node.items.every((i) => isScalar(i) && (i as Scalar).value !== null)) return node.items.map((i) => String((i as Scalar).value));
  problem(node, `\`${field}\` must be a value or a list of values`);
  return undefined;
}

function parseRoute(item: YamlNode, receivers: Map<string, Receiver>, file: string, lineOf: (n: YamlNode | Pair | null | undefined) => number, problem: Problem, problemCount: () => number): Route | undefined {
  if (!isMap(item)) {
    problem(item, 'a route must be a mapping with `match` and `receivers`');
    return undefined;
  }
  const before = problemCount();
  checkKeys(item, ['match', 'receivers', 'groupBy', 'rateLimit', 'repeatAfter', 'continue'], 'a route', problem);
  const match: RouteMatch = {};
  const matchNode = item.get('match', true) as YamlNode | undefined;
  if (matchNode !== undefined && !isMap(matchNode)) problem(matchNode, '`match` must be a mapping of kind, severity, minSeverity, tier, system, owner');
  if (isMap(matchNode)) {
    checkKeys(matchNode, ['kind', 'severity', 'minSeverity', 'tier', 'system', 'owner'], '`match`', problem);
    const get = (key: string) => matchNode.get(key, true) as YamlNode | undefined;
    const oneOf = <T extends string>(key: string, allowed: readonly T[]): T[] | undefined => {
      const node = get(key);
      if (node === undefined) return undefined;
      const values = scalars(node, key, problem)?.map((v) => v.toUpperCase());
      const wrong = values?.filter((v) => !(allowed as readonly string[]).includes(v)) ?? [];
      if (wrong.length > 0) problem(node, `unknown ${key} ${wrong.map((w) => JSON.stringify(w)).join(', ')}; expected one of ${allowed.join(', ')}`);
      return values as T[] | undefined;
    };
    match.kinds = oneOf('kind', FINDING_KINDS);
    match.severities = oneOf('severity', SEVERITIES);
    const min = oneOf('minSeverity', SEVERITIES);
    if (min) {
      if (match.severities) problem(get('minSeverity'), 'give `severity` or `minSeverity`, not both');
      match.severities = SEVERITIES.slice(0, SEVERITIES.indexOf(min[0]!) + 1);
    }
    const tierNode = get('tier');
    if (tierNode !== undefined) {
      const tiers = scalars(tierNode, 'tier', problem);
      if (tiers && tiers.some((t) => !['0', '1', '2', '3'].includes(t))) problem(tierNode, `\`tier\` must be 0, 1, 2 or 3 (orrery.dev/tier), got ${tiers.join(', ')}`);
      else if (tiers) match.tiers = tiers.map(Number) as Tier[];
    }
    for (const [key, field] of [['system', 'systems'], ['owner', 'owners']] as const) {
      const node = get(key);
      if (node !== undefined) match[field] = scalars(node, key, problem);
    }
    for (const key of Object.keys(match) as Array<keyof RouteMatch>) if (match[key] === undefined) delete match[key];
  }

  const receiversNode = item.get('receivers', true) as YamlNode | undefined;
  let names: string[] = [];
  if (receiversNode === undefined) problem(item, 'a route needs `receivers`: the names of receivers to send to');
  else {
    names = scalars(receiversNode, 'receivers', problem) ?? [];
    const unknown = names.filter((n) => !receivers.has(n));
    if (unknown.length > 0) {
      const known = [...receivers.keys()];
      problem(receiversNode, `unknown receiver ${unknown.map((u) => JSON.stringify(u)).join(', ')}; ${known.length > 0 ? `defined: ${known.join(', ')}` : 'no receiver is defined'} (webhook, alertmanager and slack exist when ORRERY_ALERT_WEBHOOK_URL, ORRERY_ALERTMANAGER_URL, ORRERY_SLACK_WEBHOOK_URL are set)`);
    }
  }

  let groupBy: GroupField[] | undefined;
  const groupNode = item.get('groupBy', true) as YamlNode | undefined;
  if (groupNode !== undefined) {
    const fields = isSeq(groupNode) && groupNode.items.length === 0 ? [] : scalars(groupNode, 'groupBy', problem);
    const wrong = fields?.filter((f) => !(GROUP_FIELDS as readonly string[]).includes(f)) ?? [];
    if (wrong.length > 0) problem(groupNode, `\`groupBy\` may name ${GROUP_FIELDS.join(', ')}; got ${wrong.join(', ')}`);
    else groupBy = fields as GroupField[];
  }

  let rateLimit: Route['rateLimit'];
  const rateNode = item.get('rateLimit', true) as YamlNode | undefined;
  if (rateNode !== undefined) {
    const max = isMap(rateNode) ? Number((rateNode.get('max', true) as Scalar | undefined)?.value) : NaN;
    const perText = isMap(rateNode) ? (rateNode.get('per', true) as Scalar | undefined)?.value : undefined;
    const perMs = typeof perText === 'string' ? parseDurationMs(perText) : undefined;
    if (isMap(rateNode)) checkKeys(rateNode, ['max', 'per'], '`rateLimit`', problem);
    if (!Number.isInteger(max) || max < 1 || perMs === undefined) problem(rateNode, '`rateLimit` must be { max: <whole number ≥ 1>, per: <duration such as 10m> }');
    else rateLimit = { max, perMs };
  }

  let repeatAfterMs: number | undefined;
  const repeatNode = item.get('repeatAfter', true) as YamlNode | undefined;
  if (repeatNode !== undefined) {
    repeatAfterMs = isScalar(repeatNode) ? parseDurationMs(String(repeatNode.value)) : undefined;
    if (repeatAfterMs === undefined) problem(repeatNode, '`repeatAfter` must be a duration such as 4h');
  }

  const continueNode = item.get('continue', true) as YamlNode | undefined;
  if (continueNode !== undefined && !(isScalar(continueNode) && typeof continueNode.value === 'boolean')) problem(continueNode, '`continue` must be true or false');

  if (problemCount() > before) return undefined;
  return {
    match, receivers: names, groupBy, rateLimit, repeatAfterMs,
    continue: isScalar(continueNode) && continueNode.value === true,
    source: `${file}:${lineOf(item)}`,
  };
}

export function routeMatches(match: RouteMatch, facts: FindingFacts): boolean {
  if (match.kinds && !match.kinds.includes(facts.kind)) return false;
  if (match.severities && !match.severities.includes(facts.severity)) return false;
  if (match.tiers && (facts.tier === undefined || !match.tiers.includes(facts.tier))) return false;
  if (match.systems && !facts.systems.some((s) => match.systems!.includes(s))) return false;
  if (match.owners && !facts.owners.some((o) => match.owners!.includes(o))) return false;
  return true;
}

/** The receivers a finding goes to, each with the route that sent it there (first match wins). */
export function routeFinding(rules: AlertRules, facts: FindingFacts): Array<{ receiver: Receiver; route: Route }> {
  const out: Array<{ receiver: Receiver; route: Route }> = [];
  const seen = new Set<string>();
  for (const route of rules.routes) {
    if (!routeMatches(route.match, facts)) continue;
    for (const name of route.receivers) {
      const receiver = rules.receivers.get(name);
      if (!receiver || seen.has(name)) continue;
      seen.add(name);
      out.push({ receiver, route });
    }
    if (!route.continue) break;
  }
  return out;
}

/** One line per route, for the start-up log. */
export function describeRules(rules: AlertRules): string[] {
  return rules.routes.map((r) => {
    const m = r.match;
    const parts = [
      m.kinds && `kind ${m.kinds.join('|')}`, m.severities && `severity ${m.severities.join('|')}`, m.tiers && `tier ${m.tiers.join('|')}`,
      m.systems && `system ${m.systems.join('|')}`, m.owners && `owner ${m.owners.join('|')}`,
    ].filter(Boolean);
    const extras = [r.rateLimit && `at most ${r.rateLimit.max} per ${formatDuration(r.rateLimit.perMs)}`, r.repeatAfterMs && `repeat after ${formatDuration(r.repeatAfterMs)}`].filter(Boolean);
    return `${parts.length ? parts.join(', ') : 'every finding'} -> ${r.receivers.join(', ')}${extras.length ? ` (${extras.join(', ')})` : ''}`;
  });
}
