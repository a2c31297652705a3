// `npm run bench -- --map`: the map in the real headless Chromium at the size of a real estate.
// A synthetic estate of 5,000 components and 20,000 dependencies (2,000 services in 25 systems
// calling each other, databases, topics, external APIs, AI providers and human steps, with a
// catalog giving owners, systems and tiers) is sent as OTLP/HTTP protobuf to the real platform on
// a fresh embedded Neo4j; then the map is opened through the API and measured in the page:
//  - first paint: navigation start -> the map's `orrery:map-painted` mark (set after the frame
//    that drew every component), with an empty localStorage and again with remembered positions;
//  - frames per second while panning (a held mouse dragged every few ms) and while zooming (wheel
//    ticks), counted in the page with requestAnimationFrame, with the longest frame;
//  - selection feedback: a click on a hub -> the first frame after the one that drew the emphasis;
//  - JS heap used after a collection (CDP Runtime.getHeapUsage).
// Frame rates depend on the machine's load: the load average is printed beside them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProtobufTraces } from '../collector/src/testing/encode-protobuf.ts';
import { rng } from '../collector/src/testing/estate-traffic.ts';
import { startEmbeddedNeo4j } from '../neo4j-embedded/neo4j.ts';
import { launchChromium } from '../test/src/support/browser.ts';
import { freePort } from '../test/src/support/free-port.ts';
import { percentile, spawnPlatform, waitFor } from './bench-platform.ts';
import { PLATFORM_NODE_FLAGS } from './node-flags.ts';

// playwright-core is the test package's dependency: its types are reached through the helper.
type Browser = Awaited<ReturnType<typeof launchChromium>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;

type Json = Record<string, unknown>;

export interface MapEstateOptions {
  /** Multiplies every count (1: 5,000 components, 20,000 dependencies). */
  scale?: number;
  /** Epoch ms; calls are dated within the 10 minutes before it. */
  nowMs: number;
  seed?: number;
}

export interface MapEstate {
  bodies: ReturnType<typeof encodeProtobufTraces>[];
  spans: number;
  components: number;
  dependencies: number;
  /** Backstage descriptors: services, databases and topics with owner, system and tier. */
  catalogYaml: string;
  /** The busiest service, clicked to measure selection feedback. */
  hub: string;
}

const SYSTEMS = 25;
const TEAMS = 12;
const pad = (n: number, width = 4) => String(n).padStart(width, '0');

/**
 * The estate, deterministic for a seed. Per system: 80 services (the first is the system's tier-0
 * entry, the next three tier 1), 40 databases, 20 topics; estate-wide 1,400 external APIs, 60 AI
 * providers and 40 human tasks. Each service calls 4 services further down its own system (or the
 * next system's, near the end) and one elsewhere, one or two databases, two external APIs; every
 * other one publishes to a topic and the rest consume one; three in ten call an AI provider, one in
 * five hands work to a human step. Calls per dependency are skewed (1 to 40), a few edges fail.
 */
export function mapEstate(options: MapEstateOptions): MapEstate {
  const scale = options.scale ?? 1;
  const random = rng(options.seed ?? 1010);
  const perSystem = Math.round(80 * scale);
  const dbsPerSystem = Math.round(40 * scale);
  const topicsPerSystem = Math.round(20 * scale);
  const externals = Math.round(1400 * scale);
  const ais = Math.max(1, Math.round(60 * scale));
  const humans = Math.max(1, Math.round(40 * scale));
  const services = SYSTEMS * perSystem;
  const serviceName = (i: number) => `svc-${pad(i)}`;
  const systemOf = (i: number) => Math.floor(i / perSystem);
  const systemName = (s: number) => `system-${pad(s, 2)}`;
  const teamOf = (s: number) => `team-${pad(s % TEAMS, 2)}`;
  const dbHost = (s: number, j: number) => `pg-${pad(s, 2)}-${pad(j, 2)}`;
  const topicName = (s: number, j: number) => `events.${pad(s, 2)}.${pad(j, 2)}`;
  const hex = (bytes: number) => {
    let out = '';
    for (let i = 0; i < bytes; i++) out += Math.floor(random() * 256).toString(16).padStart(2, '0');
    return out;
  };
  const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });
  const spansOf = new Map<number, Json[]>();
  let spans = 0;
  let dependencies = 0;
  const edgeCalls = () => 1 + Math.floor(40 * random() ** 3);

  /** `calls` spans of one dependency from service `i`; a failing edge fails every other call. */
  const emit = (i: number, kind: number, name: string, attributes: Json[], failing = false) => {
    dependencies++;
    const list = spansOf.get(i) ?? spansOf.set(i, []).get(i)!;
    const calls = edgeCalls();
    for (let c = 0; c < calls; c++) {
      const startMs = options.nowMs - 600_000 + Math.floor(random() * 590_000);
      const start = BigInt(startMs) * 1_000_000n;
      const error = failing && c % 2 === 0;
      list.push({
        traceId: hex(16), spanId: hex(8), name, kind,
        startTimeUnixNano: String(start), endTimeUnixNano: String(start + BigInt(2 + Math.floor(random() * 60)) * 1_000_000n),
        attributes, ...(error ? { status: { code: 2 } } : {}),
      });
      spans++;
    }
  };

  for (let i = 0; i < services; i++) {
    const s = systemOf(i);
    const k = i % perSystem;
    // Four callees further down the system: the graph flows from the entry to the leaves, as a
    // real estate's does; near the end of a system they are taken from the next one.
    const callees = new Set<number>();
    for (let n = 1; callees.size < 4 && n < 4 * perSystem; n++) {
      const step = 1 + Math.floor(random() * 12);
      let j = i + step + n;
      if (j >= (s + 1) * perSystem) j = ((s + 1) % SYSTEMS) * perSystem + ((j - (s + 1) * perSystem) % perSystem);
      if (j !== i) callees.add(j);
    }
    for (let n = 0; callees.size < 5 && n < 100; n++) {
      const j = Math.floor(random() * services);
      if (j !== i && systemOf(j) !== s) callees.add(j);
    }
    for (const j of callees) {
      emit(i, 3, 'GET', [str('http.request.method', 'GET'), str('peer.service', serviceName(j)), str('server.address', serviceName(j)), int('server.port', 8080)], random() < 0.04);
    }
    const db = (j: number) => emit(i, 3, 'SELECT orders', [str('db.system.name', 'postgresql'), str('db.namespace', `db${pad(j, 2)}`), str('server.address', dbHost(s, j)), str('db.operation.name', 'SELECT')], random() < 0.02);
    db(k % dbsPerSystem);
    if (i % 2 === 0) db((k + 1 + (k % 7)) % dbsPerSystem);
    for (const n of [0, 1]) {
      const e = (i * 2 + n * 701) % externals;
      emit(i, 3, 'POST', [str('http.request.method', 'POST'), str('server.address', `api.vendor-${pad(e)}.example.com`), int('server.port', 443)], random() < 0.05);
    }
    // Even services publish, odd ones consume; each topic gets two producers and two consumers.
    const topic = topicName(s, (Math.floor(k / 2) + (i % 2) * 7) % topicsPerSystem);
    if (i % 2 === 0) emit(i, 4, `${topic} publish`, [str('messaging.system', 'kafka'), str('messaging.destination.name', topic), str('messaging.operation.type', 'send')]);
    else emit(i, 5, `${topic} process`, [str('messaging.system', 'kafka'), str('messaging.destination.name', topic), str('messaging.operation.type', 'process')]);
    if (i % 10 < 3) emit(i, 3, 'chat', [str('gen_ai.provider.name', `ai-provider-${pad(Math.floor(i / 10) % ais, 2)}`), str('gen_ai.operation.name', 'chat')], random() < 0.03);
    if (i % 5 === 0) emit(i, 1, 'manual review', [str('orrery.human.task', `review-${pad(Math.floor(i / 5) % humans, 2)}`)]);
  }

  const bodies: MapEstate['bodies'] = [];
  for (const [i, list] of spansOf) {
    const s = systemOf(i);
    const resource = { attributes: [str('service.name', serviceName(i)), str('service.namespace', `ns-${pad(s, 2)}`), str('service.version', '1.0.0')] };
    for (let n = 0; n < list.length; n += 1000) {
      bodies.push(encodeProtobufTraces({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'bench-map' }, spans: list.slice(n, n + 1000) }] }] }));
    }
  }

  const entity = (kind: string, name: string, s: number, tier: number, observedAs?: string) =>
    `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  annotations:\n    orrery.dev/tier: "${tier}"\n` +
    (observedAs ? `    orrery.dev/observed-as: "${observedAs}"\n` : '') +
    `spec:\n  type: ${kind === 'Component' ? 'service' : 'database'}\n  owner: ${teamOf(s)}\n  system: ${systemName(s)}\n`;
  const docs: string[] = [];
  for (let s = 0; s < SYSTEMS; s++) docs.push(`apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: ${systemName(s)}\nspec:\n  owner: ${teamOf(s)}\n`);
  for (let i = 0; i < services; i++) {
    const k = i % perSystem;
    docs.push(entity('Component', serviceName(i), systemOf(i), k === 0 ? 0 : k < 4 ? 1 : k < 30 ? 2 : 3));
  }
  for (let s = 0; s < SYSTEMS; s++) {
    for (let j = 0; j < dbsPerSystem; j++) docs.push(entity('Resource', `db-${pad(s, 2)}-${pad(j, 2)}`, s, 2, `postgresql://${dbHost(s, j)}/db${pad(j, 2)}`));
    for (let j = 0; j < topicsPerSystem; j++) docs.push(entity('Resource', `topic-${pad(s, 2)}-${pad(j, 2)}`, s, 2, topicName(s, j)));
  }
  return {
    bodies,
    spans,
    components: services + SYSTEMS * (dbsPerSystem + topicsPerSystem) + externals + ais + humans,
    dependencies,
    catalogYaml: docs.join('---\n'),
    hub: serviceName(1),
  };
}

async function graphqlData<T>(apiUrl: string, query: string): Promise<T> {
  const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data!;
}

/** In the page: when the map's first paint was marked, ms since navigation start (null until then). */
const paintedAt = (page: Page) => page.evaluate(() => performance.getEntriesByName('orrery:map-painted')[0]?.startTime ?? null);

async function waitForPaint(page: Page, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = await paintedAt(page);
    if (at !== null) return at;
    if (Date.now() > deadline) throw new Error(`the map did not paint within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Where the time to first paint went: the page's marks, ms since navigation start. */
const paintBreakdown = (page: Page) => page.evaluate(() =>
  ['responseEnd', 'orrery:graph-fetched', 'orrery:graph-parsed', 'orrery:layout-first-frame', 'orrery:map-painted']
    .map((name) => {
      const at = name === 'responseEnd' ? (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.responseEnd : performance.getEntriesByName(name)[0]?.startTime;
      return at === undefined ? null : `${name.replace('orrery:', '')} ${Math.round(at)}`;
    })
    .filter(Boolean)
    .concat(
      // The first read (sent by the entry before the page's code) and the page's code: asked, first byte, last byte.
      performance.getEntriesByType('resource')
        .filter((r) => r.name.endsWith('/graphql') || /\/assets\/page-.*\.js$/.test(r.name))
        .slice(0, 2)
        .map((r) => {
          const t = r as PerformanceResourceTiming;
          return `${t.name.endsWith('/graphql') ? 'first read' : 'page code'} ${Math.round(t.startTime)}-${Math.round(t.responseStart)}-${Math.round(t.responseEnd)} (${(t.encodedBodySize / 1e6).toFixed(2)} MB)`;
        }),
    )
    .join(', '));

/** Until the layout has stopped moving (the map marks `orrery:layout-settled`), or the timeout. */
async function waitForSettled(page: Page, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = await page.evaluate(() => performance.getEntriesByName('orrery:layout-settled').at(-1)?.startTime ?? null);
    if (at !== null) return at;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Counts frames in the page while `drive` runs: frames per second and the longest frame, ms. */
async function framesWhile(page: Page, drive: () => Promise<void>): Promise<{ fps: number; worstMs: number; frames: number }> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean };
    w.__frames = [];
    w.__counting = true;
    const tick = (t: number) => {
      if (!w.__counting) return;
      w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await drive();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean };
    w.__counting = false;
    return w.__frames;
  });
  if (frames.length < 2) return { fps: 0, worstMs: Infinity, frames: frames.length };
  let worst = 0;
  for (let i = 1; i < frames.length; i++) worst = Math.max(worst, frames[i]! - frames[i - 1]!);
  return { fps: ((frames.length - 1) * 1000) / (frames.at(-1)! - frames[0]!), worstMs: worst, frames: frames.length };
}

/** The middle of the map stage, in page pixels. */
async function stageCentre(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.locator('[data-testid="map"]').boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function pan(page: Page, seconds: number): Promise<void> {
  const c = await stageCentre(page);
  await page.mouse.move(c.x, c.y);
  await page.mouse.down();
  const started = Date.now();
  let n = 0;
  // A slow circle: the drawing keeps moving and stays in view.
  while (Date.now() - started < seconds * 1000) {
    n++;
    await page.mouse.move(c.x + 120 * Math.cos(n / 15), c.y + 120 * Math.sin(n / 15));
  }
  await page.mouse.up();
}

async function zoom(page: Page, seconds: number): Promise<void> {
  const c = await stageCentre(page);
  await page.mouse.move(c.x, c.y);
  const started = Date.now();
  let n = 0;
  while (Date.now() - started < seconds * 1000) {
    n++;
    // In and out in runs of ten ticks, so the view stays near its starting scale.
    await page.mouse.wheel(0, Math.floor(n / 10) % 2 === 0 ? -60 : 60);
    await new Promise((r) => setTimeout(r, 8));
  }
}

/** Click on the hub -> the first frame after the one that drew its emphasis, ms. */
async function selectionFeedback(page: Page, name: string): Promise<number> {
  // Where the map draws it (window.orreryMap, MapView's hook for tools); the SVG map had a node per component.
  const at = await page.evaluate((wanted: string) => (window as unknown as { orreryMap?: { screenPositionOf(n: string): { x: number; y: number } | null } }).orreryMap?.screenPositionOf(wanted) ?? null, name);
  const box = at ? { x: at.x - 1, y: at.y - 1, width: 2, height: 2 } : await page.locator(`[data-testid="map"] [data-component="${name}"]`).first().boundingBox();
  if (!box) throw new Error(`${name} is not on the map`);
  await page.evaluate((wanted: string) => {
    const w = window as unknown as { __selection: Promise<number> };
    w.__selection = new Promise<number>((resolve) => {
      let downAt = 0;
      addEventListener('pointerdown', () => (downAt = performance.now()), { capture: true, once: true });
      const map = document.querySelector('[data-testid="map-surface"]') ?? document.querySelector('[data-testid="map"]')!;
      const observer = new MutationObserver(() => {
        if (map.getAttribute('data-selected') !== wanted) return;
        observer.disconnect();
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - downAt)));
      });
      observer.observe(map, { attributes: true, attributeFilter: ['data-selected'] });
    });
  }, name);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  return page.evaluate(() => (window as unknown as { __selection: Promise<number> }).__selection);
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize / 1e6;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

export interface MapBenchOptions {
  quick: boolean;
  line: (text: string) => void;
  /** Keeps the platform up and prints its URL instead of stopping (`--map --keep`), to look at the map by hand. */
  keep?: boolean;
}

export async function benchmarkMap(options: MapBenchOptions): Promise<void> {
  const { line } = options;
  const seconds = options.quick ? 3 : 6;
  const dataDir = mkdtempSync(join(tmpdir(), 'orrery-bench-map-'));
  const catalog = join(dataDir, 'catalog-info.yaml');
  const estate = mapEstate({ nowMs: Date.now() });
  writeFileSync(catalog, estate.catalogYaml);
  const neo4j = await startEmbeddedNeo4j({ dataDir: join(dataDir, 'neo4j'), boltPort: await freePort(), log: () => {} });
  const platform = await spawnPlatform(neo4j.uri, PLATFORM_NODE_FLAGS, { ORRERY_PAIRING_TIMEOUT_MS: '200', ORRERY_CATALOG: catalog });
  let browser: Browser | undefined;
  try {
    const sent = performance.now();
    for (let i = 0; i < estate.bodies.length; i += 4) {
      await Promise.all(estate.bodies.slice(i, i + 4).map(async (body) => {
        for (;;) {
          const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
          if (response.ok) return;
          if (response.status !== 429 && response.status !== 503) throw new Error(`OTLP answered ${response.status}`);
          await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get('retry-after') ?? 1)));
        }
      }));
    }
    let counts = { components: 0, dependencies: 0 };
    let accepted = false;
    await waitFor(async () => {
      if (!accepted) {
        const { collectorStatus } = await graphqlData<{ collectorStatus: { acceptedSpans: number; pendingSpans: number } }>(platform.apiUrl, '{ collectorStatus { acceptedSpans pendingSpans } }');
        accepted = collectorStatus.acceptedSpans >= estate.spans && collectorStatus.pendingSpans === 0;
        if (!accepted) return false;
        await new Promise((r) => setTimeout(r, 2000)); // the last publish after the last pairing
      }
      const d = await graphqlData<{ components: unknown[]; dependencies: unknown[] }>(platform.apiUrl, '{ components(window: { last: "1h" }) { name } dependencies(window: { last: "1h" }) { from } }');
      counts = { components: d.components.length, dependencies: d.dependencies.length };
      return true;
    }, 600_000);
    if (counts.components !== estate.components || counts.dependencies !== estate.dependencies) {
      throw new Error(`the estate should be ${estate.components} components and ${estate.dependencies} dependencies; the API lists ${counts.components} and ${counts.dependencies}`);
    }
    line(`map: estate of ${counts.components.toLocaleString('en')} components and ${counts.dependencies.toLocaleString('en')} dependencies (${estate.spans.toLocaleString('en')} spans over OTLP/HTTP) in the API after ${((performance.now() - sent) / 1000).toFixed(0)} s`);

    browser = await launchChromium();
    const url = `${platform.apiUrl}/?range=1h`;
    const fresh: number[] = [];
    const remembered: number[] = [];
    const settled: Array<number | null> = [];
    const runs = options.quick ? 2 : 3;
    let page: Page | undefined;
    let breakdown = '';
    for (let run = 0; run < runs; run++) {
      // Each run in a new context: an empty localStorage, nothing remembered.
      await page?.context().close();
      page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
      await page.goto(url);
      fresh.push(await waitForPaint(page, 120_000));
      settled.push(await waitForSettled(page, options.quick ? 60_000 : 120_000));
      // The positions of that layout are kept by the map (if it remembers any); a reload uses them.
      await page.waitForTimeout(1500);
      await page.reload();
      remembered.push(await waitForPaint(page, 120_000));
      breakdown = await paintBreakdown(page);
    }
    if (!page) throw new Error('no run');
    const ms = (samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return `median ${percentile(sorted, 0.5).toFixed(0)} ms (${samples.map((s) => s.toFixed(0)).join(', ')})`;
    };
    const rememberedCount = await page.evaluate(() => {
      const raw = localStorage.getItem('orrery.positions');
      return raw ? Object.keys((JSON.parse(raw) as { positions?: Record<string, unknown> }).positions ?? {}).length : 0;
    });
    line(`map: first paint, nothing remembered: ${ms(fresh)}; layout settled at ${settled.map((s) => (s === null ? 'not within the wait' : `${(s / 1000).toFixed(1)} s`)).join(', ')}`);
    line(`map: first paint after a reload (${rememberedCount.toLocaleString('en')} positions remembered): ${ms(remembered)}; last reload: ${breakdown} ms (load average ${load()})`);

    await waitForSettled(page, 120_000);
    await page.waitForTimeout(1000);
    const panned = await framesWhile(page, () => pan(page, seconds));
    line(`map: panning ${seconds} s: ${panned.fps.toFixed(1)} fps (longest frame ${panned.worstMs.toFixed(0)} ms; load average ${load()})`);
    await page.waitForTimeout(1000);
    const zoomed = await framesWhile(page, () => zoom(page, seconds));
    line(`map: zooming ${seconds} s: ${zoomed.fps.toFixed(1)} fps (longest frame ${zoomed.worstMs.toFixed(0)} ms; load average ${load()})`);
    await page.evaluate(() => (document.querySelector('button[aria-label="Fit to view"]') as HTMLButtonElement | null)?.click());
    await page.waitForTimeout(1500);
    const selections: number[] = [];
    for (let i = 0; i < (options.quick ? 3 : 5); i++) {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(600);
      selections.push(await selectionFeedback(page, estate.hub));
    }
    line(`map: selection feedback (click on ${estate.hub} -> the frame after its emphasis is drawn): ${ms(selections)} (load average ${load()})`);
    line(`map: JS heap used ${(await heapMb(page)).toFixed(0)} MB after a collection`);
    await page.screenshot({ path: join(import.meta.dirname, '../test-results/bench-map.png') }).catch(() => {});
    if (options.keep) {
      line(`map: platform kept up at ${platform.apiUrl}/ (Ctrl-C stops it)`);
      await browser.close();
      browser = undefined;
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await browser?.close();
    platform.child.kill('SIGTERM');
    await new Promise((r) => platform.child.once('exit', r));
    await neo4j.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
