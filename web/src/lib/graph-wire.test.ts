import { describe, expect, it } from 'vitest';
import { GraphWireError, parseGraphResponse } from './graph-wire.ts';
import { component, dependency, wireFinding } from './test-builders.ts';

const at = new Date('2025-01-01T00:00:00Z');

describe('parseGraphResponse', () => {
  it('reads components and dependencies as the schema sends them', () => {
    const body = { data: { components: [component('checkout'), component('payments', { tier: 0 })], dependencies: [dependency('checkout', 'payments')], findings: [] } };
    const snap = parseGraphResponse(body, at);
    expect(snap.components.map((c) => c.name)).toEqual(['checkout', 'payments']);
    expect(snap.components[1]?.tier).toBe(0);
    expect(snap.dependencies).toHaveLength(1);
    expect(snap.receivedAt).toBe(at);
  });

  it('names the field when a kind is unknown', () => {
    const body = { data: { components: [{ ...component('x'), kind: 'LAMBDA' }], dependencies: [], findings: [] } };
    expect(() => parseGraphResponse(body, at)).toThrow(/data\.components\[0\]\.kind is "LAMBDA"/);
  });

  it('reports GraphQL errors sent with status 200', () => {
    expect(() => parseGraphResponse({ errors: [{ message: 'Neo4j unavailable' }] }, at)).toThrow(GraphWireError);
    expect(() => parseGraphResponse({ errors: [{ message: 'Neo4j unavailable' }] }, at)).toThrow(/Neo4j unavailable/);
  });

  it('drops and counts a dependency on a component the API did not list, instead of inventing one', () => {
    const body = { data: { components: [component('checkout')], dependencies: [dependency('checkout', 'ghost')], findings: [] } };
    const snap = parseGraphResponse(body, at);
    expect(snap.components).toHaveLength(1);
    expect(snap.dependencies).toHaveLength(0);
    expect(snap.droppedDependencies).toBe(1);
  });

  it('reads findings of every status, decoding the evidence JSON', () => {
    const body = {
      data: {
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
    const body = { data: { components: [], dependencies: [], findings: [{ ...wireFinding('f1'), severity: 'URGENT' }] } };
    expect(() => parseGraphResponse(body, at)).toThrow(/data\.findings\[0\]\.severity is "URGENT"/);
  });

  it('keeps evidence that is not a JSON object as text instead of failing the map', () => {
    const body = { data: { components: [], dependencies: [], findings: [{ ...wireFinding('f1'), evidence: '3 calls, trace abc' }] } };
    expect(parseGraphResponse(body, at).findings[0]?.evidence).toEqual({ text: '3 calls, trace abc' });
  });
});
