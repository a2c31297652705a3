// What the onboarding docs are rendered from: plain data, no driver types. The observed graph over
// a window (with the catalog's view joined on, as the detectors see it), the catalog itself (to
// name entities and files in the changes it would take), the findings, and the representative run
// kept per workflow. from-read-model.ts builds it from the platform's read model; tests write it.
import type { Catalog } from '../catalog/parse-catalog.ts';
import type { ComponentNode, DeclaredComponent, DeclaredDependency, DependencyEdge, FindingKind, Severity, WorkflowStats } from '../model/graph-snapshot.ts';
import type { WorkflowShape } from '../model/workflow-shape.ts';
import type { CatalogEntityText } from './catalog-text.ts';

export interface DocComponent extends ComponentNode {
  /** service.namespace: a component's system when the catalog names none. */
  namespace?: string | undefined;
  versions?: string[] | undefined;
  /** A root span of it named no caller: workflows start here. */
  entryPoint?: boolean | undefined;
}

export interface DocDependency extends DependencyEdge {
  /** Over the window, when it has one. */
  callsPerMinute?: number | undefined;
}

export interface DocFinding {
  id: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  detail: string;
  components: string[];
  path: string[] | undefined;
  /** OPEN, ACKNOWLEDGED or RESOLVED (resolved ones are not shown). */
  status: string;
  acknowledgement?: string | undefined;
  traceIds: string[];
}

export interface DocInput {
  generatedAtMs: number;
  /** What the numbers cover: `the last 24 hours`, or every retained observation. */
  window: { label: string; fromMs: number | undefined; toMs: number; minutes: number | undefined };
  components: DocComponent[];
  dependencies: DocDependency[];
  declared: DeclaredDependency[];
  declaredOnly: DeclaredComponent[];
  workflows: WorkflowStats[];
  shapes: WorkflowShape[];
  findings: DocFinding[];
  /** Undefined: no catalog was given (ORRERY_CATALOG unset). */
  catalog: Catalog | undefined;
  catalogText: CatalogEntityText[];
  /** The map's URL; links append `?focus=<name>` (repeated for several components). */
  mapUrl: string;
  /** The site's title. */
  title?: string | undefined;
}

export type DocSection = 'index' | 'system' | 'service' | 'workflow';

export interface DocPage {
  /** Relative to the docs folder: `index.md`, `systems/<slug>.md`, `services/<slug>.md`, `workflows/<slug>.md`. */
  path: string;
  title: string;
  section: DocSection;
  /** The system, service or workflow key the page is about (empty for the index). */
  subject: string;
  markdown: string;
}

export interface DocSet {
  title: string;
  pages: DocPage[];
}
