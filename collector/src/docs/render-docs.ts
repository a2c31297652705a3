// Onboarding docs from traffic: the estate index, a page per system, per service and per workflow,
// in Markdown with Mermaid diagrams, from a DocInput (doc-input.ts). Pure: the same input gives
// the same pages. Every section is there whether or not it has data, and says which: a newcomer
// must be able to tell "nothing of the kind happens" from "nobody wrote it down".
//
// The pages form a MkDocs / Backstage TechDocs tree (mkdocs.ts writes its mkdocs.yml); links
// between them are relative `.md` paths, and only to pages that exist, so `mkdocs build --strict`
// finds no broken link; links to the map are absolute (`mapUrl?focus=<name>`).
import type { WorkflowStats } from '../model/graph-snapshot.ts';
import { workflowKey, type WorkflowShape } from '../model/workflow-shape.ts';
import { CATALOG_KINDS, catalogChange, summaryOf, type CatalogChange } from './catalog-changes.ts';
import type { DocComponent, DocDependency, DocFinding, DocInput, DocPage, DocSet } from './doc-input.ts';
import { buildEstate, NO_SYSTEM, relative, type Estate, type SystemInfo } from './estate.ts';
import { count, instant, link, md, millis, percent, plural, rate, table } from './markdown.ts';
import { fence, flowchart, sequenceDiagram, type FlowEdge, type FlowNode } from './mermaid.ts';

export interface RenderOptions {
  /** Only this system: its page becomes the index, and only its services and workflows get pages. */
  system?: string | undefined;
  /** Largest number of components drawn in one flowchart; the busiest are kept. */
  maxDiagramNodes?: number;
}

export class UnknownSystemError extends Error {}

/** Findings written out in full on a page, then listed by title, then only counted. */
const FULL_RISKS = 10;
const LISTED_RISKS = 40;
/** Catalog gaps written out with their change on the index, and on any other page. */
const FULL_CHANGES_INDEX = 10;
const FULL_CHANGES = 40;

/** A finding's explanation, cut at a sentence near 1,200 characters (evidence lists can run long). */
function clip(text: string, max = 1200): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('. ', max);
  return `${text.slice(0, cut > max / 2 ? cut + 1 : max)} …`;
}

function countsByKind(findings: readonly DocFinding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${count(n)} ${k}`).join(', ');
}

const TIER_MEANING = ['must never go down', 'critical', 'important', 'may degrade'];
const KIND_LABEL: Record<string, string> = { SERVICE: 'service', DATABASE: 'database', QUEUE: 'queue or topic', EXTERNAL: 'external API', AI: 'AI provider', HUMAN: 'human step' };
const EDGE_LABEL: Record<string, string> = { SYNC: 'sync call', ASYNC: 'handoff', PUBLISH: 'publish', CONSUME: 'consume', DATABASE: 'database call' };

export interface DocPageInfo extends Omit<DocPage, 'markdown'> {}

/** The documentation as a site: every page's path and title at once, each page's Markdown on demand. */
export interface DocSite {
  title: string;
  pages: DocPageInfo[];
  /** Undefined for a path that is not a page of the site. */
  render(path: string): DocPage | undefined;
  /** The page that tells about a component: its service page, else its system's. */
  pageOf(component: string): string | undefined;
}

export function createDocSite(input: DocInput, options: RenderOptions = {}): DocSite {
  const only = options.system;
  const estate = buildEstate(input, only);
  if (only !== undefined && !estate.systems.has(only)) {
    const known = [...estate.systems.keys()].filter((s) => s !== NO_SYSTEM).sort();
    throw new UnknownSystemError(`no system named ${JSON.stringify(only)} in the graph${known.length > 0 ? `; systems: ${known.join(', ')}` : ''}`);
  }
  const r = new Renderer(estate, options.maxDiagramNodes ?? 60);
  const title = input.title ?? (only !== undefined ? `${estate.systems.get(only)!.label}: how it works` : 'How the estate works');
  const makers = new Map<string, { info: DocPageInfo; make: () => DocPage }>();
  const add = (info: DocPageInfo, make: () => DocPage) => makers.set(info.path, { info, make });
  if (only === undefined) add({ path: 'index.md', title, section: 'index', subject: '' }, () => r.indexPage(title));
  for (const system of [...estate.systems.values()].sort(bySystem)) {
    if (only !== undefined && system.name !== only) continue;
    const systemTitle = only !== undefined ? title : system.name === NO_SYSTEM ? system.label : `System: ${system.label}`;
    add({ path: estate.pageOfSystem(system.name)!, title: systemTitle, section: 'system', subject: system.name }, () => r.systemPage(system, only !== undefined ? title : undefined));
  }
  for (const c of [...estate.components.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const path = estate.pageOfService(c.name);
    if (path) add({ path, title: c.name, section: 'service', subject: c.name }, () => r.servicePage(c));
  }
  for (const w of estate.workflows) {
    const path = estate.pageOfWorkflow(w);
    if (path) add({ path, title: `Workflow: ${w.entry} ${w.operation}`, section: 'workflow', subject: workflowKey(w.entry, w.operation) }, () => r.workflowPage(w));
  }
  return {
    title,
    pages: [...makers.values()].map((m) => m.info),
    render: (path) => makers.get(path)?.make(),
    pageOf: (component) => estate.pageOfService(component) ?? (estate.components.has(component) ? estate.pageOfSystem(estate.systemOf(component)) : undefined),
  };
}

/** Every page of the site, rendered. */
export function renderDocs(input: DocInput, options: RenderOptions = {}): DocSet {
  const site = createDocSite(input, options);
  return { title: site.title, pages: site.pages.map((p) => site.render(p.path)!) };
}

const bySystem = (a: SystemInfo, b: SystemInfo) => (a.name === NO_SYSTEM ? 1 : b.name === NO_SYSTEM ? -1 : a.name.localeCompare(b.name));

class Renderer {
  private readonly changes: CatalogChange[];
  private readonly workflowsUsing = new Map<string, WorkflowStats[]>();
  private readonly changesByComponent = new Map<string, CatalogChange[]>();
  /** ASYNC edges by the queue they went through (their operation names it): the handoff lag. */
  private readonly asyncByQueue = new Map<string, DocDependency[]>();
  private readonly edgeByKey = new Map<string, DocDependency>();
  private readonly orphaned: Set<string>;
  private readonly changeOrder: Map<CatalogChange, number>;

  private readonly estate: Estate;
  private readonly maxNodes: number;

  constructor(estate: Estate, maxNodes: number) {
    this.estate = estate;
    this.maxNodes = maxNodes;
    this.changes = estate.liveFindings
      .filter((f) => CATALOG_KINDS.has(f.kind))
      .map((f) => catalogChange(estate, f))
      .filter((c): c is CatalogChange => c !== undefined);
    this.changeOrder = new Map(this.changes.map((c, i) => [c, i]));
    this.changes.forEach((c) => {
      for (const n of new Set(c.finding.components)) (this.changesByComponent.get(n) ?? this.changesByComponent.set(n, []).get(n)!).push(c);
    });
    for (const d of estate.input.dependencies) {
      this.edgeByKey.set(`${d.from}\u0000${d.to}\u0000${d.kind}`, d);
      if (d.kind === 'ASYNC' && d.operation) (this.asyncByQueue.get(d.operation) ?? this.asyncByQueue.set(d.operation, []).get(d.operation)!).push(d);
    }
    this.orphaned = new Set(estate.liveFindings.filter((f) => f.kind === 'ORPHANED_HANDOFF').flatMap((f) => f.components));
    for (const w of estate.workflows) {
      const shape = estate.shapeOf(w);
      const names = new Set([w.entry, ...(shape?.steps.flatMap((s) => [s.from, s.to]) ?? [])]);
      for (const n of names) (this.workflowsUsing.get(n) ?? this.workflowsUsing.set(n, []).get(n)!).push(w);
    }
  }

  // ---------------------------------------------------------------------------- pages

  indexPage(title: string): DocPage {
    const e = this.estate;
    const page = 'index.md';
    const all = new Set(e.components.keys());
    const out = [`# ${md(title)}`, '', this.generated(page, [...all], this.trafficOf(e.input.dependencies, e.workflows)), ''];
    out.push('This documentation is written from what the systems were observed doing (OpenTelemetry traces), not from what anyone wrote about them; where the catalog disagrees, [it says so](#what-the-catalog-does-not-say).', '');

    out.push('## Systems', '');
    const systems = [...e.systems.values()].sort(bySystem);
    out.push(table(['System', 'Owner', 'Tiers', 'Components', 'What it does'], systems.map((s) => [
      this.systemLink(page, s.name), md(this.ownersOf(s)), this.tiersOf(s), count(s.members.length), md(this.systemSummary(s)),
    ])), '');

    out.push('## How the systems connect', '');
    out.push(this.systemsDiagram(), '');

    out.push('## Workflows', '');
    out.push(this.workflowTable(page, e.workflows), '');
    out.push(...this.handoffs(page, all), '');
    out.push(...this.catalogSection(all, 'estate'), '');
    out.push(...this.risks(all), '');
    return { path: page, title, section: 'index', subject: '', markdown: out.join('\n') };
  }

  systemPage(system: SystemInfo, asIndexTitle: string | undefined): DocPage {
    const e = this.estate;
    const page = e.pageOfSystem(system.name)!;
    const members = new Set(system.members.map((c) => c.name));
    const edges = e.input.dependencies.filter((d) => members.has(d.from) || members.has(d.to));
    const workflows = e.workflows.filter((w) => members.has(w.entry));
    const title = asIndexTitle ?? (system.name === NO_SYSTEM ? system.label : `System: ${system.label}`);
    const out = [`# ${md(title)}`, '', this.generated(page, [...members], this.trafficOf(edges, workflows)), ''];
    if (system.name === NO_SYSTEM) out.push('These components have no `spec.system` in the catalog and no `service.namespace` in their traces, and nothing places them in one system.', '');
    out.push(md(this.systemSummary(system)), '');
    const owners = this.ownersOf(system);
    out.push(`**Owner:** ${md(owners)} · **Components:** ${count(system.members.length)} · **Tiers:** ${this.tiersOf(system)}${system.source ? ` · **Declared in:** \`${system.source.replace(/`/g, "'")}\`` : ''}`, '');
    if (asIndexTitle === undefined) out.push(`[Back to the estate](${relative(page, 'index.md')})`, '');

    out.push('## Components', '');
    out.push(table(['Component', 'Kind', 'Owner', 'Tier', 'Intent', 'In the catalog'], system.members.map((c) => [
      this.componentLink(page, c.name), KIND_LABEL[c.kind] ?? c.kind, md(c.owner ?? '–'), this.tier(c), md(this.intent(c)), this.catalogStatus(c),
    ])), '');

    out.push('## How it fits together', '');
    out.push(this.systemDiagram(system, edges), '');

    out.push('## Entry points', '');
    const entries = system.members.filter((c) => c.entryPoint || workflows.some((w) => w.entry === c.name));
    if (entries.length === 0) out.push('No traced request starts in this system: everything here is called by other systems.');
    else for (const c of entries) {
      const ops = workflows.filter((w) => w.entry === c.name);
      out.push(`- ${this.componentLink(page, c.name)}${ops.length > 0 ? `: ${ops.map((w) => this.workflowLink(page, w, w.operation)).join(', ')}` : ''}`);
    }
    out.push('');

    out.push('## Workflows', '');
    out.push(this.workflowTable(page, workflows), '');

    out.push('## Dependencies', '');
    out.push(this.dependencyTable(page, edges), '');
    out.push(...this.handoffs(page, members), '');
    out.push(...this.catalogSection(members, 'system'), '');
    out.push(...this.risks(members), '');
    return { path: page, title, section: 'system', subject: system.name, markdown: out.join('\n') };
  }

  servicePage(c: DocComponent): DocPage {
    const e = this.estate;
    const page = e.pageOfService(c.name)!;
    const outgoing = e.outgoing(c.name);
    const incoming = e.incoming(c.name);
    const starts = e.workflows.filter((w) => w.entry === c.name);
    const takesPart = (this.workflowsUsing.get(c.name) ?? []).filter((w) => w.entry !== c.name);
    const out = [`# ${md(c.name)}`, '', this.generated(page, [c.name], this.trafficOf([...outgoing, ...incoming], starts)), ''];
    out.push(md(summaryOf(e, c.name)), '');
    const system = e.systemOf(c.name);
    const entity = e.entityOf(c.name);
    out.push(table(['', ''], [
      ['System', this.systemLink(page, system)],
      ['Owner', md(c.owner ?? 'not declared')],
      ['Tier', this.tier(c)],
      ['Intent', md(this.intent(c))],
      ['Versions seen', md(c.versions && c.versions.length > 0 ? c.versions.join(', ') : '–')],
      ['service.namespace', md(c.namespace ?? '–')],
      ['Sends spans', c.virtual ? 'no: known from its callers’ attributes' : 'yes'],
      ['First seen', c.firstSeenMs > 0 ? instant(c.firstSeenMs) : '–'],
      ['Last seen', c.lastSeenMs > 0 ? instant(c.lastSeenMs) : '–'],
      ['Catalog entry', entity ? md(`${entity.entityRef} in ${entity.source}`) : e.input.catalog ? 'none' : 'no catalog given'],
    ]), '');

    out.push('## What it calls', '');
    out.push(outgoing.length > 0 ? this.dependencyTable(page, outgoing) : `${md(c.name)} was not seen calling anything over ${md(e.input.window.label)}.`, '');
    out.push('## Who calls it', '');
    out.push(incoming.length > 0 ? this.dependencyTable(page, incoming) : c.entryPoint || starts.length > 0
      ? 'No traced caller: requests start here (an entry point).'
      : `No traced caller over ${md(e.input.window.label)}.`, '');

    out.push('## Workflows', '');
    if (starts.length === 0 && takesPart.length === 0) out.push('It starts no workflow and no representative run of one passes through it.');
    if (starts.length > 0) out.push(`Starts: ${starts.map((w) => this.workflowLink(page, w, w.operation)).join(', ')}.`, '');
    if (takesPart.length > 0) out.push(`Takes part in: ${takesPart.map((w) => this.workflowLink(page, w, `${w.entry} ${w.operation}`)).join(', ')}.`);
    out.push('');
    const names = new Set([c.name]);
    out.push(...this.catalogSection(names, 'service'), '');
    out.push(...this.risks(names), '');
    return { path: page, title: c.name, section: 'service', subject: c.name, markdown: out.join('\n') };
  }

  workflowPage(w: WorkflowStats): DocPage {
    const e = this.estate;
    const page = e.pageOfWorkflow(w)!;
    const shape = e.shapeOf(w);
    const names = new Set([w.entry, ...(shape?.steps.flatMap((s) => [s.from, s.to]) ?? [])]);
    const title = `Workflow: ${w.entry} ${w.operation}`;
    const out = [`# ${md(title)}`, '', this.generated(page, [...names], `${plural(w.runs, 'run')} of this workflow`), ''];
    const minutes = e.input.window.minutes;
    out.push(`Started by ${this.componentLink(page, w.entry)} (${this.systemLink(page, e.systemOf(w.entry))}) on \`${w.operation.replace(/`/g, "'")}\`.`, '');
    out.push(table(['', ''], [
      ['Runs', `${count(w.runs)}${minutes ? ` (${rate(w.runs / minutes)})` : ''} over ${md(e.input.window.label)}`],
      ['Ended in error', `${count(w.failedRuns)} (${percent(w.runs > 0 ? w.failedRuns / w.runs : 0)})`],
      ['Fell to manual handling', `${count(w.manualRuns)} (${percent(w.runs > 0 ? w.manualRuns / w.runs : 0)})`],
      ['Last run', w.lastSeenMs > 0 ? instant(w.lastSeenMs) : '–'],
    ]), '');

    out.push('## A representative run', '');
    if (!shape) {
      out.push('No representative run has been recorded for this workflow yet: the collector keeps one per workflow from the traces it receives, so it appears once a run of it is traced in full.', '');
    } else {
      out.push(`Trace \`${shape.traceId.replace(/`/g, "'")}\`, started ${instant(shape.startedAtMs)}${shape.failed ? ', which ended in error' : ''}${shape.manual ? ', which fell to manual handling' : ''}. ` +
        `${shape.capturedRuns > 0 ? `${plural(shape.sameShapeRuns, 'captured run')} of ${count(shape.capturedRuns)} made the same calls.` : ''}${shape.truncated ? ` Only its first ${shape.steps.length} steps are kept.` : ''}`, '');
      out.push(fence(sequenceDiagram(shape, e.displayName)), '');
      if (shape.steps.length > 0) out.push(this.stepTable(page, shape), '');
    }

    out.push('## Errors and manual handling', '');
    out.push(...this.workflowErrors(page, w, shape), '');
    // Risks of the entry, and those whose whole path lies on this workflow's way.
    out.push(...this.risks(names, (f) => f.components.includes(w.entry) || (f.path !== undefined && f.path.every((n) => names.has(n)))), '');
    return { path: page, title, section: 'workflow', subject: workflowKey(w.entry, w.operation), markdown: out.join('\n') };
  }

  // ---------------------------------------------------------------------------- sections

  private generated(page: string, focus: string[], volume: string): string {
    const w = this.estate.input.window;
    const span = w.fromMs !== undefined ? ` (${instant(w.fromMs)} to ${instant(w.toMs)})` : '';
    return `*Generated ${instant(this.estate.input.generatedAtMs)} from ${volume} observed over ${md(w.label)}${span}.* ${this.mapLink(focus, page === 'index.md' ? 'Open the map' : 'Open in the map')}`;
  }

  private trafficOf(edges: readonly DocDependency[], workflows: readonly WorkflowStats[]): string {
    const calls = edges.reduce((n, d) => n + d.calls, 0);
    const runs = workflows.reduce((n, w) => n + w.runs, 0);
    return `${plural(calls, 'call')} and ${plural(runs, 'workflow run')}`;
  }

  private mapLink(names: readonly string[], text: string): string {
    const focus = names.slice(0, 40).map((n) => `focus=${encodeURIComponent(n)}`).join('&');
    return link(text, `${this.estate.input.mapUrl}${focus ? `?${focus}` : ''}`);
  }

  private systemLink(page: string, system: string): string {
    const s = this.estate.systems.get(system);
    const label = s?.label ?? (system === NO_SYSTEM ? 'no system' : system);
    const target = this.estate.pageOfSystem(system);
    return target ? link(label, relative(page, target)) : md(label);
  }

  private componentLink(page: string, name: string): string {
    const target = this.estate.pageOfService(name);
    const label = this.estate.displayName(name);
    return target && target !== page ? link(label, relative(page, target)) : md(label);
  }

  private workflowLink(page: string, w: WorkflowStats, text: string): string {
    const target = this.estate.pageOfWorkflow(w);
    return target ? link(text, relative(page, target)) : md(text);
  }

  private tier(c: DocComponent): string {
    const t = c.intent.tier;
    return t === undefined ? '–' : `${t} (${TIER_MEANING[t]})`;
  }

  private intent(c: DocComponent): string {
    const parts: string[] = [];
    if (c.intent.degradable !== undefined) parts.push(c.intent.degradable ? 'degradable' : 'not degradable');
    if (c.intent.maxP95Ms !== undefined) parts.push(`p95 ≤ ${millis(c.intent.maxP95Ms)}`);
    if (c.intent.maxErrorRate !== undefined) parts.push(`errors ≤ ${percent(c.intent.maxErrorRate)}`);
    return parts.length > 0 ? parts.join(', ') : '–';
  }

  private catalogStatus(c: DocComponent): string {
    if (!this.estate.input.catalog) return 'no catalog';
    return c.documented ? 'yes' : '**no**';
  }

  private ownersOf(s: SystemInfo): string {
    const owners = [...new Set([s.owner, ...s.members.map((c) => c.owner)].filter((o): o is string => !!o))];
    return owners.length === 0 ? 'not declared' : owners.slice(0, 4).join(', ') + (owners.length > 4 ? ` and ${owners.length - 4} more` : '');
  }

  private tiersOf(s: SystemInfo): string {
    const tiers = [...new Set(s.members.map((c) => c.intent.tier).filter((t) => t !== undefined))].sort();
    return tiers.length === 0 ? '–' : tiers.join(', ');
  }

  private systemSummary(s: SystemInfo): string {
    if (s.description) return s.description;
    const services = s.members.filter((c) => c.kind === 'SERVICE');
    const entries = services.filter((c) => c.entryPoint || this.estate.workflows.some((w) => w.entry === c.name));
    const kinds = new Map<string, number>();
    for (const c of s.members) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    const made = [...kinds].map(([k, n]) => plural(n, KIND_LABEL[k] ?? k, k === 'QUEUE' ? 'queues or topics' : undefined)).join(', ');
    const starts = entries.length > 0 ? `; requests start at ${entries.slice(0, 3).map((c) => c.name).join(', ')}${entries.length > 3 ? ` and ${entries.length - 3} more` : ''}` : '';
    return `No description in the catalog. Observed: ${made}${starts}.`;
  }

  private workflowTable(page: string, workflows: readonly WorkflowStats[]): string {
    if (workflows.length === 0) return `No workflow was observed over ${md(this.estate.input.window.label)}: no trace here began at a root span (a request or message nobody traced sending).`;
    return table(['Workflow', 'Entry', 'Runs', 'Ended in error', 'Manual handling'], workflows.map((w) => [
      this.workflowLink(page, w, w.operation), this.componentLink(page, w.entry), count(w.runs),
      percent(w.runs > 0 ? w.failedRuns / w.runs : 0), percent(w.runs > 0 ? w.manualRuns / w.runs : 0),
    ]));
  }

  private dependencyTable(page: string, edges: readonly DocDependency[]): string {
    if (edges.length === 0) return `No dependency was observed over ${md(this.estate.input.window.label)}.`;
    const perMinute = this.estate.input.window.minutes !== undefined;
    const sorted = [...edges].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.kind.localeCompare(b.kind));
    return table(['From', 'To', 'How', 'Protocol', 'Operation', 'Calls', ...(perMinute ? ['Rate'] : []), 'Error rate', 'p95', 'In the catalog'], sorted.map((d) => [
      this.componentLink(page, d.from), this.componentLink(page, d.to), EDGE_LABEL[d.kind] ?? d.kind, md(d.protocol), md(d.operation ?? '–'), count(d.calls),
      ...(perMinute ? [rate(d.callsPerMinute ?? 0)] : []), percent(d.calls > 0 ? d.errors / d.calls : 0), millis(d.p95Ms),
      this.estate.input.catalog ? (d.documented ? 'declared' : '**not declared**') : '–',
    ]));
  }

  private stepTable(page: string, shape: WorkflowShape): string {
    return table(['#', 'At', 'From', 'To', 'How', 'Operation', 'Took', 'Outcome'], shape.steps.map((s, i) => [
      String(i + 1), `+${millis(s.atMs)}`, this.componentLink(page, s.from), this.componentLink(page, s.to), EDGE_LABEL[s.kind] ?? s.kind,
      md(s.operation ?? s.protocol), s.kind === 'ASYNC' ? `waited ${millis(s.durationMs)}` : millis(s.durationMs), s.error ? '**error**' : 'ok',
    ]));
  }

  private systemsDiagram(): string {
    const e = this.estate;
    if (e.systems.size <= 1) return 'The estate is one system: the system page shows how its components connect.';
    const edges = new Map<string, { from: string; to: string; sync: boolean; calls: number }>();
    for (const d of e.input.dependencies) {
      const from = e.systemOf(d.from);
      const to = e.systemOf(d.to);
      if (from === to) continue;
      const key = `${from}\u0000${to}`;
      const agg = edges.get(key) ?? edges.set(key, { from, to, sync: false, calls: 0 }).get(key)!;
      agg.calls += d.calls;
      if (d.kind === 'SYNC' || d.kind === 'DATABASE') agg.sync = true;
    }
    if (edges.size === 0) return 'No observed dependency crosses from one system to another.';
    const nodes: FlowNode[] = [...e.systems.values()].sort(bySystem).map((s) => ({ key: s.name, label: s.label, kind: 'SERVICE' }));
    const flow: FlowEdge[] = [...edges.values()].map((a) => ({ from: a.from, to: a.to, kind: a.sync ? 'SYNC' : 'ASYNC', label: plural(a.calls, 'call') }));
    return `${fence(flowchart(nodes, flow))}\n\nSolid arrows are synchronous calls (or database use) between systems, dashed ones handoffs through queues or topics; labels count calls.`;
  }

  private systemDiagram(system: SystemInfo, edges: readonly DocDependency[]): string {
    const e = this.estate;
    if (edges.length === 0) return `No dependency of this system was observed over ${md(e.input.window.label)}: there is nothing to draw.`;
    const traffic = new Map<string, number>();
    for (const d of edges) for (const n of [d.from, d.to]) traffic.set(n, (traffic.get(n) ?? 0) + d.calls);
    const members = new Set(system.members.map((c) => c.name));
    const ranked = [...traffic.keys()].sort((a, b) => (members.has(b) ? 1 : 0) - (members.has(a) ? 1 : 0) || traffic.get(b)! - traffic.get(a)! || a.localeCompare(b));
    const shown = new Set(ranked.slice(0, this.maxNodes));
    const nodes: FlowNode[] = [...shown].map((name) => {
      const c = e.components.get(name);
      const outside = !members.has(name);
      const otherSystem = e.systems.get(e.systemOf(name))?.label ?? 'no system';
      return { key: name, label: outside ? `${e.displayName(name)} · ${otherSystem}` : e.displayName(name), kind: c?.kind ?? 'SERVICE', outside, group: outside ? undefined : system.label };
    });
    const minutes = e.input.window.minutes;
    const flow: FlowEdge[] = edges.filter((d) => shown.has(d.from) && shown.has(d.to) && !(d.kind === 'ASYNC' && d.operation && shown.has(d.operation)))
      .map((d) => ({ from: d.from, to: d.to, kind: d.kind, label: `${d.protocol} ${minutes ? rate(d.callsPerMinute ?? 0) : plural(d.calls, 'call')}` }));
    const hidden = traffic.size - shown.size;
    return `${fence(flowchart(nodes, flow))}\n\nSolid arrows are synchronous calls and database use, dashed ones handoffs; boxes are services, cylinders databases, slanted boxes queues and topics, hexagons AI providers, double-edged boxes external APIs, rounded ones human steps; dashed grey boxes belong to other systems.${hidden > 0 ? ` The ${plural(hidden, 'least busy component')} are left out of the drawing (all are in the tables).` : ''}`;
  }

  private handoffs(page: string, names: ReadonlySet<string>): string[] {
    const e = this.estate;
    const out = ['## Handoffs', ''];
    const queues = [...e.components.values()].filter((c) => c.kind === 'QUEUE' && (names.has(c.name) || [...e.incoming(c.name), ...e.outgoing(c.name)].some((d) => names.has(d.from) || names.has(d.to))));
    if (queues.length === 0) {
      out.push('No message is handed off through a queue or topic here: every interaction is a direct call.');
      return out;
    }
    const orphaned = this.orphaned;
    const rows = queues.sort((a, b) => a.name.localeCompare(b.name)).map((q) => {
      const publishes = e.incoming(q.name).filter((d) => d.kind === 'PUBLISH');
      const consumes = e.outgoing(q.name).filter((d) => d.kind === 'CONSUME');
      const async = this.asyncByQueue.get(q.name) ?? [];
      const lagP95 = Math.max(...async.map((d) => d.p95Ms ?? 0), 0);
      const lagP50 = async.length > 0 ? Math.max(...async.map((d) => d.p50Ms ?? 0)) : undefined;
      const unconsumed = publishes.reduce((n, d) => n + d.unconsumed, 0);
      const status = orphaned.has(q.name) ? '**orphaned**: see the risks' : consumes.length === 0 ? '**no consumer seen**' : unconsumed > 0 ? `${count(unconsumed)} not taken` : 'picked up';
      return [
        this.componentLink(page, q.name), publishes.map((d) => this.componentLink(page, d.from)).join(', ') || '–', consumes.map((d) => this.componentLink(page, d.to)).join(', ') || '–',
        count(publishes.reduce((n, d) => n + d.calls, 0)), count(consumes.reduce((n, d) => n + d.calls, 0)),
        async.length > 0 ? `${millis(lagP50)} / ${millis(lagP95)}` : '–', status,
      ];
    });
    out.push(table(['Queue or topic', 'Producers', 'Consumers', 'Published', 'Delivered', 'Lag p50 / p95', 'Status'], rows));
    return out;
  }

  private catalogSection(names: ReadonlySet<string>, scope: 'estate' | 'system' | 'service'): string[] {
    const e = this.estate;
    const out = ['## What the catalog does not say', ''];
    if (!e.input.catalog) {
      out.push('No catalog was given, so there is nothing to compare traffic with. Point `ORRERY_CATALOG` at your Backstage `catalog-info.yaml` files and this section lists the dependencies they leave out, the services they do not know and the declarations traffic no longer shows.');
      return out;
    }
    const changes = scope === 'estate' ? this.changes : this.changesAbout(names);
    if (changes.length === 0) {
      out.push(scope === 'estate'
        ? 'Nothing: the catalog declares every dependency and service traffic shows, and every declared dependency was seen.'
        : 'Nothing here: the catalog agrees with traffic about these components.');
      return out;
    }
    const shown = changes.slice(0, scope === 'estate' ? FULL_CHANGES_INDEX : FULL_CHANGES);
    if (changes.length > shown.length) {
      out.push(`${plural(changes.length, 'gap')} between the catalog and traffic (${countsByKind(changes.map((c) => c.finding))}); the ${shown.length} that matter most are below${scope === 'estate' ? ', and each system page lists its own' : ''}.`, '');
    }
    for (const c of shown) {
      // Detectors usually name example traces in their words already; otherwise the evidence's are added.
      const traces = c.finding.traceIds.length > 0 && !/Example traces?:/i.test(c.finding.detail)
        ? ` Example traces: ${c.finding.traceIds.slice(0, 3).map((t) => `\`${t.replace(/`/g, "'")}\``).join(', ')}.` : '';
      out.push(`### ${md(c.finding.title)}`, '', `${md(clip(c.finding.detail))}${traces}`, '', `To make the catalog true, ${c.where}:`, '', c.block, '');
    }
    return out;
  }

  private changesAbout(names: ReadonlySet<string>): CatalogChange[] {
    const found = new Set<CatalogChange>();
    for (const n of names) for (const c of this.changesByComponent.get(n) ?? []) found.add(c);
    return [...found].sort((a, b) => this.changeOrder.get(a)! - this.changeOrder.get(b)!);
  }

  private risks(names: ReadonlySet<string>, keep: (f: DocFinding) => boolean = () => true): string[] {
    const out = ['## Risks a newcomer should know', ''];
    const findings = this.estate.findingsAbout(names).filter((f) => !CATALOG_KINDS.has(f.kind) && keep(f));
    if (findings.length === 0) {
      out.push('No open finding concerns this. (Findings are raised as traffic shows a risk and resolve when it stops.)');
      return out;
    }
    // The worst in full, the next ones by title, the rest counted: a page stays readable (and
    // small) when a busy component sits on hundreds of risk paths.
    for (const f of findings.slice(0, FULL_RISKS)) {
      out.push(`- **${f.severity}** · ${md(f.title)}${f.status === 'ACKNOWLEDGED' ? ` *(acknowledged${f.acknowledgement ? `: ${md(f.acknowledgement)}` : ''})*` : ''}`, '', `    ${md(clip(f.detail))}`, '');
    }
    const listed = findings.slice(FULL_RISKS, FULL_RISKS + LISTED_RISKS);
    if (listed.length > 0) out.push('Also open:', '', ...listed.map((f) => `- **${f.severity}** · ${md(f.title)}`), '');
    const rest = findings.slice(FULL_RISKS + LISTED_RISKS);
    if (rest.length > 0) out.push(`And ${plural(rest.length, 'more finding')} (${countsByKind(rest)}): the map's findings panel lists them all.`, '');
    return out;
  }

  private workflowErrors(page: string, w: WorkflowStats, shape: WorkflowShape | undefined): string[] {
    const out: string[] = [];
    if (w.failedRuns === 0 && w.manualRuns === 0) out.push(`Every one of the ${plural(w.runs, 'run')} ended well, without manual handling.`);
    const unhandled = [...w.unhandledErrors].sort((a, b) => b.count - a.count);
    const unhandledRuns = unhandled.reduce((n, u) => n + u.count, 0);
    if (unhandled.length > 0) {
      out.push(`**Unhandled errors:** in ${plural(unhandledRuns, 'run')} an error born in a dependency travelled up to the entry with nobody handling it on the way:`, '');
      for (const u of unhandled) {
        const traces = u.exemplarTraceIds.length > 0 ? ` (for example trace \`${u.exemplarTraceIds[0]!.replace(/`/g, "'")}\`)` : '';
        out.push(`- born in ${this.componentLink(page, u.path.at(-1)!)}, through ${u.path.map((n) => md(this.estate.displayName(n))).join(' → ')}: ${plural(u.count, 'run')}${traces}`);
      }
      out.push('');
    }
    if (w.failedRuns > unhandledRuns) {
      const n = w.failedRuns - unhandledRuns;
      out.push(`${plural(n, 'run')} ended in error with no dependency's error reaching ${md(w.entry)} unhandled: ${n === 1 ? 'the failure was' : 'those failures were'} ${md(w.entry)}'s own, or an error was handled on the way and another raised.`, '');
    }
    if (w.manualRuns > 0) out.push(`${plural(w.manualRuns, 'run')} (${percent(w.manualRuns / Math.max(1, w.runs))}) went to a person: a human step took over.`, '');
    // Errors met on the way that the run survived: handled.
    const handled = shape && !shape.failed ? shape.steps.filter((s) => s.error) : [];
    if (handled.length > 0) out.push(`The representative run met ${plural(handled.length, 'failing step')} (${handled.map((s) => `${md(this.estate.displayName(s.from))} → ${md(this.estate.displayName(s.to))}`).join(', ')}) and still ended well: those errors were handled.`, '');
    const touched = new Set(shape?.steps.map((s) => `${s.from}\u0000${s.to}\u0000${s.kind}`));
    const failing = [...touched].map((k) => this.edgeByKey.get(k)).filter((d): d is DocDependency => d !== undefined && d.errors > 0);
    if (failing.length > 0) {
      out.push('Where errors happen on its path, and how often the caller failed with its callee (propagation):', '');
      out.push(table(['Call', 'Errors', 'Error rate', 'Propagation'], failing.map((d) => [
        `${this.componentLink(page, d.from)} → ${this.componentLink(page, d.to)}`, count(d.errors), percent(d.calls > 0 ? d.errors / d.calls : 0),
        d.errorPropagation === undefined ? 'unknown' : `${percent(d.errorPropagation)}${d.errorPropagation < 0.5 ? ' (mostly handled)' : ' (mostly passed on)'}`,
      ])), '');
    }
    if (out.length === 0) out.push('No error detail is recorded for this workflow.');
    return out;
  }
}
