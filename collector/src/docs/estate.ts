// The estate as the docs describe it, indexed once: which system each component belongs to
// (catalog spec.system, else service.namespace, else — for a database, queue or external API —
// the system that uses it most), each component's edges, each system's members, and
// which page (if any) tells about a component, system or workflow. Pure.
import { matchObserved } from '../catalog/match-observed.ts';
import type { CatalogComponent } from '../catalog/parse-catalog.ts';
import { databaseDisplayName } from '../inference/component-identity.ts';
import type { WorkflowStats } from '../model/graph-snapshot.ts';
import { workflowKey, type WorkflowShape } from '../model/workflow-shape.ts';
import type { CatalogEntityText } from './catalog-text.ts';
import type { DocComponent, DocDependency, DocFinding, DocInput } from './doc-input.ts';
import { slug } from './slugs.ts';

/** The system of components that have none. */
export const NO_SYSTEM = '';
export const NO_SYSTEM_LABEL = 'Components with no system';

export interface SystemInfo {
  name: string;
  label: string;
  members: DocComponent[];
  description: string | undefined;
  owner: string | undefined;
  source: string | undefined;
}

export interface Estate {
  input: DocInput;
  components: Map<string, DocComponent>;
  systemOf: (name: string) => string;
  systems: Map<string, SystemInfo>;
  outgoing: (name: string) => DocDependency[];
  incoming: (name: string) => DocDependency[];
  workflows: WorkflowStats[];
  shapeOf: (w: WorkflowStats) => WorkflowShape | undefined;
  /** The catalog entity an observed component is (undefined: none, or no catalog). */
  entityOf: (name: string) => CatalogComponent | undefined;
  /** An entity's description, by its observed name. */
  descriptionOf: (name: string) => string | undefined;
  findingsAbout: (names: ReadonlySet<string>) => DocFinding[];
  /** Findings not resolved, worst first. */
  liveFindings: DocFinding[];
  displayName: (name: string) => string;
  /** Relative page paths (from the docs root) of what has a page. */
  pageOfSystem: (system: string) => string | undefined;
  pageOfService: (name: string) => string | undefined;
  pageOfWorkflow: (w: Pick<WorkflowStats, 'entry' | 'operation'>) => string | undefined;
}

const SEVERITY_RANK: Record<string, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFO: 4 };

export function buildEstate(input: DocInput, only: string | undefined): Estate {
  const components = new Map(input.components.map((c) => [c.name, c]));
  const out = new Map<string, DocDependency[]>();
  const inn = new Map<string, DocDependency[]>();
  for (const d of input.dependencies) {
    (out.get(d.from) ?? out.set(d.from, []).get(d.from)!).push(d);
    (inn.get(d.to) ?? inn.set(d.to, []).get(d.to)!).push(d);
  }
  const outgoing = (name: string) => out.get(name) ?? [];
  const incoming = (name: string) => inn.get(name) ?? [];

  const match = input.catalog ? matchObserved(input.catalog, input.components) : undefined;
  const entityOf = (name: string) => match?.entityOf.get(name);
  const textByRef = new Map<string, CatalogEntityText>();
  for (const t of input.catalogText) textByRef.set(`${t.kind}:${t.namespace.toLowerCase()}/${t.name}`, t);
  const descriptionOf = (name: string) => {
    const entity = entityOf(name);
    return entity ? textByRef.get(entity.entityRef)?.description : undefined;
  };

  // Own system first; then a component with none takes the single system of its neighbours.
  const own = new Map<string, string>();
  for (const c of input.components) {
    const system = c.system ?? c.namespace;
    if (system) own.set(c.name, system);
  }
  const systemOfName = new Map<string, string>();
  for (const c of input.components) {
    let system = own.get(c.name);
    if (system === undefined && (c.kind !== 'SERVICE' || c.virtual)) {
      // Shared infrastructure goes with the system that uses it most.
      const calls = new Map<string, number>();
      for (const d of [...outgoing(c.name), ...incoming(c.name)]) {
        const other = own.get(d.from === c.name ? d.to : d.from);
        if (other !== undefined) calls.set(other, (calls.get(other) ?? 0) + d.calls);
      }
      let most = -1;
      for (const [name, n] of [...calls].sort((a, b) => a[0].localeCompare(b[0]))) if (n > most) [system, most] = [name, n];
    }
    systemOfName.set(c.name, system ?? NO_SYSTEM);
  }
  const systemOf = (name: string) => systemOfName.get(name) ?? NO_SYSTEM;

  const systemTexts = new Map(input.catalogText.filter((t) => t.kind === 'system').map((t) => [t.name, t]));
  const systems = new Map<string, SystemInfo>();
  for (const c of input.components) {
    const name = systemOf(c.name);
    let info = systems.get(name);
    if (!info) {
      const t = systemTexts.get(name);
      info = { name, label: name === NO_SYSTEM ? NO_SYSTEM_LABEL : name, members: [], description: t?.description, owner: t?.owner, source: t?.source };
      systems.set(name, info);
    }
    info.members.push(c);
  }
  for (const info of systems.values()) info.members.sort((a, b) => kindOrder(a) - kindOrder(b) || a.name.localeCompare(b.name));

  const shapes = new Map(input.shapes.map((s) => [s.key, s]));
  const shapeOf = (w: WorkflowStats) => shapes.get(workflowKey(w.entry, w.operation));

  const findingsByComponent = new Map<string, DocFinding[]>();
  const live = input.findings.filter((f) => f.status !== 'RESOLVED')
    .sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || a.title.localeCompare(b.title));
  for (const f of live) {
    for (const name of new Set([...f.components, ...(f.path ?? [])])) (findingsByComponent.get(name) ?? findingsByComponent.set(name, []).get(name)!).push(f);
  }
  const rank = new Map(live.map((f, i) => [f, i]));
  const findingsAbout = (names: ReadonlySet<string>) => {
    if (names.size === 0) return [];
    const seen = new Set<DocFinding>();
    for (const name of names) for (const f of findingsByComponent.get(name) ?? []) seen.add(f);
    return [...seen].sort((a, b) => rank.get(a)! - rank.get(b)!);
  };

  const inScope = (system: string) => only === undefined || system === only;
  const workflows = [...input.workflows].sort((a, b) => b.runs - a.runs || a.entry.localeCompare(b.entry) || a.operation.localeCompare(b.operation));
  // `orders @ pg-main` for a database with a host; an embedded one (`sqlite:///inventory`) keeps its name.
  const displayName = (name: string) => {
    if (components.get(name)?.kind !== 'DATABASE') return name;
    const short = databaseDisplayName(name);
    return /@\s*$|^\s*$/.test(short) ? name : short;
  };

  return {
    input, components, systemOf, systems, outgoing, incoming, workflows, shapeOf, entityOf, descriptionOf, findingsAbout, liveFindings: live, displayName,
    pageOfSystem: (system) => (!systems.has(system) || !inScope(system) ? undefined : only !== undefined ? 'index.md' : `systems/${systemSlug(system)}.md`),
    pageOfService: (name) => {
      const c = components.get(name);
      return c && c.kind === 'SERVICE' && inScope(systemOf(name)) ? `services/${slug(name)}.md` : undefined;
    },
    pageOfWorkflow: (w) => (components.has(w.entry) && inScope(systemOf(w.entry)) ? `workflows/${slug(workflowKey(w.entry, w.operation))}.md` : undefined),
  };
}

export const systemSlug = (system: string): string => slug(system === NO_SYSTEM ? '(no system)' : system);

const KIND_ORDER = ['SERVICE', 'DATABASE', 'QUEUE', 'AI', 'EXTERNAL', 'HUMAN'];
const kindOrder = (c: DocComponent) => KIND_ORDER.indexOf(c.kind);

/** A relative link from one page to another (both relative to the docs root, at most one folder deep). */
export function relative(fromPage: string, toPage: string): string {
  const slash = fromPage.indexOf('/');
  if (slash < 0) return toPage;
  const dir = fromPage.slice(0, slash + 1);
  return toPage.startsWith(dir) && toPage.indexOf('/', slash + 1) < 0 ? toPage.slice(slash + 1) : `../${toPage}`;
}
