// The one place that knows the GraphQL wire format of the map's query. It validates once and
// names the offending field, so the rest of the app receives typed, normalised values.
import {
  COMPONENT_KINDS,
  DEPENDENCY_KINDS,
  type Component,
  type ComponentKind,
  type Dependency,
  type DependencyKind,
  type GraphSnapshot,
} from './model.ts';

/**
 * Components and dependencies are fetched as two flat lists rather than through
 * `Component.dependsOn`, so each edge crosses the wire once whatever the estate's size.
 */
export const GRAPH_QUERY = `query OrreryMap {
  components {
    name kind namespace versions tier owner system documented virtual firstSeen lastSeen
  }
  dependencies {
    from to kind protocol operation calls errors p50Ms p95Ms p99Ms
    errorPropagation callsPerTrace documented firstSeen lastSeen
  }
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

function parseComponent(value: unknown, at: string): Component {
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  const versions = list(value, 'versions', at).map((v, i) => {
    if (typeof v !== 'string') throw new GraphWireError(`${at}.versions[${i}] must be a string`);
    return v;
  });
  return {
    name: str(value, 'name', at),
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
 * Turns a GraphQL response body into a snapshot. GraphQL reports failures in `errors` with
 * status 200, so those are raised here too. A dependency whose end is not a listed component
 * cannot be drawn; it is dropped and counted rather than invented as a placeholder component.
 */
export function parseGraphResponse(body: unknown, receivedAt: Date): GraphSnapshot {
  if (!isObject(body)) throw new GraphWireError('response must be a JSON object');
  const errors = body['errors'];
  if (Array.isArray(errors) && errors.length > 0) {
    const first = errors[0];
    const message = isObject(first) && typeof first['message'] === 'string' ? first['message'] : 'unknown error';
    throw new GraphWireError(`GraphQL error: ${message}`);
  }
  const data = body['data'];
  if (!isObject(data)) throw new GraphWireError('response.data must be an object');
  const components = list(data, 'components', 'data').map((c, i) => parseComponent(c, `data.components[${i}]`));
  const names = new Set(components.map((c) => c.name));
  const all = list(data, 'dependencies', 'data').map((d, i) => parseDependency(d, `data.dependencies[${i}]`));
  const dependencies = all.filter((d) => names.has(d.from) && names.has(d.to));
  return { components, dependencies, droppedDependencies: all.length - dependencies.length, receivedAt };
}
