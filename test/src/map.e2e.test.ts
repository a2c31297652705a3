// End to end, all real: the demo estate's Node processes traced through agents/, the collector,
// Neo4j, GraphQL, and the map in headless Chromium. Keeps a screenshot in test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { launchChromium } from './support/browser.ts';
import { eventually, graphql, startTestPlatform } from './support/platform.ts';

const ARTIFACTS = join(import.meta.dirname, '../../test-results');
let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_DEMO: '1', ORRERY_FLUSH_MS: '500' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('the map of the running demo estate', () => {
  it('lists the demo services with their dependencies through GraphQL', async () => {
    expect(platform.demoServices.length).toBeGreaterThanOrEqual(8);
    const data = await eventually(async () => {
      const d = await graphql<{ services: Array<{ name: string }>; dependencies: Array<{ from: string; to: string; kind: string }> }>(
        platform.apiUrl,
        '{ services { name } dependencies { from to kind } }',
      );
      const names = d.services.map((s) => s.name);
      for (const service of platform.demoServices) expect(names).toContain(service);
      // Every kind of interaction the demo makes, inferred from real traces.
      const edges = d.dependencies.map((e) => `${e.from} -${e.kind}-> ${e.to}`);
      for (const edge of ['storefront -SYNC-> checkout', 'checkout -SYNC-> pricing', 'checkout -PUBLISH-> orders.placed', 'orders.placed -CONSUME-> fulfilment', 'checkout -ASYNC-> fulfilment', 'inventory -DATABASE-> sqlite:///inventory', 'payments -SYNC-> payment-gateway']) {
        expect(edges).toContain(edge);
      }
      return d;
    }, 90_000, 1000);
    expect(data.dependencies.length).toBeGreaterThanOrEqual(10);
  });

  it('shows every demo service on the map in Chromium', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(`${platform.apiUrl}/`);
      for (const service of platform.demoServices) {
        await page.locator(`[data-testid="map"] [data-component="${service}"]`).waitFor({ state: 'visible', timeout: 60_000 });
      }
      // The map draws in WebGL; each dependency and component it draws has a DOM marker carrying what it shows.
      await expect.poll(async () => page.locator('[data-testid="map"] .dependency').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(10);
      const label = await page.locator('[data-component="checkout"] .label').first().textContent();
      expect(label).toBe('checkout');
      expect(await page.locator('[data-testid="counts"]').textContent()).toMatch(/\d+\s*components/);
      await page.waitForTimeout(3000); // let the layout settle for the screenshot
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'map.png') });
      // Framed clear of the legend: a component drawn under it could be neither seen nor clicked.
      const legend = (await page.locator('section.legend').boundingBox())!;
      const hidden: string[] = [];
      for (const node of await page.locator('[data-testid="map"] [data-component]').all()) {
        const box = await node.boundingBox();
        if (!box) continue;
        const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
        if (x >= legend.x && x <= legend.x + legend.width && y >= legend.y && y <= legend.y + legend.height) hidden.push((await node.getAttribute('data-component'))!);
      }
      expect(hidden, 'components under the legend').toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('selecting a component shows what it depends on', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(`${platform.apiUrl}/`);
      const checkout = page.locator('[data-testid="map"] [data-component="checkout"]');
      await checkout.waitFor({ state: 'visible', timeout: 60_000 });
      await page.waitForTimeout(2000);
      await checkout.click({ force: true });
      await expect.poll(async () => page.locator('body').innerText(), { timeout: 10_000 }).toMatch(/pricing/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'map-checkout-selected.png') });
    } finally {
      await page.close();
    }
  });

  it('raises findings of every family against the demo catalog and lists them in the findings panel by severity', async () => {
    const families: Record<string, string[]> = {
      coupling: ['CHATTY_COUPLING', 'SHARED_DATASTORE', 'HIGH_COUPLING', 'CYCLE'],
      'orphaned handoff': ['ORPHANED_HANDOFF'],
      'undocumented coordination': ['UNDOCUMENTED_DEPENDENCY', 'UNCATALOGUED_SERVICE', 'STALE_DECLARATION'],
      'cascading risk': ['CASCADING_RISK_PATH', 'SINGLE_POINT_OF_FAILURE', 'SYNC_AI_ON_CRITICAL_PATH'],
    };
    await eventually(async () => {
      await platform.collector.detect();
      const { findings } = await graphql<{ findings: Array<{ kind: string }> }>(platform.apiUrl, '{ findings(status: OPEN) { kind } }');
      const kinds = new Set(findings.map((f) => f.kind));
      for (const [family, members] of Object.entries(families)) expect(members.some((k) => kinds.has(k)), family).toBe(true);
    }, 150_000, 2000);

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(`${platform.apiUrl}/`);
      const panel = page.locator('[data-testid="findings-panel"]');
      await panel.waitFor({ state: 'visible', timeout: 60_000 });
      const entries = panel.locator('[data-testid="finding"]');
      await expect.poll(async () => entries.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
      const kinds = await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
      for (const [family, members] of Object.entries(families)) expect(members.some((k) => kinds.includes(k)), family).toBe(true);
      // Listed worst first.
      const rank = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];
      const severities = await entries.evaluateAll((els) => els.filter((e) => e.getAttribute('data-status') !== 'RESOLVED').map((e) => e.getAttribute('data-severity') ?? ''));
      const ranks = severities.map((s) => rank.indexOf(s));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      // Selecting a cascading-risk finding shows its explanation and highlights its path.
      const risk = panel.locator('[data-testid="finding"][data-kind="CASCADING_RISK_PATH"]').first();
      await risk.click();
      await expect.poll(async () => page.locator('[data-testid="finding-detail"]').innerText(), { timeout: 10_000 }).toMatch(/tier 0/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'map-findings.png') });
    } finally {
      await page.close();
    }
  });
});

