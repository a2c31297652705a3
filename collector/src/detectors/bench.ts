// Detector benchmark: one full pass of every detector over a synthetic estate of 5,000
// components and 20,000 dependencies, grouped by root cause, ranked and capped as runDetectors
// does, median of 5 runs. Deterministic (seeded), so runs compare.
// The estate is layered like real ones: entry services call deeper services, which use
// databases, queues, external APIs, AI providers and human steps; tiers, degradability,
// promises, error propagation and catalog declarations are mixed in realistic shares.
import type { ComponentKind, DependencyKind } from '../model/interaction.ts';
import type { ComponentNode, DeclaredDependency, DependencyEdge, GraphSnapshot, Tier, WorkflowStats } from '../model/graph-snapshot.ts';
import type { Severity } from '../model/graph-snapshot.ts';
import { thresholds } from './detector.ts';
import { rankAndCap } from './flood-control.ts';
import { impactOver } from './impact.ts';
import { createDetectors, rawFindings } from './index.ts';
import { groupByRootCause } from './root-cause.ts';

const NOW_MS = 1_700_000_000_000;
const DAY_MS = 86_400_000;

/** mulberry32: a small seeded PRNG. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function syntheticEstate(componentCount = 5000, dependencyCount = 20_000, seed = 42): GraphSnapshot {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const shares: Array<[ComponentKind, number]> = [['SERVICE', 0.72], ['DATABASE', 0.12], ['QUEUE', 0.08], ['EXTERNAL', 0.04], ['AI', 0.02], ['HUMAN', 0.02]];
  const components: ComponentNode[] = [];
  const byKind = new Map<ComponentKind, ComponentNode[]>(shares.map(([k]) => [k, []]));
  const layerOf = new Map<string, number>();
  const LAYERS = 6;
  for (const [kind, share] of shares) {
    const n = Math.round(componentCount * share);
    for (let i = 0; i < n && components.length < componentCount; i++) {
      const name = `${kind.toLowerCase()}-${i}`;
      const roll = rnd();
      const tier: Tier | undefined = roll < 0.03 ? 0 : roll < 0.15 ? 1 : roll < 0.5 ? 2 : roll < 0.8 ? 3 : undefined;
      const c: ComponentNode = {
        name, kind, virtual: kind !== 'SERVICE', documented: rnd() < 0.9, owner: `team-${i % 60}`, system: `system-${i % 25}`,
        intent: {
          tier,
          degradable: tier === 3 ? rnd() < 0.4 : undefined,
          maxP95Ms: tier !== undefined && tier <= 1 && rnd() < 0.6 ? pick([200, 500, 1000, 2500]) : undefined,
          maxErrorRate: tier !== undefined && tier <= 1 && rnd() < 0.6 ? pick([0.001, 0.01, 0.02]) : undefined,
        },
        firstSeenMs: NOW_MS - Math.floor(rnd() * 60) * DAY_MS, lastSeenMs: NOW_MS - Math.floor(rnd() * 3_600_000),
      };
      components.push(c);
      byKind.get(kind)!.push(c);
      // Critical services sit near the entry; the rest spread over the layers.
      if (kind === 'SERVICE') layerOf.set(name, tier !== undefined && tier <= 1 ? Math.floor(rnd() * 2) : Math.floor(rnd() * LAYERS));
    }
  }
  const services = byKind.get('SERVICE')!;
  const servicesByLayer = Array.from({ length: LAYERS }, (_, l) => services.filter((s) => layerOf.get(s.name) === l));

  const dependencies: DependencyEdge[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string, kind: DependencyKind, extra: Partial<DependencyEdge> = {}) => {
    const key = `${from}|${to}|${kind}`;
    if (from === to || seen.has(key)) return false;
    seen.add(key);
    const calls = 20 + Math.floor(rnd() * 5000);
    // A quarter of dependencies have failed at all, most of them rarely.
    const calleeErrors = rnd() < 0.25 ? Math.ceil(rnd() ** 3 * calls * 0.05) : 0;
    const propagated = calleeErrors > 0 ? (rnd() < 0.15 ? 0 : Math.floor(calleeErrors * rnd())) : 0;
    const p50 = 1 + rnd() ** 2 * 80;
    dependencies.push({
      from, to, kind, protocol: kind === 'DATABASE' ? 'postgresql' : kind === 'SYNC' ? 'http' : 'kafka',
      calls, errors: calleeErrors, calleeErrors, propagatedErrors: propagated, p50Ms: p50, p95Ms: p50 * (1.5 + rnd() * 2), p99Ms: p50 * 8,
      errorPropagation: calleeErrors > 0 ? propagated / calleeErrors : undefined,
      callsPerTrace: rnd() < 0.01 ? 10 + rnd() * 30 : 1 + rnd() * 3, unconsumed: kind === 'PUBLISH' && rnd() < 0.05 ? Math.floor(calls * 0.2) : 0,
      documented: false, firstSeenMs: NOW_MS - 30 * DAY_MS, lastSeenMs: NOW_MS - Math.floor(rnd() * 600_000),
      exemplarTraceIds: [Math.floor(rnd() * 2 ** 52).toString(16).padStart(32, '0')], ...extra,
    });
    return true;
  };
  const tierOf = new Map(components.map((c) => [c.name, c.intent.degradable ? 3 : c.intent.tier]));
  // Critical components mostly depend on components at most one tier below them: risk paths are
  // the exception, as in a real estate, not the rule.
  const pickFor = (from: string, pool: readonly ComponentNode[]): string => {
    const callerTier = tierOf.get(from);
    let choice = pick(pool);
    if (callerTier === undefined || callerTier > 1 || rnd() < 0.1) return choice.name;
    for (let tries = 0; tries < 8; tries++) {
      const tier = tierOf.get(choice.name);
      if (tier !== undefined && tier <= callerTier + 1) break;
      choice = pick(pool);
    }
    return choice.name;
  };
  const deeperService = (from: string) => {
    const layer = layerOf.get(from) ?? 0;
    const candidates = servicesByLayer[Math.min(LAYERS - 1, layer + 1 + Math.floor(rnd() * 2))]!;
    return pickFor(from, candidates.length > 0 ? candidates : services);
  };
  const plan: Array<[number, () => void]> = [
    [0.6, () => { const s = pick(services).name; add(s, deeperService(s), 'SYNC'); }],
    [0.15, () => { const s = pick(services).name; add(s, pickFor(s, byKind.get('DATABASE')!), 'DATABASE'); }],
    [0.08, () => { const q = pick(byKind.get('QUEUE')!).name; const p = pick(services).name; add(p, q, 'PUBLISH', { firstSeenMs: NOW_MS - DAY_MS }); if (rnd() < 0.9) { const c = pick(services).name; add(q, c, 'CONSUME'); add(p, c, 'ASYNC'); } }],
    [0.07, () => { const s = pick(services).name; add(s, pickFor(s, byKind.get('EXTERNAL')!), 'SYNC'); }],
    [0.05, () => add(pick(services).name, pick(byKind.get('AI')!).name, 'SYNC', { p95Ms: 500 + rnd() * 8000 })],
    [0.05, () => { const s = pick(services).name; add(s, pickFor(s, byKind.get('HUMAN')!), 'SYNC'); }],
  ];
  while (dependencies.length < dependencyCount) {
    let roll = rnd();
    for (const [share, make] of plan) {
      if ((roll -= share) <= 0) {
        make();
        break;
      }
    }
  }
  dependencies.length = dependencyCount;

  // The catalog declares most of what runs, plus some dependencies nobody uses any more.
  const declared: DeclaredDependency[] = [];
  for (const d of dependencies) {
    if (d.kind === 'ASYNC' || rnd() < 0.15) continue;
    d.documented = true;
    declared.push(d.kind === 'CONSUME' ? { from: d.to, to: d.from, source: 'catalog-info.yaml' } : { from: d.from, to: d.to, source: 'catalog-info.yaml' });
  }
  for (let i = 0; i < dependencyCount * 0.03; i++) declared.push({ from: pick(services).name, to: pick(services).name, source: 'catalog-info.yaml' });

  const workflows: WorkflowStats[] = servicesByLayer[0]!.slice(0, 500).map((s) => {
    const runs = 10 + Math.floor(rnd() * 5000);
    return {
      entry: s.name, operation: 'POST /work', runs, failedRuns: Math.floor(runs * rnd() * 0.1), manualRuns: Math.floor(runs * rnd() * 0.1),
      unhandledErrors: rnd() < 0.2 ? [{ path: [s.name, deeperService(s.name)], count: 1 + Math.floor(rnd() * 20), exemplarTraceIds: ['f'.repeat(32)] }] : [],
      exemplarTraceIds: ['e'.repeat(32)], lastSeenMs: NOW_MS,
    };
  });

  return { nowMs: NOW_MS, components, dependencies, declared, workflows, catalogLoaded: true };
}

export interface DetectorBenchmark {
  components: number;
  dependencies: number;
  /** Median wall time of one pass of every detector, ms. */
  medianMs: number;
  runsMs: number[];
  /** Median CPU time (user + system) of one pass, ms: steadier than wall time on a busy machine. */
  medianCpuMs: number;
  /** Per detector kind, and for grouping + ranking + the cap (`grouping`), ms, from the median run. */
  perDetectorMs: Record<string, number>;
  /** Findings raised by the pass (grouped, capped, with the summaries). */
  findings: number;
  /** Findings the detectors produced before grouping and the cap. */
  rawFindings: number;
  /** After grouping, before the cap. */
  groupedFindings: number;
  /** Of the raised findings, and of the raw ones, per severity. */
  bySeverity: Partial<Record<Severity, number>>;
  rawBySeverity: Partial<Record<Severity, number>>;
}

const tally = (findings: ReadonlyArray<{ severity: Severity }>): Partial<Record<Severity, number>> => {
  const out: Partial<Record<Severity, number>> = {};
  for (const f of findings) out[f.severity] = (out[f.severity] ?? 0) + 1;
  return out;
};

export function benchmarkDetectors(runs = 5): DetectorBenchmark {
  const estate = syntheticEstate();
  const detectors = createDetectors();
  const cap = thresholds().maxFindingsPerPass;
  type Run = { totalMs: number; cpuMs: number; perDetectorMs: Record<string, number>; raw: RaisedFindings; grouped: number; raised: RaisedFindings };
  type RaisedFindings = ReturnType<typeof rawFindings>;
  const results: Run[] = [];
  for (let run = 0; run < runs; run++) {
    // A fresh snapshot object per run: the graph index is memoised per snapshot, and building
    // it is part of a real pass. The stages are those of runDetectors, timed one by one.
    const snapshot: GraphSnapshot = { ...estate };
    const perDetectorMs: Record<string, number> = {};
    const raw: RaisedFindings = [];
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const detector of detectors) {
      const t0 = performance.now();
      raw.push(...rawFindings(snapshot, [detector]));
      perDetectorMs[detector.kind] = Math.round((performance.now() - t0) * 10) / 10;
    }
    const t0 = performance.now();
    const impact = impactOver(snapshot);
    const { heads } = groupByRootCause(raw);
    const raised = rankAndCap(heads, impact, cap);
    perDetectorMs['grouping'] = Math.round((performance.now() - t0) * 10) / 10;
    const cpu = process.cpuUsage(cpuStarted);
    results.push({ totalMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, perDetectorMs, raw, grouped: heads.length, raised });
  }
  const sorted = [...results].sort((a, b) => a.totalMs - b.totalMs);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    components: estate.components.length,
    dependencies: estate.dependencies.length,
    medianMs: Math.round(median.totalMs * 10) / 10,
    runsMs: results.map((r) => Math.round(r.totalMs * 10) / 10),
    medianCpuMs: Math.round(results.map((r) => r.cpuMs).sort((a, b) => a - b)[Math.floor(results.length / 2)]! * 10) / 10,
    perDetectorMs: median.perDetectorMs,
    findings: median.raised.length,
    rawFindings: median.raw.length,
    groupedFindings: median.grouped,
    bySeverity: tally(median.raised),
    rawBySeverity: tally(median.raw),
  };
}

if ((import.meta as { main?: boolean }).main) {
  console.log(JSON.stringify(benchmarkDetectors(), null, 2));
}
