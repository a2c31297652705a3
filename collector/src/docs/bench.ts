// Docs benchmark: the whole onboarding tree (index, every system, service and workflow page, and
// mkdocs.yml) for the detector bench's synthetic estate of 5,000 components and 20,000
// dependencies, with the findings its detectors raise and a representative run per workflow.
// Median of 3 runs; the findings are raised before the clock starts (they come from Neo4j in a real run).
import { createDetectors, runDetectors } from '../detectors/index.ts';
import { syntheticEstate } from '../detectors/bench.ts';
import type { WorkflowShape, WorkflowStep } from '../model/workflow-shape.ts';
import type { DocFinding, DocInput } from './doc-input.ts';
import { mkdocsTree } from './mkdocs.ts';
import { renderDocs } from './render-docs.ts';

export interface DocsBenchmark {
  components: number;
  dependencies: number;
  pages: number;
  /** Markdown written, bytes. */
  bytes: number;
  medianMs: number;
  runsMs: number[];
}

export function benchmarkDocInput(): DocInput {
  const estate = syntheticEstate();
  const findings: DocFinding[] = runDetectors(estate, createDetectors()).map((f) => ({
    id: f.id, kind: f.kind, severity: f.severity, title: f.title, detail: f.detail, components: f.components, path: f.path, status: 'OPEN', traceIds: f.evidence.traceIds,
  }));
  const out = new Map<string, typeof estate.dependencies>();
  for (const d of estate.dependencies) (out.get(d.from) ?? out.set(d.from, []).get(d.from)!).push(d);
  const kindOf = new Map(estate.components.map((c) => [c.name, c.kind]));
  // A representative run per workflow: a depth-first walk of up to 20 calls from its entry.
  const shapes: WorkflowShape[] = estate.workflows.map((w) => {
    const steps: WorkflowStep[] = [];
    const walk = (name: string, atMs: number, depth: number): number => {
      let t = atMs;
      for (const d of (out.get(name) ?? []).slice(0, 3)) {
        if (steps.length >= 20 || depth > 4) break;
        const step: WorkflowStep = { from: d.from, fromKind: kindOf.get(d.from) ?? 'SERVICE', to: d.to, toKind: kindOf.get(d.to) ?? 'SERVICE', kind: d.kind, protocol: d.protocol, operation: d.operation, atMs: t, durationMs: 0, error: false };
        steps.push(step);
        const end = d.kind === 'SYNC' ? walk(d.to, t + 1, depth + 1) : t + 1;
        step.durationMs = end - t + (d.p50Ms ?? 1);
        t += step.durationMs + 1;
      }
      return t;
    };
    walk(w.entry, 0, 0);
    return { key: `${w.entry} ${w.operation}`, entry: w.entry, operation: w.operation, traceId: w.exemplarTraceIds[0] ?? '0', startedAtMs: estate.nowMs, failed: false, manual: false, steps, truncated: false, sameShapeRuns: 5, capturedRuns: 8 };
  });
  return {
    generatedAtMs: estate.nowMs, window: { label: 'the last 24 hours', fromMs: estate.nowMs - 86_400_000, toMs: estate.nowMs, minutes: 1440 },
    components: estate.components, dependencies: estate.dependencies.map((d) => ({ ...d, callsPerMinute: d.calls / 1440 })),
    declared: estate.declared, declaredOnly: [], workflows: estate.workflows, shapes, findings,
    catalog: { components: new Map(), declared: estate.declared, problems: [] }, catalogText: [], mapUrl: 'http://127.0.0.1:4000/',
  };
}

export function benchmarkDocs(runs = 3): DocsBenchmark {
  const input = benchmarkDocInput();
  const results: Array<{ ms: number; pages: number; bytes: number }> = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const docs = renderDocs(input);
    const files = mkdocsTree(docs);
    const bytes = files.reduce((n, f) => n + f.text.length, 0);
    results.push({ ms: performance.now() - started, pages: docs.pages.length, bytes });
  }
  const sorted = [...results].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    components: input.components.length, dependencies: input.dependencies.length, pages: median.pages, bytes: median.bytes,
    medianMs: Math.round(median.ms), runsMs: results.map((r) => Math.round(r.ms)),
  };
}

/** The line `npm run bench` prints. */
export function docsBenchLine(result: DocsBenchmark = benchmarkDocs()): string {
  return `docs: the onboarding tree (${result.pages.toLocaleString('en')} pages, ${(result.bytes / 1e6).toFixed(1)} MB of Markdown) for ${result.components.toLocaleString('en')} components and ${result.dependencies.toLocaleString('en')} dependencies: median ${(result.medianMs / 1000).toFixed(1)} s (runs ${result.runsMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s; target under 10 s)`;
}

if ((import.meta as { main?: boolean }).main) {
  console.log(JSON.stringify(benchmarkDocs(), null, 2));
}
