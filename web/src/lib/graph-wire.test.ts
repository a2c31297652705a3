import { describe, expect, it } from 'vitest';
import { GraphWireError, parseGraphResponse } from './graph-wire.ts';
import { component, dependency } from './test-builders.ts';

const at = new Date('2025-01-01T00:00:00Z');

describe('parseGraphResponse', () => {
  it('reads components and dependencies as the schema sends them', () => {
    const body = { data: { components: [component('checkout'), component('payments', { tier: 0 })], dependencies: [dependency('checkout', 'payments')] } };
    const snap = parseGraphResponse(body, at);
    expect(snap.components.map((c) => c.name)).toEqual(['checkout', 'payments']);
    expect(snap.components[1]?.tier).toBe(0);
    expect(snap.dependencies).toHaveLength(1);
    expect(snap.receivedAt).toBe(at);
  });

  it('names the field when a kind is unknown', () => {
    const body = { data: { components: [{ ...component('x'), kind: 'LAMBDA' }], dependencies: [] } };
    expect(() => parseGraphResponse(body, at)).toThrow(/data\.components\[0\]\.kind is "LAMBDA"/);
  });

  it('reports GraphQL errors sent with status 200', () => {
    expect(() => parseGraphResponse({ errors: [{ message: 'Neo4j unavailable' }] }, at)).toThrow(GraphWireError);
    expect(() => parseGraphResponse({ errors: [{ message: 'Neo4j unavailable' }] }, at)).toThrow(/Neo4j unavailable/);
  });

  it('drops and counts a dependency on a component the API did not list, instead of inventing one', () => {
    const body = { data: { components: [component('checkout')], dependencies: [dependency('checkout', 'ghost')] } };
    const snap = parseGraphResponse(body, at);
    expect(snap.components).toHaveLength(1);
    expect(snap.dependencies).toHaveLength(0);
    expect(snap.droppedDependencies).toBe(1);
  });
});
