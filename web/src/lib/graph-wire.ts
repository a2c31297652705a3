// The one place that knows the GraphQL wire format of the map's query. It validates once and
// names the offending field, so the rest of the app receives typed, normalised values.
import {
  COMPONENT_KINDS,
  DEPENDENCY_KINDS,
  FINDING_STATUSES,
  SEVERITIES,
  type Component,
  type ComponentKind,
  type ComponentPoint,
  type Dependency,
  type DependencyChange,
  type DependencyKind,
  type DependencyPoint,
  type Finding,
  type FindingStatus,
  type GraphDiff,
  type GraphSnapshot,
  type ResolvedWindow,
  type Severity,
  type VersionChange,
} from './model.ts';

/** The fields of a finding the app reads, shared by the map's query and the acknowledge mutation. */
export const FINDING_FIELDS = 'id kind severity title detail components path status firstSeen lastSeen evidence acknowledgement';

const COMPONENT_FIELDS = 'name displayName entryPoint kind namespace versions tier owner system documented virtual firstSeen lastSeen';
const DEPENDENCY_FIELDS = `from to kind protocol operation calls errors callsPerMinute errorRate p50Ms p95Ms p99Ms
    errorPropagation callsPerTrace documented firstSeen lastSeen`;
const WINDOW_FIELDS = 'from to resolutionSeconds';

/**
 * What the map itself reads of every component and dependency (name displayName entryPoint kind
 * namespace tier owner system documented virtual; from to kind protocol operation calls errors p95Ms
 * documented), asked as `graphChanges.packed`: numbers over one table of strings (`unpackGraph`).
 * The side panel's other numbers (p50, p99, rates, propagation, first and last seen) come with the
 * selected component's series (SERIES_QUERY). At 5,000 components and 20,000 dependencies the
 * whole set was 9.4 MB and 1.5-2 s of API time per read, the map's fields as objects 4.9 MB and
 * over a second on a busy machine; packed, about a fifth of that.
 */

/**
 * Components and dependencies are fetched as two flat lists rather than through
 * `Component.dependsOn`, so each edge crosses the wire once whatever the estate's size; both are
 * read for `$window`, which the same request resolves, so the page can say which instants the
 * numbers cover. Findings come in the same request, of every status: a finding that resolves
 * while someone is reading it turns grey instead of disappearing from under them, and the map
 * and the findings list always describe the same moment.
 */
export const GRAPH_QUERY = `query OrreryMap($window: TimeWindow) {
  window(window: $window) { ${WINDOW_FIELDS} }
  components(window: $window) { ${COMPONENT_FIELDS} }
  dependencies(window: $window) {
    ${DEPENDENCY_FIELDS}
  }
  findings { ${FINDING_FIELDS} }
}`;

/**
 * The map's live query: what changed after the version the map holds (`since`), or everything in
 * the window (`full`) for `since: 0` or a version the API no longer remembers. Findings come when
 * asked for (the first answer, and after `findingsChanged`), not with every change.
 */
export const GRAPH_CHANGES_QUERY = `query OrreryMapChanges($since: Int!, $window: TimeWindow, $withFindings: Boolean!) {
  graphChanges(since: $since, window: $window) {
    version full
    window { ${WINDOW_FIELDS} }
    packed
    removedComponents
    removedDependencies { from to kind protocol }
  }
  findings @include(if: $withFindings) { ${FINDING_FIELDS} }
}`;

/** What the map listens to: a publish of new observations, and a detector pass that opened or resolved findings. */
export const GRAPH_UPDATED_SUBSCRIPTION = 'subscription OrreryMapUpdates { graphUpdated { at } }';
export const FINDINGS_CHANGED_SUBSCRIPTION = 'subscription OrreryFindingUpdates { findingsChanged { at } }';

/** `graphChanges` as the app holds it. */
export interface GraphChanges {
  version: number;
  full: boolean;
  window: ResolvedWindow;
  components: Component[];
  removedComponents: string[];
  dependencies: Dependency[];
  removedDependencies: Array<Pick<Dependency, 'from' | 'to' | 'kind' | 'protocol'>>;
  /** Null when not asked for. */
  findings: Finding[] | null;
}

export function parseGraphChanges(body: unknown): GraphChanges {
  const data = dataOf(body);
  const at = 'data.graphChanges';
  const d = data['graphChanges'];
  if (!isObject(d)) throw new GraphWireError(`${at} must be an object`);
  const window = parseWindow(d['window'], `${at}.window`);
  const minutes = (window.toMs - window.fromMs) / 60_000;
  return {
    version: num(d, 'version', at),
    full: bool(d, 'full', at),
    window,
    ...(typeof d['packed'] === 'string'
      ? unpackGraph(d['packed'], `${at}.packed`, minutes)
      : {
          components: list(d, 'components', at).map((c, i) => parseComponent(c, `${at}.components[${i}]`)),
          dependencies: list(d, 'dependencies', at).map((x, i) => parseDependency(x, `${at}.dependencies[${i}]`, minutes)),
        }),
    removedComponents: strings(d, 'removedComponents', at),
    removedDependencies: list(d, 'removedDependencies', at).map((x, i) => {
      const here = `${at}.removedDependencies[${i}]`;
      if (!isObject(x)) throw new GraphWireError(`${here} must be an object`);
      return { from: str(x, 'from', here), to: str(x, 'to', here), kind: oneOf<DependencyKind>(x, 'kind', here, DEPENDENCY_KINDS), protocol: str(x, 'protocol', here) };
    }),
    findings: data['findings'] === undefined || data['findings'] === null ? null : list(data, 'findings', 'data').map((f, i) => parseFinding(f, `data.findings[${i}]`)),
  };
}

/**
 * The selected component's history and that of each of its dependencies, for the side panel's
 * sparklines. Asked for one component at a time: series for every edge in every poll would
 * multiply the map's payload by the number of steps.
 */
export const SERIES_QUERY = `query OrrerySeries($name: String!, $window: TimeWindow, $step: String) {
  service(name: $name, window: $window) {
    ${COMPONENT_FIELDS}
    series(step: $step) { at callsIn callsOut errors }
    dependsOn { ${DEPENDENCY_FIELDS} series(step: $step) { at calls errors p95Ms } }
    dependents { ${DEPENDENCY_FIELDS} series(step: $step) { at calls errors p95Ms } }
  }
}`;

/** Both ends of a diff as instants; `window` resolves the after window first (see time-queries.ts). */
export const RESOLVE_WINDOW_QUERY = `query OrreryWindow($window: TimeWindow) { window(window: $window) { ${WINDOW_FIELDS} } }`;

/**
 * What changed between two windows. The before window's components come along: a removed
 * component is only a name in `graphDiff`, and the map needs its kind and label to draw its ghost.
 */
export const DIFF_QUERY = `query OrreryDiff($before: TimeWindow!, $after: TimeWindow!) {
  graphDiff(before: $before, after: $after) {
    before { ${WINDOW_FIELDS} }
    after { ${WINDOW_FIELDS} }
    addedDependencies { ${DEPENDENCY_FIELDS} }
    removedDependencies { ${DEPENDENCY_FIELDS} }
    changedDependencies {
      from to kind reasons regressed
      before { ${DEPENDENCY_FIELDS} }
      after { ${DEPENDENCY_FIELDS} }
    }
    addedComponents removedComponents
    versionChanges { component from to at }
  }
  beforeComponents: components(window: $before) { ${COMPONENT_FIELDS} }
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

const COMPONENT_KIND_SET: ReadonlySet<string> = new Set(COMPONENT_KINDS);
const DEPENDENCY_KIND_SET: ReadonlySet<string> = new Set(DEPENDENCY_KINDS);

/**
 * `graphChanges.packed` (the map asks for it instead of the object lists): numbers over one table
 * of strings, 10 per component and 9 per dependency (api/src/graph/graph-changes.ts packGraph
 * describes the layout), into the same records the lean object fields give.
 */
export function unpackGraph(text: string, at: string, windowMinutes = 60): { components: Component[]; dependencies: Dependency[] } {
  let w: unknown;
  try {
    w = JSON.parse(text);
  } catch {
    throw new GraphWireError(`${at} must be JSON`);
  }
  if (!isObject(w) || w['v'] !== 1) throw new GraphWireError(`${at} must be version 1 of the packed graph`);
  const names = strings(w, 'names', at);
  const c = list(w, 'components', at) as number[];
  const d = list(w, 'dependencies', at) as number[];
  if (c.length % 10 !== 0 || d.length % 9 !== 0 || !c.every(Number.isFinite) || !d.every(Number.isFinite)) throw new GraphWireError(`${at} must hold 10 numbers per component and 9 per dependency`);
  const optName = (i: number, field: string): string | null => {
    if (i < 0) return null;
    const v = names[i];
    if (v === undefined) throw new GraphWireError(`${at}: ${field} names string ${i} of ${names.length}`);
    return v;
  };
  const name = (i: number, field: string): string => {
    const v = optName(i, field);
    if (v === null) throw new GraphWireError(`${at}: ${field} must not be null`);
    return v;
  };
  const components: Component[] = [];
  for (let i = 0; i < c.length; i += 10) {
    const kind = name(c[i + 3]!, 'component kind');
    if (!COMPONENT_KIND_SET.has(kind)) throw new GraphWireError(`${at}: component kind ${JSON.stringify(kind)} is none of ${COMPONENT_KINDS.join(', ')}`);
    const tier = c[i + 5]!;
    components.push({
      name: name(c[i]!, 'component name'),
      displayName: name(c[i + 1]!, 'displayName'),
      entryPoint: c[i + 2] === 1,
      kind: kind as ComponentKind,
      namespace: optName(c[i + 4]!, 'namespace'),
      versions: [],
      tier: tier < 0 ? null : tier,
      owner: optName(c[i + 6]!, 'owner'),
      system: optName(c[i + 7]!, 'system'),
      documented: c[i + 8] === 1,
      virtual: c[i + 9] === 1,
      firstSeen: null,
      lastSeen: null,
    });
  }
  const dependencies: Dependency[] = [];
  for (let i = 0; i < d.length; i += 9) {
    const kind = name(d[i + 2]!, 'dependency kind');
    if (!DEPENDENCY_KIND_SET.has(kind)) throw new GraphWireError(`${at}: dependency kind ${JSON.stringify(kind)} is none of ${DEPENDENCY_KINDS.join(', ')}`);
    const calls = d[i + 5]!;
    const errors = d[i + 6]!;
    const p95 = d[i + 7]!;
    dependencies.push({
      from: name(d[i]!, 'from'),
      to: name(d[i + 1]!, 'to'),
      kind: kind as DependencyKind,
      protocol: name(d[i + 3]!, 'protocol'),
      operation: optName(d[i + 4]!, 'operation'),
      calls,
      errors,
      errorRate: calls > 0 ? errors / calls : 0,
      p95Ms: p95 < 0 ? null : p95,
      documented: d[i + 8] === 1,
      callsPerMinute: calls / Math.max(windowMinutes, 1),
      p50Ms: null, p99Ms: null, errorPropagation: null, callsPerTrace: null, firstSeen: '', lastSeen: '',
    });
  }
  return { components, dependencies };
}

function parseComponent(value: unknown, at: string): Component {
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  // The map's own fields leave the versions out.
  const versions = value['versions'] === undefined ? [] : strings(value, 'versions', at);
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

/** A dependency; what the map's own fields leave out is derived or null. */
function parseDependency(value: unknown, at: string, windowMinutes = 60): Dependency {
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  // What both the map's lean fields and the full record carry.
  const shared = {
    from: str(value, 'from', at),
    to: str(value, 'to', at),
    kind: oneOf<DependencyKind>(value, 'kind', at, DEPENDENCY_KINDS),
    protocol: str(value, 'protocol', at),
    operation: optStr(value, 'operation', at),
    calls: num(value, 'calls', at),
    errors: num(value, 'errors', at),
    errorRate: num(value, 'errorRate', at),
    p95Ms: optNum(value, 'p95Ms', at),
    documented: bool(value, 'documented', at),
  };
  if (value['callsPerMinute'] === undefined && value['firstSeen'] === undefined) {
    return {
      ...shared,
      callsPerMinute: shared.calls / Math.max(windowMinutes, 1),
      p50Ms: null, p99Ms: null, errorPropagation: null, callsPerTrace: null, firstSeen: '', lastSeen: '',
    };
  }
  return {
    ...shared,
    callsPerMinute: num(value, 'callsPerMinute', at),
    p50Ms: optNum(value, 'p50Ms', at),
    p99Ms: optNum(value, 'p99Ms', at),
    errorPropagation: optNum(value, 'errorPropagation', at),
    callsPerTrace: optNum(value, 'callsPerTrace', at),
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
  const data = dataOf(body);
  const window = parseWindow(data['window'], 'data.window');
  const components = list(data, 'components', 'data').map((c, i) => parseComponent(c, `data.components[${i}]`));
  const names = new Set(components.map((c) => c.name));
  const all = list(data, 'dependencies', 'data').map((d, i) => parseDependency(d, `data.dependencies[${i}]`));
  const dependencies = all.filter((d) => names.has(d.from) && names.has(d.to));
  const findings = list(data, 'findings', 'data').map((f, i) => parseFinding(f, `data.findings[${i}]`));
  return { window, components, dependencies, droppedDependencies: all.length - dependencies.length, findings, receivedAt };
}

/** `data` of a GraphQL response, after raising the errors GraphQL reports with status 200. */
export function dataOf(body: unknown): Json {
  if (!isObject(body)) throw new GraphWireError('response must be a JSON object');
  const message = graphqlErrorMessage(body);
  if (message !== null) throw new GraphWireError(`GraphQL error: ${message}`);
  const data = body['data'];
  if (!isObject(data)) throw new GraphWireError('response.data must be an object');
  return data;
}

/** An ISO-8601 instant as epoch ms, naming the field when it is not one. */
function instant(o: Json, key: string, at: string): number {
  const text = str(o, key, at);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new GraphWireError(`${at}.${key} must be an ISO-8601 instant, got "${text}"`);
  return ms;
}

export function parseWindow(value: unknown, at: string): ResolvedWindow {
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  const window = { fromMs: instant(value, 'from', at), toMs: instant(value, 'to', at), resolutionSeconds: num(value, 'resolutionSeconds', at) };
  if (window.toMs < window.fromMs) throw new GraphWireError(`${at} ends before it starts`);
  return window;
}

/** A dependency's identity within a window: its ends, kind, protocol and operation. */
export function dependencyKey(d: Pick<Dependency, 'from' | 'to' | 'kind' | 'protocol' | 'operation'>): string {
  return JSON.stringify([d.from, d.to, d.kind, d.protocol, d.operation ?? null]);
}

function points<T>(o: Json, key: string, at: string, parse: (p: Json, at: string) => T): T[] {
  return list(o, key, at).map((p, i) => {
    const here = `${at}.${key}[${i}]`;
    if (!isObject(p)) throw new GraphWireError(`${here} must be an object`);
    return parse(p, here);
  });
}

const componentPoint = (p: Json, at: string): ComponentPoint => ({
  atMs: instant(p, 'at', at),
  callsIn: num(p, 'callsIn', at),
  callsOut: num(p, 'callsOut', at),
  errors: num(p, 'errors', at),
});

const dependencyPoint = (p: Json, at: string): DependencyPoint => ({
  atMs: instant(p, 'at', at),
  calls: num(p, 'calls', at),
  errors: num(p, 'errors', at),
  p95Ms: optNum(p, 'p95Ms', at),
});

export interface ComponentSeries {
  name: string;
  /** The component and its dependencies with every field, for the side panel (null when not read). */
  details: { component: Component; dependsOn: Dependency[]; dependents: Dependency[] } | null;
  points: ComponentPoint[];
  /** Each dependency's points by `dependencyKey`, in and out. */
  dependencies: Map<string, DependencyPoint[]>;
}

/** The answer to SERIES_QUERY; null when the API knows no component of that name in the window. */
export function parseSeriesResponse(body: unknown): ComponentSeries | null {
  const data = dataOf(body);
  const c = data['service'];
  if (c === null || c === undefined) return null;
  if (!isObject(c)) throw new GraphWireError('data.service must be an object');
  const dependencies = new Map<string, DependencyPoint[]>();
  const sides: { dependsOn: Dependency[]; dependents: Dependency[] } = { dependsOn: [], dependents: [] };
  for (const side of ['dependsOn', 'dependents'] as const) {
    list(c, side, 'data.service').forEach((d, i) => {
      const at = `data.service.${side}[${i}]`;
      if (!isObject(d)) throw new GraphWireError(`${at} must be an object`);
      if (d['calls'] !== undefined) sides[side].push(parseDependency(d, at));
      const key = dependencyKey({
        from: str(d, 'from', at),
        to: str(d, 'to', at),
        kind: oneOf<DependencyKind>(d, 'kind', at, DEPENDENCY_KINDS),
        protocol: str(d, 'protocol', at),
        operation: optStr(d, 'operation', at),
      });
      dependencies.set(key, points(d, 'series', at, dependencyPoint));
    });
  }
  const byCalls = (a: Dependency, b: Dependency) => b.calls - a.calls || a.to.localeCompare(b.to);
  const history = points(c, 'series', 'data.service', componentPoint);
  return {
    name: str(c, 'name', 'data.service'),
    details: { component: parseComponent(c, 'data.service'), dependsOn: sides.dependsOn.sort(byCalls), dependents: sides.dependents.sort(byCalls) },
    points: history,
    dependencies,
  };
}

function parseChange(value: unknown, at: string): DependencyChange {
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  return {
    from: str(value, 'from', at),
    to: str(value, 'to', at),
    kind: oneOf<DependencyKind>(value, 'kind', at, DEPENDENCY_KINDS),
    before: parseDependency(value['before'], `${at}.before`),
    after: parseDependency(value['after'], `${at}.after`),
    reasons: strings(value, 'reasons', at),
    regressed: bool(value, 'regressed', at),
  };
}

function parseVersionChange(value: unknown, at: string): VersionChange {
  if (!isObject(value)) throw new GraphWireError(`${at} must be an object`);
  return { component: str(value, 'component', at), from: optStr(value, 'from', at), to: str(value, 'to', at), atMs: instant(value, 'at', at) };
}

/** The answer to DIFF_QUERY. */
export function parseDiffResponse(body: unknown): GraphDiff {
  const data = dataOf(body);
  const d = data['graphDiff'];
  const at = 'data.graphDiff';
  if (!isObject(d)) throw new GraphWireError(`${at} must be an object`);
  return {
    before: parseWindow(d['before'], `${at}.before`),
    after: parseWindow(d['after'], `${at}.after`),
    addedDependencies: list(d, 'addedDependencies', at).map((x, i) => parseDependency(x, `${at}.addedDependencies[${i}]`)),
    removedDependencies: list(d, 'removedDependencies', at).map((x, i) => parseDependency(x, `${at}.removedDependencies[${i}]`)),
    changedDependencies: list(d, 'changedDependencies', at).map((x, i) => parseChange(x, `${at}.changedDependencies[${i}]`)),
    addedComponents: strings(d, 'addedComponents', at),
    removedComponents: strings(d, 'removedComponents', at),
    versionChanges: list(d, 'versionChanges', at).map((x, i) => parseVersionChange(x, `${at}.versionChanges[${i}]`)),
    beforeComponents: list(data, 'beforeComponents', 'data').map((c, i) => parseComponent(c, `data.beforeComponents[${i}]`)),
  };
}
