// Scenario fixtures (collector/fixtures/*.json): OTLP/JSON export requests as an exporter would
// send them, and the graph they must produce. Each request is decoded and ingested in order,
// then the pairing timeout passes. Dependencies are compared as a set: an edge missing or an
// edge invented both fail.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGraphAggregator, type DependencyDelta } from '../aggregate/graph-aggregator.ts';
import { quantileMs } from '../aggregate/latency-histogram.ts';
import { decodeJsonTraces } from '../otlp/decode-json.ts';
import { manualClock } from '../testing/builders.ts';
import { createSpanInference } from './span-inference.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

interface ExpectedDependency {
  from: string;
  to: string;
  kind: string;
  protocol: string;
  calls: number;
  errors: number;
  errorPropagation?: number;
  callsPerTrace?: number;
  unconsumed?: number;
  p50MsBetween?: [number, number];
  p95MsBetween?: [number, number];
}

interface Fixture {
  description: string;
  requests: unknown[];
  expect: {
    dependencies: ExpectedDependency[];
    components?: Array<{ name: string; kind: string; virtual: boolean }>;
    stats?: Record<string, number>;
    workflows?: Array<{ entry: string; operation: string; runs: number; failedRuns: number; manualRuns: number; unhandled: string[][] }>;
  };
}

export function runScenario(requests: unknown[], pairingTimeoutMs = 10_000) {
  const clock = manualClock(1_000_000);
  const aggregator = createGraphAggregator({ maxDependencies: 10_000, maxComponents: 10_000 });
  const inference = createSpanInference({
    pairingTimeoutMs,
    maxPendingSpans: 10_000,
    clock: clock.now,
    onInteraction: (i) => aggregator.addInteraction(i),
    onComponent: (c) => aggregator.addSighting(c),
    onUnconsumedMessage: (p) => aggregator.addUnconsumed(p),
    onWorkflowRun: (run) => aggregator.addWorkflowRun(run),
  });
  for (const request of requests) {
    const decoded = decodeJsonTraces(JSON.stringify(request));
    expect(decoded.rejected).toEqual([]);
    inference.ingest(decoded.spans);
    clock.advance(1000);
  }
  clock.advance(pairingTimeoutMs + 1);
  inference.expire();
  return { delta: aggregator.drain(), stats: inference.stats() };
}

const key = (d: { from: string; to: string; kind: string }) => `${d.from} -${d.kind}-> ${d.to}`;

describe('span inference scenarios', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  it('has scenario fixtures', () => expect(files.length).toBeGreaterThan(5));

  for (const file of files) {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture;
    it(`${file}: ${fixture.description}`, () => {
      const { delta, stats } = runScenario(fixture.requests);
      const actual = new Map<string, DependencyDelta>(delta.dependencies.map((d) => [key(d), d]));
      expect([...actual.keys()].sort()).toEqual(fixture.expect.dependencies.map(key).sort());

      for (const want of fixture.expect.dependencies) {
        const got = actual.get(key(want))!;
        expect({ protocol: got.protocol, calls: got.calls, errors: got.errors }, key(want)).toEqual({ protocol: want.protocol, calls: want.calls, errors: want.errors });
        if (want.errorPropagation !== undefined) expect(got.propagatedErrors / got.calleeErrors).toBeCloseTo(want.errorPropagation);
        if (want.callsPerTrace !== undefined) expect(got.calls / got.traces).toBeCloseTo(want.callsPerTrace);
        if (want.unconsumed !== undefined) expect(got.unconsumed).toBe(want.unconsumed);
        for (const [q, range] of [[0.5, want.p50MsBetween], [0.95, want.p95MsBetween]] as const) {
          if (!range) continue;
          const value = quantileMs(got.latency, q)!;
          expect(value).toBeGreaterThanOrEqual(range[0]);
          expect(value).toBeLessThanOrEqual(range[1]);
        }
      }
      for (const want of fixture.expect.components ?? []) {
        expect(delta.components.find((c) => c.name === want.name), want.name).toMatchObject(want);
      }
      if (fixture.expect.workflows) {
        const workflows = delta.workflows.map((w) => ({ entry: w.entry, operation: w.operation, runs: w.runs, failedRuns: w.failedRuns, manualRuns: w.manualRuns, unhandled: w.unhandled.map((u) => u.path) }));
        expect(workflows).toEqual(fixture.expect.workflows);
      }
      for (const [name, value] of Object.entries(fixture.expect.stats ?? {})) {
        expect(stats[name as keyof typeof stats], name).toBe(value);
      }
    });
  }

  it('gives the same graph whatever the order and split of the spans', () => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, 'error-propagation-between-services.json'), 'utf8')) as Fixture;
    const whole = runScenario(fixture.requests).delta;
    // Split into one request per resource block, sent in reverse.
    const blocks = (fixture.requests[0] as { resourceSpans: unknown[] }).resourceSpans;
    const split = runScenario([...blocks].reverse().map((b) => ({ resourceSpans: [b] }))).delta;
    const summary = (ds: DependencyDelta[]) => ds.map((d) => [key(d), d.calls, d.errors, d.calleeErrors, d.propagatedErrors, d.latency.join()]);
    expect(summary(split.dependencies)).toEqual(summary(whole.dependencies));
  });
});
