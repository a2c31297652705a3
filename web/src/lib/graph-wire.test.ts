import { describe, expect, it } from 'vitest';
import { GraphWireError, dependencyKey, parseDiffResponse, parseGraphResponse, parseSeriesResponse, unpackGraph } from './graph-wire.ts';
import { WINDOW, component, dependency, wireFinding, wireWindow } from './test-builders.ts';

const at = new Date('2025-01-01T00:00:00Z');

describe('parseGraphResponse', () => {
  it('reads components and dependencies as the schema sends them', () => {
    const body = { data: { window: wireWindow(), components: [component('checkout'), component('payments', { tier: 0 })], dependencies: [dependency('checkout', 'payments')], findings: [] } };
    const snap = parseGraphResponse(body, at);
    expect(snap.components.map((c) => c.name)).toEqual(['checkout', 'payments']);
    expect(snap.components[1]?.tier).toBe(0);
    expect(snap.dependencies).toHaveLength(1);
    expect(snap.receivedAt).toBe(at);
    expect(snap.window).toEqual(WINDOW);
    expect(snap.dependencies[0]).toMatchObject({ callsPerMinute: 100 / 60, errorRate: 0 });
  });

  it('names the field when the resolved window is not made of instants', () => {
    const body = { data: { window: { from: 'an hour ago', to: '2025-01-01T01:00:00Z', resolutionSeconds: 60 }, components: [], dependencies: [], findings: [] } };
    expect(() => parseGraphResponse(body, at)).toThrow(/data\.window\.from must be an ISO-8601 instant/);
  });

  it('names the field when a kind is unknown', () => {
    const body = { data: { window: wireWindow(), components: [{ ...component('x'), kind: 'LAMBDA' }], dependencies: [], findings: [] } };
    expect(() => parseGraphResponse(body, at)).toThrow(/data\.components\[0\]\.kind is "LAMBDA"/);
  });

  it('reports GraphQL errors sent with status 200', () => {
    expect(() => parseGraphResponse({ errors: [{ message: 'Neo4j unavailable' }] }, at)).toThrow(GraphWireError);
    expect(() => parseGraphResponse({ errors: [{ message: 'Neo4j unavailable' }] }, at)).toThrow(/Neo4j unavailable/);
  });

  it('drops and counts a dependency on a component the API did not list, instead of inventing one', () => {
    const body = { data: { window: wireWindow(), components: [component('checkout')], dependencies: [dependency('checkout', 'ghost')], findings: [] } };
    const snap = parseGraphResponse(body, at);
    expect(snap.components).toHaveLength(1);
    expect(snap.dependencies).toHaveLength(0);
    expect(snap.droppedDependencies).toBe(1);
  });

  it('reads findings of every status, decoding the evidence JSON', () => {
    const body = {
      data: {
        window: wireWindow(),
        components: [component('checkout')],
        dependencies: [],
        findings: [
          wireFinding('f1', { severity: 'CRITICAL', path: ['storefront', 'checkout'], evidence: { traceIds: ['abc'], probability: 1 } }),
          wireFinding('f2', { status: 'RESOLVED' }),
        ],
      },
    };
    const snap = parseGraphResponse(body, at);
    expect(snap.findings.map((f) => [f.id, f.severity, f.status])).toEqual([
      ['f1', 'CRITICAL', 'OPEN'],
      ['f2', 'MEDIUM', 'RESOLVED'],
    ]);
    expect(snap.findings[0]?.path).toEqual(['storefront', 'checkout']);
    expect(snap.findings[0]?.evidence).toEqual({ traceIds: ['abc'], probability: 1 });
    expect(snap.findings[1]?.path).toBeNull();
  });

  it('names the field when a finding has an unknown severity', () => {
    const body = { data: { window: wireWindow(), components: [], dependencies: [], findings: [{ ...wireFinding('f1'), severity: 'URGENT' }] } };
    expect(() => parseGraphResponse(body, at)).toThrow(/data\.findings\[0\]\.severity is "URGENT"/);
  });

  it('keeps evidence that is not a JSON object as text instead of failing the map', () => {
    const body = { data: { window: wireWindow(), components: [], dependencies: [], findings: [{ ...wireFinding('f1'), evidence: '3 calls, trace abc' }] } };
    expect(parseGraphResponse(body, at).findings[0]?.evidence).toEqual({ text: '3 calls, trace abc' });
  });
});

describe('parseSeriesResponse', () => {
  const series = (calls: number[]) => calls.map((c, i) => ({ at: new Date(WINDOW.fromMs + i * 60_000).toISOString(), calls: c, errors: 0, p95Ms: c === 0 ? null : 12 }));

  it('reads the component history and each dependency history under its key', () => {
    const body = {
      data: {
        service: {
          ...component('checkout', { tier: 0 }),
          series: [{ at: '2025-01-01T00:00:00Z', callsIn: 3, callsOut: 5, errors: 1 }],
          dependsOn: [{ ...dependency('checkout', 'pricing', { operation: 'GET /price', calls: 4, p50Ms: 3 }), series: series([4, 0]) }],
          dependents: [{ ...dependency('storefront', 'checkout'), series: series([3]) }],
        },
      },
    };
    const parsed = parseSeriesResponse(body)!;
    expect(parsed.points).toEqual([{ atMs: WINDOW.fromMs, callsIn: 3, callsOut: 5, errors: 1 }]);
    const key = dependencyKey({ from: 'checkout', to: 'pricing', kind: 'SYNC', protocol: 'http', operation: 'GET /price' });
    expect(parsed.dependencies.get(key)?.map((p) => [p.calls, p.p95Ms])).toEqual([
      [4, 12],
      [0, null],
    ]);
    expect(parsed.dependencies.get(dependencyKey(dependency('storefront', 'checkout')))).toHaveLength(1);
    // Every field for the side panel, which the map's own query leaves out.
    expect(parsed.details!.component.tier).toBe(0);
    expect(parsed.details!.dependsOn[0]).toMatchObject({ to: 'pricing', p50Ms: 3 });
    expect(parsed.details!.dependents.map((d) => d.from)).toEqual(['storefront']);
  });

  it('is null for a component the window does not know', () => {
    expect(parseSeriesResponse({ data: { service: null } })).toBeNull();
  });

  it('names the field of a malformed point', () => {
    const body = { data: { service: { name: 'x', series: [{ at: '2025-01-01T00:00:00Z', callsIn: 'many', callsOut: 0, errors: 0 }], dependsOn: [], dependents: [] } } };
    expect(() => parseSeriesResponse(body)).toThrow(/data\.service\.series\[0\]\.callsIn must be a number/);
  });
});

describe('parseDiffResponse', () => {
  it('reads every part of a diff and the before window components', () => {
    const before = { fromMs: WINDOW.fromMs - 3_600_000, toMs: WINDOW.fromMs, resolutionSeconds: 60 };
    const body = {
      data: {
        graphDiff: {
          before: wireWindow(before),
          after: wireWindow(),
          addedDependencies: [dependency('checkout', 'fraud')],
          removedDependencies: [dependency('checkout', 'legacy')],
          changedDependencies: [
            { from: 'checkout', to: 'pricing', kind: 'SYNC', before: dependency('checkout', 'pricing'), after: dependency('checkout', 'pricing', { errors: 31 }), reasons: ['error rate 0% -> 31%'], regressed: true },
          ],
          addedComponents: ['fraud'],
          removedComponents: ['legacy'],
          versionChanges: [{ component: 'checkout', from: '2.7.0', to: '2.7.1', at: '2025-01-01T00:10:00Z' }],
        },
        beforeComponents: [component('checkout'), component('legacy', { kind: 'EXTERNAL' })],
      },
    };
    const diff = parseDiffResponse(body);
    expect(diff.before).toEqual(before);
    expect(diff.after).toEqual(WINDOW);
    expect(diff.addedDependencies.map((d) => d.to)).toEqual(['fraud']);
    expect(diff.removedDependencies.map((d) => d.to)).toEqual(['legacy']);
    expect(diff.changedDependencies[0]).toMatchObject({ to: 'pricing', regressed: true, reasons: ['error rate 0% -> 31%'] });
    expect(diff.changedDependencies[0]?.after.errors).toBe(31);
    expect(diff.versionChanges).toEqual([{ component: 'checkout', from: '2.7.0', to: '2.7.1', atMs: Date.parse('2025-01-01T00:10:00Z') }]);
    expect(diff.beforeComponents.find((c) => c.name === 'legacy')?.kind).toBe('EXTERNAL');
  });

  it('reports a GraphQL error (an unknown version, say) with its message', () => {
    expect(() => parseDiffResponse({ errors: [{ message: 'window.sinceVersion: checkout has never reported service.version 9' }] })).toThrow(/never reported/);
  });
});

describe('unpackGraph', () => {
  // api/src/graph/graph-changes.ts packGraph's layout: 10 numbers per component, 9 per dependency.
  const names = ['web', 'SERVICE', 'shop', 'team-a', 'pg', 'db', 'DATABASE', 'SYNC', 'postgresql', 'SELECT'];
  const packed = JSON.stringify({
    v: 1,
    names,
    components: [0, 0, 1, 1, 2, 0, 3, 2, 1, 0, 4, 5, 0, 6, -1, -1, -1, -1, 0, 1],
    dependencies: [0, 4, 7, 8, 9, 40, 4, 12.5, 0],
  });

  it('gives the records the map draws, with what the packed form leaves out derived or null', () => {
    const { components, dependencies } = unpackGraph(packed, 'packed', 60);
    expect(components).toEqual([
      { name: 'web', displayName: 'web', entryPoint: true, kind: 'SERVICE', namespace: 'shop', versions: [], tier: 0, owner: 'team-a', system: 'shop', documented: true, virtual: false, firstSeen: null, lastSeen: null },
      { name: 'pg', displayName: 'db', entryPoint: false, kind: 'DATABASE', namespace: null, versions: [], tier: null, owner: null, system: null, documented: false, virtual: true, firstSeen: null, lastSeen: null },
    ]);
    expect(dependencies).toEqual([
      { from: 'web', to: 'pg', kind: 'SYNC', protocol: 'postgresql', operation: 'SELECT', calls: 40, errors: 4, errorRate: 0.1, p95Ms: 12.5, documented: false, callsPerMinute: 40 / 60, p50Ms: null, p99Ms: null, errorPropagation: null, callsPerTrace: null, firstSeen: '', lastSeen: '' },
    ]);
  });

  it('names what is wrong with a packed graph it cannot read', () => {
    expect(() => unpackGraph('{', 'packed')).toThrow(/must be JSON/);
    expect(() => unpackGraph(JSON.stringify({ v: 2, names: [], components: [], dependencies: [] }), 'packed')).toThrow(/version 1/);
    expect(() => unpackGraph(JSON.stringify({ v: 1, names, components: [0, 0, 1], dependencies: [] }), 'packed')).toThrow(/10 numbers per component/);
    expect(() => unpackGraph(JSON.stringify({ v: 1, names, components: [0, 0, 1, 7, 2, 0, 3, 2, 1, 0], dependencies: [] }), 'packed')).toThrow(/component kind "SYNC"/);
    expect(() => unpackGraph(JSON.stringify({ v: 1, names, components: [99, 0, 1, 1, 2, 0, 3, 2, 1, 0], dependencies: [] }), 'packed')).toThrow(/names string 99/);
  });
});
