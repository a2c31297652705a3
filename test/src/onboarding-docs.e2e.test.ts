// Onboarding docs from the running demo estate, all real: the demo's Node processes traced through
// agents/, the collector and Neo4j, `npm run docs` (tools/docs.ts) as a separate process reading
// that Neo4j, MkDocs and Backstage TechDocs' core plugin from PyPI building the tree with --strict,
// every Mermaid block drawn by the real mermaid package in Chromium, GraphQL onboardingDoc, and the
// web app's Docs view (screenshots kept in test-results/).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { component, edge, NOW_MS, workflow } from '../../collector/src/detectors/testing.ts';
import { renderDocs } from '../../collector/src/docs/render-docs.ts';
import type { Platform } from '../../tools/platform.ts';
import { launchChromium } from './support/browser.ts';
import { ensureMkdocs, mkdocsBuild } from './docs/mkdocs.ts';
import { clearGraph, eventually, graphql, startTestPlatform } from './support/platform.ts';

const ROOT = join(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-results');
const MERMAID = join(ROOT, 'web/node_modules/mermaid/dist/mermaid.min.js');
const work = mkdtempSync(join(tmpdir(), 'orrery-docs-test-'));
let platform: Platform;
let browser: Browser;
let mkdocsPython: Promise<string>;
let neo4jUri: string;

/** `node tools/docs.ts ...` as `npm run docs -- ...` runs it: its exit code and what it printed. */
function runDocs(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'tools/docs.ts'), ...args], { cwd: ROOT, env: { ...process.env, NEO4J_URI: neo4jUri, ORRERY_DEMO: '1', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

const mermaidBlocks = (markdown: string): string[] => [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);

beforeAll(async () => {
  neo4jUri = inject('neo4jUri');
  mkdocsPython = ensureMkdocs(); // from PyPI on the first run, meanwhile the estate warms up
  mkdocsPython.catch(() => {});
  await clearGraph(neo4jUri);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('onboarding docs of the running demo estate', () => {
  it('refuses an empty graph with exit code 2 and writes nothing', async () => {
    const out = join(work, 'empty');
    const { code, output } = await runDocs(['--out', out]);
    expect(code, output).toBe(2);
    expect(output).toMatch(/the graph is empty/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work).filter((n) => n.includes('.writing-'))).toEqual([]);
  });

  it('writes a MkDocs tree: mkdocs.yml, docs/index.md, a page per system, service and workflow', async () => {
    platform = await startTestPlatform(neo4jUri, { ORRERY_DEMO: '1', ORRERY_FLUSH_MS: '500' });
    browser = await launchChromium();
    // Until the estate has run long enough for a representative run of its main workflow and findings.
    await eventually(async () => {
      await platform.collector.detect();
      const { onboardingDoc } = await graphql<{ onboardingDoc: { markdown: string; pages: Array<{ path: string; section: string; subject: string }> } }>(
        platform.apiUrl, '{ onboardingDoc { markdown pages { path section subject } } }');
      // Fulfilment's handling of a placed order: a message picked up, then database calls.
      const wf = onboardingDoc.pages.find((p) => p.section === 'workflow' && p.subject.startsWith('fulfilment process '));
      expect(wf).toBeDefined();
      const page = await graphql<{ onboardingDoc: { markdown: string } }>(platform.apiUrl, 'query($p: String) { onboardingDoc(page: $p) { markdown } }', { p: wf!.path });
      expect(page.onboardingDoc.markdown).toMatch(/sequenceDiagram[\s\S]*-\)p\d+: deliver[\s\S]*->>\+/);
      expect(onboardingDoc.markdown).toMatch(/### .*undeclared/);
    }, 150_000, 2000);

    // The API answers from the live read model; npm run docs reads Neo4j, written on its own rhythm.
    await platform.collector.flush();
    const out = join(work, 'tree');
    const { code, output } = await runDocs(['--out', out]);
    expect(code, output).toBe(0);
    const files = filesUnder(out);
    expect(files).toContain('mkdocs.yml');
    expect(files).toContain('docs/index.md');
    expect(files).toContain('docs/systems/order-to-cash.md');
    for (const service of ['storefront', 'checkout', 'pricing', 'inventory', 'fulfilment', 'payments', 'fraud-check', 'approvals']) expect(files).toContain(`docs/services/${service}.md`);
    expect(files.filter((f) => f.startsWith('docs/workflows/')).length).toBeGreaterThanOrEqual(1);
    // The order flow enters at storefront, where the shopper's parentless call out is answered; health
    // probes are not workflows.
    expect(files.some((f) => f.startsWith('docs/workflows/storefront-post-orders'))).toBe(true);
    expect(files.filter((f) => /^docs\/workflows\/.*health/.test(f))).toEqual([]);

    const index = readFileSync(join(out, 'docs/index.md'), 'utf8');
    expect(index).toMatch(/\[order-to-cash\]\(systems\/order-to-cash\.md\) \| team-commerce/);
    expect(index).toContain('From a shopper’s cart to a paid, shipped order.'.replace('’', "'"));
    const system = readFileSync(join(out, 'docs/systems/order-to-cash.md'), 'utf8');
    expect(system).toContain('```mermaid\nflowchart LR');
    // The catalog's gaps the demo leaves on purpose, each with its change.
    // (Which undeclared dependency comes first depends on the run: under load a call's server half can
    // miss the pairing timeout and the call lands on a virtual peer; the shape of the change does not.)
    expect(index).toMatch(/### \S+ depends on \S+, undeclared\n\n[^\n]+\n\nTo make the catalog true, in `[^`]*catalog-info\.yaml`, entity `component:[^`]+`: add `[^`]+` to `spec\.dependsOn`[^\n]*\n\n```yaml\n[\s\S]*?spec:\n {2}dependsOn:\n {4}- \S+\n```/);
    expect(index).toMatch(/approvals is not in the catalog[\s\S]*kind: Component\nmetadata:\n {2}name: approvals/);
    const workflowPage = files.find((f) => f.startsWith('docs/workflows/fulfilment-process-'))!;
    const wf = readFileSync(join(out, workflowPage), 'utf8');
    expect(wf).toContain('```mermaid\nsequenceDiagram');
    expect(wf).toMatch(/p\d+->>\+p\d+: /);
    expect(wf).toMatch(/Generated .* from \d[\d,]* runs? of this workflow observed over the \d+ (second|minute)s? since traffic was first seen/);
  });

  it('builds with mkdocs build --strict, as written and as Backstage TechDocs builds it (techdocs-core)', async () => {
    const python = await mkdocsPython;
    const tree = join(work, 'tree');
    await mkdocsBuild(python, join(tree, 'mkdocs.yml'), join(work, 'site'));
    expect(existsSync(join(work, 'site/index.html'))).toBe(true);
    expect(existsSync(join(work, 'site/systems/order-to-cash/index.html'))).toBe(true);
    // Backstage's generator adds the techdocs-core plugin to a mkdocs.yml that does not name it.
    const techdocs = join(tree, 'mkdocs.techdocs.yml');
    writeFileSync(techdocs, `${readFileSync(join(tree, 'mkdocs.yml'), 'utf8')}plugins:\n  - techdocs-core\n`);
    await mkdocsBuild(python, techdocs, join(work, 'techdocs-site'));
    // TechDocs writes the diagrams as highlighted code blocks, which Backstage's Mermaid addon draws.
    expect(readFileSync(join(work, 'techdocs-site/systems/order-to-cash/index.html'), 'utf8')).toMatch(/<code>flowchart LR\n/);
  });

  it('draws every Mermaid block without error in Chromium with the mermaid package, hostile names included', async () => {
    const tree = join(work, 'tree/docs');
    const blocks = new Set<string>();
    for (const f of filesUnder(tree)) for (const b of mermaidBlocks(readFileSync(join(tree, f), 'utf8'))) blocks.add(b);
    expect(blocks.size).toBeGreaterThanOrEqual(3);
    // And a snapshot whose names are made to break Mermaid: quotes, brackets, ://, keywords, markup.
    const hostile = ['svc "quoted"', 'a[b](c) {d}', 'https://api.example.com/v1;x', 'end', '<b>x</b>', '%%{init: {}}%%', 'x --> y', 'semi;colon#hash'];
    const docs = renderDocs({
      generatedAtMs: NOW_MS, window: { label: 'the last 24 hours', fromMs: NOW_MS - 86_400_000, toMs: NOW_MS, minutes: 1440 },
      components: hostile.map((name, i) => component(name, { system: i % 2 ? 'odd "sys" [1]' : 'sys://two', kind: i === 3 ? 'DATABASE' : i === 5 ? 'QUEUE' : 'SERVICE' })),
      dependencies: hostile.slice(1).map((to, i) => ({ ...edge(hostile[i]!, to, { operation: `GET /${to}`, kind: i === 4 ? 'PUBLISH' : 'SYNC' }), callsPerMinute: 1 })),
      declared: [], declaredOnly: [], findings: [], catalog: undefined, catalogText: [], mapUrl: '/',
      workflows: [workflow(hostile[0]!, { operation: 'POST /a"b[c]' })],
      shapes: [{
        key: `${hostile[0]} POST /a"b[c]`, entry: hostile[0]!, operation: 'POST /a"b[c]', traceId: 't', startedAtMs: NOW_MS, failed: false, manual: false, truncated: false, sameShapeRuns: 1, capturedRuns: 1,
        steps: hostile.slice(1).map((to, i) => ({ from: hostile[i]!, fromKind: 'SERVICE', to, toKind: 'SERVICE', kind: 'SYNC', protocol: 'http', operation: `op "${to}" end`, atMs: i, durationMs: 20 - i, error: i === 2 })),
      }],
    });
    const hostileBlocks = docs.pages.flatMap((p) => mermaidBlocks(p.markdown));
    expect(hostileBlocks.length).toBeGreaterThanOrEqual(3);

    const page = await browser.newPage();
    try {
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ path: MERMAID });
      const all = [...blocks, ...hostileBlocks];
      const results = await page.evaluate(async (texts) => {
        const mermaid = (window as unknown as { mermaid: { initialize(c: object): void; render(id: string, text: string): Promise<{ svg: string }> } }).mermaid;
        mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
        const out: Array<{ ok: boolean; message?: string; svg?: string }> = [];
        for (let i = 0; i < texts.length; i++) {
          try {
            const { svg } = await mermaid.render(`diagram${i}`, texts[i]!);
            out.push({ ok: !/Syntax error/i.test(svg), svg });
          } catch (error) {
            out.push({ ok: false, message: String((error as Error)?.message ?? error) });
          }
        }
        return out;
      }, all);
      results.forEach((r, i) => expect(r.ok, `${r.message ?? 'syntax error drawn'} in\n${all[i]}`).toBe(true));
      // The names come out as the names, not as syntax or markup.
      const hostileSvg = results.slice(blocks.size).map((r) => r.svg ?? '').join('\n');
      expect(hostileSvg).toMatch(/svc (&quot;|")quoted(&quot;|")/);
      expect(hostileSvg).toContain('https://api.example.com/v1;x');
      expect(hostileSvg).not.toContain('<b>x</b>');
      expect(hostileSvg).toMatch(/&lt;b&gt;x&lt;\/b&gt;|&amp;lt;b/);
    } finally {
      await page.close();
    }
  });

  it('refuses a file, an unwritable place and an unknown system with exit code 2, leaving the tree as it was', async () => {
    const tree = join(work, 'tree');
    const before = filesUnder(tree).map((f) => `${f}:${statSync(join(tree, f)).mtimeMs}`);
    const file = join(work, 'a-file');
    writeFileSync(file, 'not a folder');
    for (const [args, message] of [
      [['--out', file], /is a file, not a folder/],
      [['--out', '/sys/orrery-docs'], /is not writable/],
      [['--out', tree, '--system', 'no-such-system'], /no system named "no-such-system".*systems: .*order-to-cash/],
      [['--out', ROOT], /holds something else/],
    ] as const) {
      const { code, output } = await runDocs([...args]);
      expect(code, output).toBe(2);
      expect(output).toMatch(message);
    }
    expect(filesUnder(tree).map((f) => `${f}:${statSync(join(tree, f)).mtimeMs}`)).toEqual(before);
    expect(readdirSync(work).filter((n) => n.includes('.writing-'))).toEqual([]);
  });

  it('writes one system with --system, replacing the tree it wrote before', async () => {
    const tree = join(work, 'tree');
    const { code, output } = await runDocs(['--out', tree, '--system', 'order-to-cash']);
    expect(code, output).toBe(0);
    const files = filesUnder(tree);
    expect(files).not.toContain('docs/systems/order-to-cash.md'); // the system's page is the index now
    expect(readFileSync(join(tree, 'docs/index.md'), 'utf8')).toMatch(/^# order-to-cash: how it works/);
  });

  it('serves the same docs through GraphQL onboardingDoc', async () => {
    const { onboardingDoc } = await graphql<{ onboardingDoc: { title: string; markdown: string; path: string } }>(platform.apiUrl, '{ onboardingDoc(system: "order-to-cash") { title markdown path } }');
    expect(onboardingDoc.title).toBe('order-to-cash: how it works');
    expect(onboardingDoc.markdown).toContain('## Dependencies');
    expect(onboardingDoc.markdown).toContain('](/?focus=');
    const service = await graphql<{ onboardingDoc: { path: string; markdown: string } }>(platform.apiUrl, '{ onboardingDoc(component: "checkout") { path markdown } }');
    expect(service.onboardingDoc.path).toBe('services/checkout.md');
    const response = await fetch(`${platform.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ onboardingDoc(system: "nope") { title } }' }) });
    const body = (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows the docs in the web app with every diagram drawn, by system and workflow, linked both ways with the map', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const article = page.locator('[data-testid="docs-article"]');
    /** The page at `path` is shown and all its diagrams are drawn, none failed. */
    const shown = async (path: string) => {
      await expect.poll(async () => article.getAttribute('data-path'), { timeout: 30_000 }).toBe(path);
      await expect.poll(async () => {
        const [want, drawn, errors] = await Promise.all(['data-diagrams', 'data-drawn', 'data-errors'].map((a) => article.getAttribute(a)));
        return `${drawn}/${want} drawn, ${errors} failed`;
      }, { timeout: 30_000 }).toMatch(/^(\d+)\/\1 drawn, 0 failed$/);
    };
    try {
      // From the map: the Docs link, with checkout selected, opens checkout's page.
      await page.goto(`${platform.apiUrl}/?focus=checkout`);
      await expect.poll(async () => page.locator('[data-testid="component-panel"]').innerText(), { timeout: 60_000 }).toMatch(/checkout/);
      await page.locator('[data-testid="docs-link"]').click();
      await shown('services/checkout.md');
      expect(await article.locator('h1').innerText()).toBe('checkout');

      // By system, from the navigation.
      await page.locator('[data-testid="docs-nav"] a[data-doc-page="systems/order-to-cash.md"]').click();
      await shown('systems/order-to-cash.md');
      expect(await article.locator('.mermaid-diagram svg').count()).toBeGreaterThanOrEqual(1);
      expect(await article.innerText()).toContain("From a shopper's cart to a paid, shipped order.");
      expect(await article.innerText()).toContain('Declared in: agents/demo/catalog/catalog-info.yaml');
      await article.locator('#how-it-fits-together').evaluate((el) => el.scrollIntoView());
      await page.screenshot({ path: join(ARTIFACTS, 'docs-system.png'), fullPage: false });

      // The index, with the systems' flowchart or its sentence, and the catalog's gaps.
      await page.locator('[data-testid="docs-nav"] a', { hasText: 'Overview' }).click();
      await shown('index.md');
      expect(await article.innerText()).toMatch(/What the catalog does not say/);
      await article.locator('#how-the-systems-connect').evaluate((el) => el.scrollIntoView());
      await page.screenshot({ path: join(ARTIFACTS, 'docs-index.png'), fullPage: false });

      // By workflow: a sequence diagram of a real run.
      // The page is the link's own (the nav marks it current only once the page is shown).
      const workflowLink = page.locator('[data-testid="docs-nav"] a[data-doc-page^="workflows/fulfilment-process-"]').first();
      const path = await workflowLink.getAttribute('data-doc-page');
      expect(path).toMatch(/^workflows\/fulfilment-process-/);
      await workflowLink.click();
      await shown(path!);
      expect(await article.locator('.mermaid-diagram svg').count()).toBeGreaterThanOrEqual(1);
      expect(await article.locator('.mermaid-diagram svg').first().innerHTML()).toMatch(/orders\.placed/);
      await article.locator('#a-representative-run').evaluate((el) => el.scrollIntoView());
      await page.screenshot({ path: join(ARTIFACTS, 'docs-workflow.png'), fullPage: false });

      // A link between pages stays in the Docs view, and the URL follows (back works).
      await article.locator('a[data-doc-page="services/fulfilment.md"]').first().click();
      await shown('services/fulfilment.md');
      expect(page.url()).toContain('page=services%2Ffulfilment.md');
      await page.goBack();
      await shown(path!);

      // To the map, focused on what the page is about.
      await article.locator('a[data-map-link]').first().click();
      await page.locator('[data-testid="map"] [data-component="fulfilment"]').waitFor({ state: 'visible', timeout: 60_000 });
      expect(new URL(page.url()).searchParams.getAll('focus')).toContain('fulfilment');
      await page.waitForTimeout(2500); // the map frames the workflow's components once its layout settles
      await page.screenshot({ path: join(ARTIFACTS, 'docs-to-map.png'), fullPage: false });
    } finally {
      await page.close();
    }
  });

  it('still draws the representative run after a restart: it is kept in the graph', async () => {
    await platform.stop();
    platform = await startTestPlatform(neo4jUri, { ORRERY_DEMO: '0' }, { keepGraph: true });
    const { onboardingDoc } = await graphql<{ onboardingDoc: { pages: Array<{ path: string; subject: string }> } }>(platform.apiUrl, '{ onboardingDoc { pages { path subject } } }');
    const wf = onboardingDoc.pages.find((p) => p.subject.startsWith('fulfilment process '))!;
    const page = await graphql<{ onboardingDoc: { markdown: string } }>(platform.apiUrl, 'query($p: String) { onboardingDoc(page: $p) { markdown } }', { p: wf.path });
    expect(page.onboardingDoc.markdown).toMatch(/```mermaid\nsequenceDiagram[\s\S]*deliver/);
  });
});
