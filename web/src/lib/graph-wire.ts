// The one place that knows the GraphQL wire format of the map's query. It validates once and
// names the offending field, so the rest of the app receives typed, normalised values.
import {
  COMPONENT_KINDS,
  DEPENDENCY_KINDS,
  FINDING_STATUSES,
  SEVERITIES,
  type Component,
  type ComponentKind,
  type Dependency,
  type DependencyKind,
  type Finding,
  type FindingStatus,
  type GraphSnapshot,
  type Severity,
} from './model.ts';

/** The fields of a finding the app reads, shared by the map's query and the acknowledge mutation. */
export const FINDING_FIELDS = 'id kind severity title detail components path status firstSeen lastSeen evidence acknowledgement';

/**
 * Components and dependencies are fetched as two flat lists rather than through
 * `Component.dependsOn`, so each edge crosses the wire once whatever the estate's size.
 * Findings come in the same request, of every status: a finding that resolves while someone is
 * reading it turns grey instead of disappearing from under them, and the map and the findings
 * list always describe the same moment.
 */
export const GRAPH_QUERY = `query OrreryMap {
  components {
    name displayName entryPoint kind namespace versions tier owner system documented virtual firstSeen lastSeen
  }
  dependencies {
    from to kind protocol operation calls errors p50Ms p95Ms p99Ms
    errorPropagation callsPerTrace documented firstSeen lastSeen
  }
  findings { ${FINDING_FIELDS} }
}`;

export class GraphWireError extends Error {
  override name = 'GraphWireError';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(o: Json, key: string, at: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new GraphWireError(`${at}.${key} must be a string`);
  return v;
}

function optStr(o: Json, key: string, at: string): string | null {
  const v = o[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new GraphWireError(`${at}.${key} must be a string or null`);
  return v;
}

function num(o: Json, key: string, at: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new GraphWireError(`${at}.${key} must be a number`);
  return v;
}

function optNum(o: Json, key: string, at: string): number | null {
  const v = o[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new GraphWireError(`${at}.${key} must be a number or null`);
  return v;
}

function bool(o: Json, key: string, at: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new GraphWireError(`${at}.${key} must be a boolean`);
  return v;
}

function oneOf<T extends string>(o: Json, key: string, at: string, allowed: readonly T[]): T {
  const v = str(o, key, at);
  if (!(allowed as readonly string[]).includes(v)) {
    throw new GraphWireError(`${at}.${key} is "${v}", expected one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function list(o: Json, key: string, at: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new GraphWireError(`${at}.${key} must be a list`);
  return v;
}

function strings(o: Json, key: string, at: string): string[] {
  return list(o, key, at).map((v, i) => {
    if (typeof v !== 'string') throw new GraphWireError(`${at}.${key}[${i}] must be a string`);
    return v;
  });
}

function parseComponent(value: unknown, at: string): Component {
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  const versions = strings(value, 'versions', at);
  return {
    name: str(value, 'name', at),
    displayName: str(value, 'displayName', at),
    entryPoint: bool(value, 'entryPoint', at),
    kind: oneOf<ComponentKind>(value, 'kind', at, COMPONENT_KINDS),
    namespace: optStr(value, 'namespace', at),
    versions,
    tier: optNum(value, 'tier', at),
    owner: optStr(value, 'owner', at),
    system: optStr(value, 'system', at),
    documented: bool(value, 'documented', at),
    virtual: bool(value, 'virtual', at),
    firstSeen: optStr(value, 'firstSeen', at),
    lastSeen: optStr(value, 'lastSeen', at),
  };
}

function parseDependency(value: unknown, at: string): Dependency {
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  return {
    from: str(value, 'from', at),
    to: str(value, 'to', at),
    kind: oneOf<DependencyKind>(value, 'kind', at, DEPENDENCY_KINDS),
    protocol: str(value, 'protocol', at),
    operation: optStr(value, 'operation', at),
    calls: num(value, 'calls', at),
    errors: num(value, 'errors', at),
    p50Ms: optNum(value, 'p50Ms', at),
    p95Ms: optNum(value, 'p95Ms', at),
    p99Ms: optNum(value, 'p99Ms', at),
    errorPropagation: optNum(value, 'errorPropagation', at),
    callsPerTrace: optNum(value, 'callsPerTrace', at),
    documented: bool(value, 'documented', at),
    firstSeen: str(value, 'firstSeen', at),
    lastSeen: str(value, 'lastSeen', at),
  };
}

/**
 * `evidence` is JSON carried in a GraphQL String, so GraphQL itself does not check it. Text that
 * is not a JSON object is kept under `text` rather than failing the map: the detail already says
 * the same in words, and a detector's formatting slip should not blank the page.
 */
function parseEvidence(o: Json, at: string): Record<string, unknown> | null {
  const raw = optStr(o, 'evidence', at);
  if (raw === null || raw.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (isObject(value)) return value;
  } catch {
    // Falls through to the raw text.
  }
  return { text: raw };
}

export function parseFinding(value: unknown, at: string): Finding {
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  const path = value['path'] === null || value['path'] === undefined ? null : strings(value, 'path', at);
  return {
    id: str(value, 'id', at),
    kind: str(value, 'kind', at),
    severity: oneOf<Severity>(value, 'severity', at, SEVERITIES),
    title: str(value, 'title', at),
    detail: str(value, 'detail', at),
    components: strings(value, 'components', at),
    path,
    status: oneOf<FindingStatus>(value, 'status', at, FINDING_STATUSES),
    firstSeen: str(value, 'firstSeen', at),
    lastSeen: str(value, 'lastSeen', at),
    evidence: parseEvidence(value, at),
    acknowledgement: optStr(value, 'acknowledgement', at),
  };
}

/** The first GraphQL error's message, when the body carries any (GraphQL answers them with 200). */
export function graphqlErrorMessage(body: unknown): string | null {
  if (!isObject(body)) return null;
  const errors = body['errors'];
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const first: unknown = errors[0];
  return isObject(first) && typeof first['message'] === 'string' ? first['message'] : 'unknown error';
}

/**
 * Turns a GraphQL response body into a snapshot. GraphQL reports failures in `errors` with
 * status 200, so those are raised here too. A dependency whose end is not a listed component
 * cannot be drawn; it is dropped and counted rather than invented as a placeholder component.
 */
export function parseGraphResponse(body: unknown, receivedAt: Date): GraphSnapshot {
  if (!isObject(body)) throw new GraphWireError('response must be a JSON object');
  const message = graphqlErrorMessage(body);
  if (message !== null) throw new GraphWireError(`GraphQL error: ${message}`);
  const data = body['data'];
  if (!isObject(data)) throw new GraphWireError('response.data must be an object');
  const components = list(data, 'components', 'data').map((c, i) => parseComponent(c, `data.components[${i}]`));
  const names = new Set(components.map((c) => c.name));
  const all = list(data, 'dependencies', 'data').map((d, i) => parseDependency(d, `data.dependencies[${i}]`));
  const dependencies = all.filter((d) => names.has(d.from) && names.has(d.to));
  const findings = list(data, 'findings', 'data').map((f, i) => parseFinding(f, `data.findings[${i}]`));
  return { components, dependencies, droppedDependencies: all.length - dependencies.length, findings, receivedAt };
}
