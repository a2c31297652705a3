// A DocInput from the platform's read model (timeline/read-model.ts), as `npm run docs` and
// GraphQL's onboardingDoc both build it: numbers over the last day when the time dimension has
// buckets for it, lifetime totals otherwise; the catalog joined on exactly as the detection loop
// joins it (catalog/apply-catalog.ts); findings and representative runs as the caller read them.
// Pure.
import { applyCatalog } from '../catalog/apply-catalog.ts';
import type { Catalog } from '../catalog/parse-catalog.ts';
import type { ComponentNode } from '../model/graph-snapshot.ts';
import type { WorkflowShape } from '../model/workflow-shape.ts';
import type { ReadModel } from '../timeline/read-model.ts';
import type { ResolvedWindow } from '../timeline/time-window.ts';
import type { CatalogEntityText } from './catalog-text.ts';
import type { DocComponent, DocDependency, DocFinding, DocInput } from './doc-input.ts';
import { duration } from './markdown.ts';

export const DAY_MS = 86_400_000;

export interface DocSources {
  nowMs: number;
  catalog: Catalog | undefined;
  catalogText: CatalogEntityText[];
  findings: DocFinding[];
  shapes: WorkflowShape[];
  mapUrl: string;
  title?: string | undefined;
}

export function docInputFromReadModel(model: ReadModel, sources: DocSources): DocInput {
  const day: ResolvedWindow = { fromMs: sources.nowMs - DAY_MS, toMs: sources.nowMs, all: false };
  let window = day;
  let dependencies = model.dependencies(day);
  const lifetime = model.dependencies({ fromMs: 0, toMs: sources.nowMs, all: true });
  if (dependencies.length === 0 && lifetime.length > 0) {
    window = { fromMs: 0, toMs: sources.nowMs, all: true };
    dependencies = lifetime;
  }
  const observed: Array<ComponentNode & Pick<DocComponent, 'namespace' | 'versions' | 'entryPoint'>> = [];
  for (const c of window.all ? model.allComponents() : model.activeComponents(window)) {
    observed.push({
      name: c.name, kind: c.kind, virtual: c.virtual, documented: c.documented, owner: c.owner, system: c.system, intent: c.intent,
      firstSeenMs: c.firstSeenMs, lastSeenMs: c.lastSeenMs, namespace: c.namespace, versions: c.versions, entryPoint: c.entryPoint,
    });
  }
  // Rates over the part of the window each dependency was seen in: an estate watched for ten
  // minutes has no day of traffic to average over.
  const observedMinutes = (firstMs: number, lastMs: number) => Math.max(1, (Math.min(window.toMs, lastMs) - Math.max(window.fromMs, firstMs)) / 60_000);
  const deps: DocDependency[] = dependencies.map((d) => ({ ...d, callsPerMinute: window.all ? undefined : d.calls / observedMinutes(d.firstSeenMs, d.lastSeenMs) }));
  let firstSeenMs = Infinity;
  for (const c of observed) if (!c.virtual && c.firstSeenMs > 0) firstSeenMs = Math.min(firstSeenMs, c.firstSeenMs);
  const fromMs = Math.max(window.fromMs, Number.isFinite(firstSeenMs) ? firstSeenMs : window.fromMs);
  // With a catalog the join is made here (documented flags, owner, system, intent); without one
  // the model's own catalog view (the last detector pass's, or what Neo4j kept) stands.
  const joined = sources.catalog ? applyCatalog(observed, deps, sources.catalog) : undefined;
  const components: DocComponent[] = joined
    ? joined.components.map((c, i) => ({ ...c, namespace: observed[i]!.namespace, versions: observed[i]!.versions, entryPoint: observed[i]!.entryPoint }))
    : observed;
  return {
    generatedAtMs: sources.nowMs,
    window: window.all
      ? { label: 'all retained traffic (nothing in the last day)', fromMs: undefined, toMs: sources.nowMs, minutes: undefined }
      : fromMs > window.fromMs
        ? { label: `the ${duration(window.toMs - fromMs)} since traffic was first seen`, fromMs, toMs: window.toMs, minutes: Math.max(1, (window.toMs - fromMs) / 60_000) }
        : { label: 'the last 24 hours', fromMs: window.fromMs, toMs: window.toMs, minutes: DAY_MS / 60_000 },
    components,
    dependencies: joined ? (joined.dependencies as DocDependency[]) : deps,
    declared: joined?.declared ?? [],
    declaredOnly: joined?.declaredOnly ?? [],
    workflows: model.workflows(window),
    shapes: sources.shapes,
    findings: sources.findings,
    catalog: sources.catalog,
    catalogText: sources.catalogText,
    mapUrl: sources.mapUrl,
    title: sources.title,
  };
}
