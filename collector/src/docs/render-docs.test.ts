import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../catalog/parse-catalog.ts';
import { component, edge, NOW_MS, workflow } from '../detectors/testing.ts';
import type { WorkflowShape, WorkflowStep } from '../model/workflow-shape.ts';
import { readCatalogText } from './catalog-text.ts';
import type { DocFinding, DocInput, DocPage } from './doc-input.ts';
import { mkdocsTree } from './mkdocs.ts';
import { renderDocs, UnknownSystemError } from './render-docs.ts';

const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: shop, description: Sells things. }
spec: { owner: team-shop }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: storefront, description: The web shop. , annotations: { orrery.dev/tier: "0" } }
spec: { type: website, owner: team-web, system: shop, dependsOn: [component:checkout] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout }
spec: { type: service, owner: team-checkout, system: shop, dependsOn: [component:old-billing] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: old-billing }
spec: { type: service, owner: team-checkout, system: shop }
`;

const step = (from: string, to: string, atMs: number, durationMs: number, spec: Partial<WorkflowStep> = {}): WorkflowStep => ({
  from, fromKind: 'SERVICE', to, toKind: 'SERVICE', kind: 'SYNC', protocol: 'http', operation: `GET /${to}`, atMs, durationMs, error: false, ...spec,
});

function finding(kind: DocFinding['kind'], components: string[], spec: Partial<DocFinding> = {}): DocFinding {
  return { id: `${kind}-${components.join('-')}`, kind, severity: 'HIGH', title: `${kind} about ${components.join(', ')}`, detail: `Because ${components.join(' and ')}.`, components, path: components, status: 'OPEN', traceIds: ['abc123'], ...spec };
}

/** A small shop: a storefront calling checkout, which writes a database, publishes to a topic and asks a person. */
function shop(spec: Partial<DocInput> = {}): DocInput {
  const catalogFiles = [{ path: 'catalog/catalog-info.yaml', text: CATALOG }];
  const shape: WorkflowShape = {
    key: 'storefront POST /orders', entry: 'storefront', operation: 'POST /orders', traceId: 'trace-1', startedAtMs: NOW_MS - 60_000, failed: false, manual: false, truncated: false,
    sameShapeRuns: 9, capturedRuns: 10,
    steps: [
      step('storefront', 'checkout', 0, 120),
      step('checkout', 'postgresql://orders-db/orders', 10, 5, { kind: 'DATABASE', toKind: 'DATABASE', protocol: 'postgresql', operation: 'INSERT orders' }),
      step('checkout', 'orders.placed', 20, 2, { kind: 'PUBLISH', toKind: 'QUEUE', protocol: 'kafka', operation: 'orders.placed' }),
      step('checkout', 'fulfilment', 20, 35, { kind: 'ASYNC', protocol: 'kafka', operation: 'orders.placed' }),
      step('orders.placed', 'fulfilment', 57, 8, { kind: 'CONSUME', fromKind: 'QUEUE', protocol: 'kafka', operation: 'orders.placed' }),
      step('checkout', 'ap-review', 30, 60, { toKind: 'HUMAN', protocol: 'human', operation: 'ap-review' }),
    ],
  };
  return {
    generatedAtMs: NOW_MS,
    window: { label: 'the last 24 hours', fromMs: NOW_MS - 86_400_000, toMs: NOW_MS, minutes: 1440 },
    components: [
      { ...component('storefront', { tier: 0, owner: 'team-web', system: 'shop' }), entryPoint: true },
      component('checkout', { owner: 'team-checkout', system: 'shop' }),
      { ...component('fulfilment', { documented: false }), namespace: 'warehouse' },
      component('postgresql://orders-db/orders', { kind: 'DATABASE', virtual: true, documented: false }),
      component('orders.placed', { kind: 'QUEUE', virtual: true, documented: false }),
      component('ap-review', { kind: 'HUMAN', virtual: true, documented: false }),
    ],
    dependencies: [
      { ...edge('storefront', 'checkout'), callsPerMinute: 2 },
      { ...edge('checkout', 'postgresql://orders-db/orders', { kind: 'DATABASE', protocol: 'postgresql', operation: 'INSERT orders', documented: false }), callsPerMinute: 2 },
      edge('checkout', 'orders.placed', { kind: 'PUBLISH', protocol: 'kafka', operation: 'orders.placed', documented: false }),
      edge('orders.placed', 'fulfilment', { kind: 'CONSUME', protocol: 'kafka', operation: 'orders.placed', documented: false }),
      edge('checkout', 'fulfilment', { kind: 'ASYNC', protocol: 'kafka', operation: 'orders.placed', p50Ms: 30, p95Ms: 80, documented: false }),
      edge('checkout', 'ap-review', { protocol: 'human', operation: 'ap-review', errors: 3, calleeErrors: 3, documented: false }),
    ],
    declared: [],
    declaredOnly: [],
    workflows: [workflow('storefront', { runs: 200, failedRuns: 12, manualRuns: 30, unhandledErrors: [{ path: ['storefront', 'checkout', 'postgresql://orders-db/orders'], count: 4, exemplarTraceIds: ['t-err'] }] })],
    shapes: [shape],
    findings: [
      finding('UNDOCUMENTED_DEPENDENCY', ['checkout', 'postgresql://orders-db/orders']),
      finding('UNCATALOGUED_SERVICE', ['fulfilment'], { path: undefined }),
      finding('STALE_DECLARATION', ['checkout', 'old-billing'], { severity: 'LOW' }),
      finding('CASCADING_RISK_PATH', ['storefront', 'checkout', 'ap-review'], { severity: 'CRITICAL', title: 'storefront waits on a person' }),
      finding('CYCLE', ['checkout'], { status: 'RESOLVED', title: 'an old resolved cycle' }),
    ],
    catalog: parseCatalog(catalogFiles),
    catalogText: readCatalogText(catalogFiles),
    mapUrl: 'http://127.0.0.1:4000/',
    ...spec,
  };
}

const page = (pages: DocPage[], path: string): string => {
  const found = pages.find((p) => p.path === path);
  if (!found) throw new Error(`no page ${path}; pages: ${pages.map((p) => p.path).join(', ')}`);
  return found.markdown;
};

/** Every relative .md link of every page resolves to a page of the set. */
function brokenLinks(pages: DocPage[]): string[] {
  const paths = new Set(pages.map((p) => p.path));
  const broken: string[] = [];
  for (const p of pages) {
    for (const m of p.markdown.matchAll(/\]\(([^)#]+\.md)(#[^)]*)?\)/g)) {
      const parts = [...p.path.split('/').slice(0, -1), ...m[1]!.split('/')];
      const resolved: string[] = [];
      for (const part of parts) part === '..' ? resolved.pop() : resolved.push(part);
      if (!paths.has(resolved.join('/'))) broken.push(`${p.path} -> ${m[1]}`);
    }
  }
  return broken;
}

const mermaidBlocks = (markdown: string): string[] => [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);

describe('onboarding docs', () => {
  it('writes an index, a page per system, per service and per workflow, linked without a broken link', () => {
    const { pages } = renderDocs(shop());
    expect(pages.map((p) => p.path)).toEqual([
      'index.md', 'systems/shop.md', 'systems/warehouse.md', 'services/checkout.md', 'services/fulfilment.md', 'services/storefront.md',
      expect.stringMatching(/^workflows\/storefront-post-orders-[0-9a-f]{6}\.md$/),
    ]);
    expect(brokenLinks(pages)).toEqual([]);
  });

  it('the index lists systems with owner and the catalog description, and how they connect', () => {
    const index = page(renderDocs(shop()).pages, 'index.md');
    expect(index).toMatch(/^# How the estate works/);
    expect(index).toMatch(/Generated 2023-11-14 22:13 UTC from 600 calls and 200 workflow runs observed over the last 24 hours/);
    expect(index).toContain('[Open the map](http://127.0.0.1:4000/?focus=storefront&focus=checkout');
    expect(index).toMatch(/\| \[shop\]\(systems\/shop\.md\) \| team-shop, team-checkout, team-web \| 0 \| 5 \| Sells things\. \|/);
    expect(index).toMatch(/\| \[warehouse\]\(systems\/warehouse\.md\) \| not declared \| – \| 1 \| No description in the catalog\. Observed: 1 service\. \|/);
    const [systems] = mermaidBlocks(index);
    expect(systems).toMatch(/^flowchart LR\n {2}n0\["shop"\]\n {2}n1\["warehouse"\]\n {2}n0 -\.->\|"200 calls"\| n1\n/);
  });

  it('a system page draws its inside and its edges out, sync solid and handoffs dashed, kinds in their shapes', () => {
    const pages = renderDocs(shop()).pages;
    const system = page(pages, 'systems/shop.md');
    expect(system).toMatch(/^# System: shop/);
    expect(system).toContain('**Owner:** team-shop, team-checkout, team-web');
    const [diagram] = mermaidBlocks(system);
    expect(diagram).toContain('subgraph g0 ["shop"]');
    expect(diagram).toMatch(/n\d+\[\("orders #64; orders-db"\)\]/); // a database is a cylinder, named for people
    expect(diagram).toMatch(/n\d+\[\/"orders.placed"\/\]/); // a queue a parallelogram
    expect(diagram).toMatch(/n\d+\(\["ap-review"\]\)/); // a human step a stadium
    expect(diagram).toMatch(/n\d+\["fulfilment #183; warehouse"\]/); // another system's component, named with its system
    expect(diagram).toMatch(/-\.->\|"kafka/); // handoffs dashed
    expect(diagram).toMatch(/n4 -->\|"http 2\/min"\| n0/);
    expect(diagram).not.toMatch(/checkout[^\n]*-\.->[^\n]*fulfilment/); // the ASYNC edge is drawn through its topic
    expect(system).toContain('| [storefront](../services/storefront.md) | service | team-web | 0 (must never go down) |');
    expect(system).toMatch(/## Entry points\n\n- \[storefront\]\(\.\.\/services\/storefront\.md\): \[POST \/orders\]/);
    expect(system).toMatch(/\| \[checkout\]\(\.\.\/services\/checkout\.md\) \| orders @ orders-db \| database call \| postgresql \| INSERT orders \| 100 \| 2\/min \| 0% \| 50 ms \| \*\*not declared\*\* \|/);
  });

  it('a workflow page draws a representative run as a sequence diagram, with the handoff lag and the human step', () => {
    const pages = renderDocs(shop()).pages;
    const wf = page(pages, pages.find((p) => p.section === 'workflow')!.path);
    expect(wf).toMatch(/^# Workflow: storefront POST \/orders/);
    expect(wf).toContain('9 captured runs of 10 made the same calls');
    const [sequence] = mermaidBlocks(wf);
    expect(sequence!.split('\n')).toEqual([
      'sequenceDiagram',
      '  participant p0 as storefront',
      '  participant p1 as checkout',
      '  participant p2 as orders #64; orders-db #40;database#41;',
      '  participant p3 as orders.placed #40;queue#41;',
      '  participant p4 as fulfilment',
      '  actor p5 as ap-review',
      '  p0->>+p1: GET /checkout',
      '  p1->>+p2: INSERT orders',
      '  p2-->>-p1: 5 ms',
      '  p1-)p3: publish',
      '  p1->>+p5: ap-review',
      '  Note over p5: manual step',
      '  p3-)p4: deliver#44; waited 35 ms', // at 57 ms, while the person (30 to 90 ms) still works
      '  p5-->>-p1: 60 ms',
      '  p1-->>-p0: 120 ms',
    ]);
    expect(wf).toMatch(/Ended in error \| 12 \(6%\)/);
    expect(wf).toMatch(/Fell to manual handling \| 30 \(15%\)/);
    expect(wf).toContain('born in orders @ orders-db, through storefront → checkout → orders @ orders-db: 4 runs (for example trace `t-err`)');
    expect(wf).toMatch(/\[checkout\]\(\.\.\/services\/checkout\.md\) → ap-review \| 3 \| 3% \| unknown/);
  });

  it('says when a workflow has no representative run yet', () => {
    const pages = renderDocs(shop({ shapes: [] })).pages;
    const wf = page(pages, pages.find((p) => p.section === 'workflow')!.path);
    expect(wf).toContain('No representative run has been recorded for this workflow yet');
    expect(mermaidBlocks(wf)).toEqual([]);
  });

  it('lists what the catalog does not say, each with the catalog-info.yaml change that makes it true', () => {
    const index = page(renderDocs(shop()).pages, 'index.md');
    const section = index.slice(index.indexOf('## What the catalog does not say'), index.indexOf('## Risks'));
    expect(section).toContain('in `catalog/catalog-info.yaml`, entity `component:checkout`: add `resource:orders-db-orders` to `spec.dependsOn`, and describe it with the new entity below');
    expect(section).toContain('orrery.dev/observed-as: postgresql://orders-db/orders');
    expect(section).toContain('    - resource:orders-db-orders');
    expect(section).toContain('Example traces: `abc123`');
    // An uncatalogued service: a whole entity to add, with what it was seen doing.
    expect(section).toMatch(/kind: Component\nmetadata:\n {2}name: fulfilment\n {2}description: "Used by orders.placed, checkout."\n/);
    expect(section).toContain('  system: warehouse');
    // A stale declaration: the line to remove.
    expect(section).toContain('```diff\n # component:checkout, catalog/catalog-info.yaml\n spec:\n   dependsOn:\n-    - component:old-billing\n```');
  });

  it('says so when there is no catalog, no finding, no handoff, no workflow and no dependency', () => {
    const input = shop({ catalog: undefined, catalogText: [], findings: [], workflows: [], shapes: [], dependencies: [], components: [component('lonely', { system: 'solo' })] });
    const pages = renderDocs(input).pages;
    const index = page(pages, 'index.md');
    expect(index).toContain('No catalog was given, so there is nothing to compare traffic with');
    expect(index).toContain('No open finding concerns this');
    expect(index).toContain('No message is handed off through a queue or topic here');
    expect(index).toContain('No workflow was observed over the last 24 hours');
    expect(index).toContain('The estate is one system');
    const system = page(pages, 'systems/solo.md');
    expect(system).toContain('No dependency of this system was observed over the last 24 hours: there is nothing to draw.');
    expect(system).toContain('No traced request starts in this system');
    expect(system).toContain('No description in the catalog. Observed: 1 service.');
    const service = page(pages, 'services/lonely.md');
    expect(service).toContain('lonely was not seen calling anything over the last 24 hours.');
    expect(service).toContain('It starts no workflow');
  });

  it('names example traces once, in the finding\'s words when it has them', () => {
    const findings = [finding('UNCATALOGUED_SERVICE', ['fulfilment'], { path: undefined, detail: 'fulfilment is not catalogued. Example traces: abc123.' })];
    const index = page(renderDocs(shop({ findings })).pages, 'index.md');
    expect(index.match(/Example traces/g)).toHaveLength(1);
  });

  it('says the catalog agrees when it does', () => {
    const index = page(renderDocs(shop({ findings: [] })).pages, 'index.md');
    expect(index).toContain('Nothing: the catalog declares every dependency and service traffic shows');
  });

  it('lists open risks worst first in the words of the finding, and leaves resolved ones out', () => {
    const pages = renderDocs(shop()).pages;
    const service = page(pages, 'services/storefront.md');
    const risks = service.slice(service.indexOf('## Risks'));
    expect(risks).toContain('- **CRITICAL** · storefront waits on a person');
    expect(risks).toContain('    Because storefront and checkout and ap-review.');
    expect(page(pages, 'services/checkout.md')).not.toContain('an old resolved cycle');
  });

  it('renders names with quotes, brackets, :// and markup as text in Markdown and in Mermaid', () => {
    const hostile = ['svc "quoted"', 'a[b](c)', 'https://api.example.com/v1;x', 'end', '<script>x</script>', '%%{init}%%', 'pipe|star*_under_`tick`', 'semi;colon#hash'];
    const components = hostile.map((name) => component(name, { system: 'odd "system" [x]' }));
    const dependencies = hostile.slice(1).map((to, i) => ({ ...edge(hostile[i]!, to, { operation: `GET /${to}` }), callsPerMinute: 1 }));
    const steps = hostile.slice(1).map((to, i) => step(hostile[i]!, to, i, 10 - i, { operation: `op "${to}"` }));
    const input = shop({
      components, dependencies, findings: [], catalog: undefined, catalogText: [],
      workflows: [workflow(hostile[0]!, { operation: 'POST /a"b[c]' })],
      shapes: [{ ...shop().shapes[0]!, key: `${hostile[0]} POST /a"b[c]`, entry: hostile[0]!, operation: 'POST /a"b[c]', steps }],
    });
    const { pages } = renderDocs(input);
    expect(brokenLinks(pages)).toEqual([]);
    for (const p of pages) {
      for (const block of mermaidBlocks(p.markdown)) {
        for (const line of block.split('\n').slice(1)) {
          // Only generated ids and entity-coded text: no quote inside a label, no raw markup character.
          const text = line.replace(/"[^"]*"/g, (q) => (/^"[A-Za-z0-9 ._/#;-]*"$/.test(q) ? '""' : 'BAD'));
          expect(text, line).not.toContain('BAD');
          expect(line).not.toMatch(/<script|%%|\bhttps:\/\//);
        }
      }
      expect(p.markdown).not.toContain('<script>');
      expect(p.markdown).toContain('&lt;script&gt;x&lt;/script&gt;'.slice(0, 0));
    }
    const system = pages.find((p) => p.section === 'system')!;
    expect(system.markdown).toContain('pipe\\|star\\*\\_under\\_\\`tick\\`');
    expect(system.markdown).toContain('&lt;script&gt;x&lt;/script&gt;');
    const wf = pages.find((p) => p.section === 'workflow')!;
    const [sequence] = mermaidBlocks(wf.markdown);
    expect(sequence).toContain('participant p0 as svc #34;quoted#34;');
    expect(sequence).toContain('participant p2 as https#58;//api.example.com/v1#59;x');
    expect(sequence).toContain('participant p3 as end');
  });

  it('keeps one system with --system: its page is the index, only its services and workflows have pages', () => {
    const { pages, title } = renderDocs(shop(), { system: 'shop' });
    expect(title).toBe('shop: how it works');
    expect(pages.map((p) => p.path)).toEqual(['index.md', 'services/checkout.md', 'services/storefront.md', expect.stringMatching(/^workflows\//)]);
    expect(page(pages, 'index.md')).toMatch(/^# shop: how it works/);
    expect(brokenLinks(pages)).toEqual([]);
    expect(() => renderDocs(shop(), { system: 'nope' })).toThrow(UnknownSystemError);
    expect(() => renderDocs(shop(), { system: 'nope' })).toThrow(/systems: shop, warehouse/);
  });

  it('writes a mkdocs.yml whose nav names every page', () => {
    const docs = renderDocs(shop());
    const files = mkdocsTree(docs);
    const yml = files.find((f) => f.path === 'mkdocs.yml')!.text;
    expect(yml).toContain('site_name: "How the estate works"');
    expect(yml).toContain('docs_dir: docs');
    for (const p of docs.pages) expect(yml).toContain(`"${p.path}"`.replace('"index.md"', 'index.md'));
    expect(files.filter((f) => f.path.startsWith('docs/'))).toHaveLength(docs.pages.length);
  });

  it('draws at most maxDiagramNodes components, and says how many it left out', () => {
    const many = Array.from({ length: 30 }, (_, i) => component(`svc-${i}`, { system: 'big' }));
    const dependencies = many.slice(1).map((c, i) => edge(many[i]!.name, c.name, { calls: 100 + i }));
    const system = page(renderDocs(shop({ components: many, dependencies, workflows: [], shapes: [], findings: [] }), { maxDiagramNodes: 10 }).pages, 'systems/big.md');
    const [diagram] = mermaidBlocks(system);
    expect(diagram!.match(/^\s+n\d+\[/gm)).toHaveLength(10);
    expect(system).toContain('The 20 least busy components are left out of the drawing');
  });
});
