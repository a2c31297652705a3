// What-if mode's core (DESIGN.md section 8): the scenario being built (components assumed down or
// slow), the GraphQL questions `whatIf` and `resiliencePlan` with their answers validated once,
// and what the map draws for an answer (a verdict per component, the paths lit). No Svelte here.
import { GraphWireError, dataOf } from './graph-wire.ts';
import { edgeId, type Emphasis } from './render-model.ts';
import type { TimeWindowInput } from './time-range.ts';

export type Verdict = 'failed' | 'slowed' | 'broken' | 'degraded' | 'unaffected';

export interface ScenarioEntry {
  name: string;
  /** Undefined: down. A number: that many ms slower. */
  latencyMs?: number | undefined;
}

export interface Impact {
  name: string;
  /** A component kind, or WORKFLOW. */
  kind: string;
  path: string[];
  reason: string;
  tier: number | null;
  probability: number;
  assumed: boolean;
  addedLatencyMs: number | null;
}

export interface WhatIfAnswer {
  broken: Impact[];
  degraded: Impact[];
  unaffected: string[];
}

export type FailureMode = 'UNAVAILABLE' | 'ERRORS' | 'LATENCY';

export interface ResilienceTest {
  component: string;
  failure: FailureMode;
  intensity: string;
  reason: string;
  errorRate: number | null;
  latencyMs: number | null;
  priority: number;
  atStake: string[];
  atStakeCount: number;
}

const IMPACT_FIELDS = 'name kind path reason tier probability assumed addedLatencyMs';

export const WHAT_IF_QUERY = `query OrreryWhatIf($fail: [String!]!, $slow: [SlowComponent!], $window: TimeWindow) {
  whatIf(fail: $fail, slow: $slow, window: $window) {
    broken { ${IMPACT_FIELDS} }
    degraded { ${IMPACT_FIELDS} }
    unaffected
  }
}`;

export const RESILIENCE_PLAN_QUERY = `query OrreryResiliencePlan($window: TimeWindow, $limit: Int) {
  resiliencePlan(window: $window, limit: $limit) { component failure intensity reason errorRate latencyMs priority atStake atStakeCount }
}`;

/** The scenario as the query's variables: down components in `fail`, slow ones in `slow`. */
export function scenarioVariables(scenario: readonly ScenarioEntry[]): { fail: string[]; slow: Array<{ name: string; latencyMs: number }> } {
  return {
    fail: scenario.filter((s) => s.latencyMs === undefined).map((s) => s.name),
    slow: scenario.filter((s) => s.latencyMs !== undefined).map((s) => ({ name: s.name, latencyMs: s.latencyMs! })),
  };
}

/** Picking a component on the map: in the scenario (as down) if it was not, out if it was. */
export function toggle(scenario: readonly ScenarioEntry[], name: string): ScenarioEntry[] {
  return scenario.some((s) => s.name === name) ? scenario.filter((s) => s.name !== name) : [...scenario, { name }];
}

/** A test of the plan as a scenario: latency tests slow the component, the others take it down. */
export function scenarioOf(test: ResilienceTest): ScenarioEntry[] {
  return [{ name: test.component, latencyMs: test.failure === 'LATENCY' ? (test.latencyMs ?? undefined) : undefined }];
}

/** What the map marks on each component for an answer (the scenario's own first). */
export function verdicts(scenario: readonly ScenarioEntry[], answer: WhatIfAnswer | null): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  if (answer) {
    for (const name of answer.unaffected) out.set(name, 'unaffected');
    for (const i of answer.degraded) if (i.kind !== 'WORKFLOW') out.set(i.name, 'degraded');
    for (const i of answer.broken) if (i.kind !== 'WORKFLOW') out.set(i.name, 'broken');
  }
  for (const s of scenario) out.set(s.name, s.latencyMs === undefined ? 'failed' : 'slowed');
  return out;
}

/**
 * What stays bright on the map for an answer: the scenario, what it reaches, and the edges along
 * which the failure travels (a path runs from the failing component out to its callers, so each
 * step is drawn on the caller's edge; both directions are named, the map has the one it draws).
 */
export function whatIfEmphasis(scenario: readonly ScenarioEntry[], answer: WhatIfAnswer | null): Emphasis {
  const nodes = new Set(scenario.map((s) => s.name));
  const edges = new Set<string>();
  for (const i of answer ? [...answer.broken, ...answer.degraded] : []) {
    for (let k = 0; k < i.path.length; k++) {
      nodes.add(i.path[k]!);
      if (k === 0) continue;
      edges.add(edgeId(i.path[k]!, i.path[k - 1]!));
      edges.add(edgeId(i.path[k - 1]!, i.path[k]!));
    }
    if (i.kind !== 'WORKFLOW') nodes.add(i.name);
  }
  return { nodes, edges };
}

export interface WhatIfQueries {
  whatIf(scenario: readonly ScenarioEntry[], window: TimeWindowInput, signal?: AbortSignal): Promise<WhatIfAnswer>;
  resiliencePlan(window: TimeWindowInput, limit: number, signal?: AbortSignal): Promise<ResilienceTest[]>;
}

export function createWhatIfQueries(options: { endpoint?: string; fetch?: typeof globalThis.fetch } = {}): WhatIfQueries {
  const endpoint = options.endpoint ?? '/graphql';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  async function post(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const response = await doFetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
    const text = await response.text();
    // A refused scenario (an unknown component) comes as a 4xx with a JSON body that says why.
    if (!text.startsWith('{')) throw new Error(`${endpoint} answered HTTP ${response.status}`);
    return JSON.parse(text) as unknown;
  }
  return {
    async whatIf(scenario, window, signal) {
      return parseWhatIf(dataOf(await post(WHAT_IF_QUERY, { ...scenarioVariables(scenario), window }, signal))['whatIf']);
    },
    async resiliencePlan(window, limit, signal) {
      return parseResiliencePlan(dataOf(await post(RESILIENCE_PLAN_QUERY, { window, limit }, signal))['resiliencePlan']);
    },
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function field<T>(o: Json, key: string, at: string, check: (v: unknown) => v is T, what: string): T {
  const v = o[key];
  if (!check(v)) throw new GraphWireError(`${at}.${key} must be ${what}`);
  return v;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumberOrNull = (v: unknown): v is number | null => v === null || isNumber(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function list(value: unknown, at: string): Json[] {
  if (!Array.isArray(value)) throw new GraphWireError(`${at} must be a list`);
  return value.map((v, i) => {
    if (!isObject(v)) throw new GraphWireError(`${at}[${i}] must be an object`);
    return v;
  });
}

function parseImpact(o: Json, at: string): Impact {
  return {
    name: field(o, 'name', at, isString, 'a string'),
    kind: field(o, 'kind', at, isString, 'a string'),
    path: field(o, 'path', at, isStrings, 'a list of strings'),
    reason: field(o, 'reason', at, isString, 'a string'),
    tier: field(o, 'tier', at, isNumberOrNull, 'a number or null'),
    probability: field(o, 'probability', at, isNumber, 'a number'),
    assumed: field(o, 'assumed', at, isBoolean, 'a boolean'),
    addedLatencyMs: field(o, 'addedLatencyMs', at, isNumberOrNull, 'a number or null'),
  };
}

export function parseWhatIf(value: unknown): WhatIfAnswer {
  const at = 'data.whatIf';
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  return {
    broken: list(value['broken'], `${at}.broken`).map((o, i) => parseImpact(o, `${at}.broken[${i}]`)),
    degraded: list(value['degraded'], `${at}.degraded`).map((o, i) => parseImpact(o, `${at}.degraded[${i}]`)),
    unaffected: field(value, 'unaffected', at, isStrings, 'a list of strings'),
  };
}

const FAILURE_MODES: readonly FailureMode[] = ['UNAVAILABLE', 'ERRORS', 'LATENCY'];
const isFailureMode = (v: unknown): v is FailureMode => FAILURE_MODES.includes(v as FailureMode);

export function parseResiliencePlan(value: unknown): ResilienceTest[] {
  return list(value, 'data.resiliencePlan').map((o, i) => {
    const at = `data.resiliencePlan[${i}]`;
    return {
      component: field(o, 'component', at, isString, 'a string'),
      failure: field(o, 'failure', at, isFailureMode, `one of ${FAILURE_MODES.join(', ')}`),
      intensity: field(o, 'intensity', at, isString, 'a string'),
      reason: field(o, 'reason', at, isString, 'a string'),
      errorRate: field(o, 'errorRate', at, isNumberOrNull, 'a number or null'),
      latencyMs: field(o, 'latencyMs', at, isNumberOrNull, 'a number or null'),
      priority: field(o, 'priority', at, isNumber, 'a number'),
      atStake: field(o, 'atStake', at, isStrings, 'a list of strings'),
      atStakeCount: field(o, 'atStakeCount', at, isNumber, 'a number'),
    };
  });
}
