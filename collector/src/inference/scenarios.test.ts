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
import { OUTCOME_NAMES, type SpanOutcome } from './span-outcomes.ts';

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
    /** Span outcomes (span-outcomes.ts) that must have these counts; unnamed ones are not checked. */
    outcomes?: Partial<Record<SpanOutcome, number>>;
    workflows?: Array<{ entry: string; operation: string; runs: number; failedRuns: number; manualRuns: number; unhandled: string[][] }>;
  };
}

export function runScenario(requests: unknown[], pairingTimeoutMs = 10_000, stepMs = 1000) {
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
    clock.advance(stepMs);
  }
  clock.advance(pairingTimeoutMs + 1);
  inference.expire();
  return { delta: aggregator.drain(), stats: inference.stats() };
}

const key = (d: { from: string; to: string; kind: string; protocol: string }) => `${d.from} -${d.kind}/${d.protocol}-> ${d.to}`;

function countSpans(request: unknown): number {
  const r = request as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
  return (r.resourceSpans ?? []).reduce((n, rs) => n + (rs.scopeSpans ?? []).reduce((m, ss) => m + (ss.spans?.length ?? 0), 0), 0);
}

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
      for (const [name, value] of Object.entries(fixture.expect.outcomes ?? {})) {
        expect(OUTCOME_NAMES, `${name} is an outcome`).toContain(name);
        expect(stats.outcomes[name as SpanOutcome], name).toBe(value);
      }
      // Every span accounted for: once the pairing timeout has passed nothing waits, and each
      // accepted span is counted under exactly one outcome.
      expect(stats.pendingSpans, 'spans still pending').toBe(0);
      const accepted = fixture.requests.reduce<number>((n, r) => n + countSpans(r), 0);
      expect(Object.values(stats.outcomes).reduce((a, b) => a + b, 0), 'outcomes sum to the spans accepted').toBe(accepted);
    });
  }

  // Exporters send spans in any order and split (children end first, batches cut anywhere,
  // services report separately): every fixture must give the same graph, and every span the
  // same fate, for any shuffle of its spans into any number of requests.
  for (const file of files) {
    it(`${file}: same graph for any order and split of its spans`, () => {
      const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture;
      const reference = runScenario(fixture.requests, 10_000, 10);
      for (let seed = 1; seed <= 8; seed++) {
        const shuffled = runScenario(reshuffle(fixture.requests, seed), 10_000, 10);
        expect(summary(shuffled.delta.dependencies), `seed ${seed}`).toEqual(summary(reference.delta.dependencies));
        expect(shuffled.stats.outcomes, `seed ${seed}`).toEqual(reference.stats.outcomes);
      }
    });
  }
});

const summary = (ds: DependencyDelta[]) =>
  ds.map((d) => [key(d), d.calls, d.errors, d.calleeErrors, d.propagatedErrors, d.unconsumed]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

/** Every span of the requests, each under its own resource, shuffled and cut into 1..n requests (seeded, repeatable). */
function reshuffle(requests: unknown[], seed: number): unknown[] {
  let state = seed * 2654435761;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  type Block = { resource: unknown; scopeSpans: Array<{ scope?: unknown; spans: unknown[] }> };
  const spans: Array<{ resource: unknown; scope: unknown; span: unknown }> = [];
  for (const r of requests as Array<{ resourceSpans: Block[] }>) {
    for (const block of r.resourceSpans) for (const ss of block.scopeSpans) for (const span of ss.spans) spans.push({ resource: block.resource, scope: ss.scope, span });
  }
  for (let i = spans.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [spans[i], spans[j]] = [spans[j]!, spans[i]!];
  }
  const out: unknown[] = [];
  for (let i = 0; i < spans.length; ) {
    const size = 1 + Math.floor(random() * spans.length);
    out.push({ resourceSpans: spans.slice(i, i + size).map((s) => ({ resource: s.resource, scopeSpans: [{ scope: s.scope, spans: [s.span] }] })) });
    i += size;
  }
  return out;
}
