// Exploring the map (issue 10), all real: a small estate of its own sent as OTLP to the platform
// with a catalog giving systems and owners, answered through GraphQL, drawn in headless Chromium.
// Fold and unfold by system, focus with a depth, path and blast-radius modes, filters, the view's
// URL opened again, and the keyboard walk. Screenshots are kept in test-results/.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { launchChromium } from './support/browser.ts';
import { eventually, graphql, startTestPlatform } from './support/platform.ts';

const ARTIFACTS = join(import.meta.dirname, '../../test-results');
let platform: Platform;
let browser: Browser;

// shop: web -> cart, web -> orders, orders -> payments (pay), orders -> notify (ops);
// pay: payments -> ledger, payments -> fraud, fraud -> an AI provider, ledger -> its database.
const CALLS: Array<[string, string, number, number]> = [
  ['web', 'cart', 60, 0],
  ['web', 'orders', 40, 0],
  ['orders', 'payments', 30, 6],
  ['orders', 'notify', 3, 0],
  ['payments', 'ledger', 30, 0],
  ['payments', 'fraud', 30, 3],
];
const SYSTEMS: Record<string, [string, string]> = {
  web: ['shop', 'team-shop'], cart: ['shop', 'team-shop'], orders: ['shop', 'team-shop'],
  payments: ['pay', 'team-pay'], ledger: ['pay', 'team-pay'], fraud: ['pay', 'team-pay'], notify: ['ops', 'team-ops'],
};

let n = 0;
const hex = (width: number) => (++n).toString(16).padStart(width, '0');
const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

function span(service: string, attributes: unknown[], error: boolean, atMs: number, kind = 3) {
  const start = BigInt(atMs) * 1_000_000n;
  return { service, span: { traceId: hex(32), spanId: hex(16), name: 'call', kind, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 5_000_000n), attributes, status: { code: error ? 2 : 0 } } };
}

async function plant(): Promise<void> {
  const now = Date.now() - 60_000;
  const spans: ReturnType<typeof span>[] = [];
  for (const [from, to, calls, errors] of CALLS) {
    for (let i = 0; i < calls; i++) spans.push(span(from, [attr('http.request.method', 'GET'), attr('peer.service', to), attr('server.address', to)], i < errors, now + i * 100));
  }
  for (let i = 0; i < 20; i++) {
    spans.push(span('ledger', [attr('db.system.name', 'postgresql'), attr('db.namespace', 'ledger'), attr('server.address', 'pg-pay'), attr('db.operation.name', 'SELECT')], false, now + i * 100));
    spans.push(span('fraud', [attr('gen_ai.provider.name', 'openai'), attr('gen_ai.operation.name', 'chat')], false, now + i * 100));
    spans.push(span('notify', [attr('messaging.system', 'kafka'), attr('messaging.destination.name', 'mail.out'), attr('messaging.operation.type', 'send')], false, now + i * 100, 4));
    spans.push(span('cart', [attr('db.system.name', 'redis'), attr('server.address', 'cache')], false, now + i * 100));
  }
  const byService = new Map<string, unknown[]>();
  for (const s of spans) (byService.get(s.service) ?? byService.set(s.service, []).get(s.service)!).push(s.span);
  const body = { resourceSpans: [...byService].map(([service, list]) => ({ resource: { attributes: [attr('service.name', service)] }, scopeSpans: [{ spans: list }] })) };
  const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  await eventually(async () => {
    await platform.collector.flush();
    const { dependencies } = await graphql<{ dependencies: Array<{ from: string; to: string }> }>(platform.apiUrl, '{ dependencies(window: { last: "1h" }) { from to } }');
    expect(dependencies.length).toBeGreaterThanOrEqual(10);
  }, 30_000, 500);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-explore-'));
  const catalog = join(dir, 'catalog-info.yaml');
  writeFileSync(catalog, Object.entries(SYSTEMS).map(([name, [system, owner]]) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    orrery.dev/tier: "${name === 'web' ? 0 : 2}"\nspec:\n  type: service\n  owner: ${owner}\n  system: ${system}\n`).join('---\n'));
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_CATALOG: catalog, ORRERY_FLUSH_MS: '300' });
  await plant();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const marker = (page: Page, name: string) => page.locator(`[data-testid="map"] [data-component="${name}"]`);
const drawnNames = (page: Page) => page.locator('[data-testid="map"] [data-component]').evaluateAll((els) => els.map((e) => e.getAttribute('data-component')!).sort());
const selected = (page: Page) => page.locator('[data-testid="map-surface"]').getAttribute('data-selected');

async function open(query: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${platform.apiUrl}/${query}`);
  await page.locator('[data-testid="map"] [data-component]').first().waitFor({ state: 'visible', timeout: 60_000 });
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(ARTIFACTS, name) });
}

describe('exploring the map', () => {
  it('folds by system into groups with aggregated edges, and unfolds one in place', async () => {
    const page = await open('?range=1h');
    try {
      await page.locator('[data-testid="fold-select"]').selectOption('system');
      const groups = ['⟦system:shop⟧', '⟦system:pay⟧', '⟦system:ops⟧'];
      await expect.poll(async () => (await drawnNames(page)).filter((name) => groups.includes(name)).sort(), { timeout: 20_000 }).toEqual([...groups].sort());
      expect(await drawnNames(page)).not.toContain('payments');
      expect(new URL(page.url()).searchParams.get('fold')).toBe('system');
      // shop calls pay (orders -> payments) and ops: one edge each between the groups.
      expect(await page.locator('[data-testid="map"] .dependency[data-from="⟦system:shop⟧"][data-to="⟦system:pay⟧"]').count()).toBe(1);
      expect(await marker(page, '⟦system:pay⟧').locator('.label').textContent()).toBe('pay (3)');
      await screenshot(page, 'map-folded.png');

      // A double click unfolds the group in place: its members are back, the rest stays folded.
      await page.waitForTimeout(1500);
      await marker(page, '⟦system:pay⟧').dblclick({ force: true });
      await expect.poll(async () => drawnNames(page), { timeout: 20_000 }).toEqual(expect.arrayContaining(['payments', 'ledger', 'fraud', '⟦system:shop⟧']));
      // Nothing is left dimmed by the selection of the group that is gone.
      expect(await page.locator('[data-testid="map"]').evaluate((el) => el.classList.contains('has-selection'))).toBe(false);
      expect(new URL(page.url()).searchParams.getAll('open')).toEqual(['⟦system:pay⟧']);
      expect(await page.locator('[data-testid="map"] .dependency[data-from="⟦system:shop⟧"][data-to="payments"]').count()).toBe(1);
      await screenshot(page, 'map-unfolded.png');
    } finally {
      await page.close();
    }
  });

  it('focuses on a component with a chosen depth and direction', async () => {
    const page = await open('?range=1h');
    try {
      await marker(page, 'orders').waitFor({ state: 'visible' });
      await page.waitForTimeout(1500);
      await marker(page, 'orders').click({ force: true });
      await expect.poll(async () => selected(page)).toBe('orders');
      await page.locator('[data-testid="focus-button"]').click();
      await page.locator('[data-testid="focus-direction"]').selectOption('down');
      // One hop down from orders: payments and notify.
      await expect.poll(async () => drawnNames(page), { timeout: 20_000 }).toEqual(['notify', 'orders', 'payments']);
      await page.locator('[data-testid="focus-depth"]').fill('2');
      await page.locator('[data-testid="focus-depth"]').dispatchEvent('change');
      await expect.poll(async () => drawnNames(page), { timeout: 20_000 }).toEqual(['fraud', 'ledger', 'mail.out', 'notify', 'orders', 'payments']);
      const params = new URL(page.url()).searchParams;
      expect([params.get('around'), params.get('depth'), params.get('dir')]).toEqual(['orders', '2', 'down']);
      await screenshot(page, 'map-focus.png');
    } finally {
      await page.close();
    }
  });

  it('shows every path between two components, and the blast radius of one by probability', async () => {
    const page = await open('?range=1h');
    try {
      await page.locator('[data-testid="path-from"]').fill('web');
      await page.locator('[data-testid="path-to"]').fill('ledger');
      await page.locator('[data-testid="path-find"]').click();
      await expect.poll(async () => drawnNames(page), { timeout: 20_000 }).toEqual(['ledger', 'orders', 'payments', 'web']);
      expect(await page.locator('[data-testid="view-summary"]').textContent()).toMatch(/1 path through 4 components/);
      await screenshot(page, 'map-path.png');
      await page.locator('[data-testid="path-clear"]').click();

      await marker(page, 'fraud').waitFor({ state: 'visible', timeout: 20_000 });
      await page.waitForTimeout(1500);
      await marker(page, 'fraud').click({ force: true });
      await expect.poll(async () => selected(page)).toBe('fraud');
      await page.locator('[data-testid="blast-button"]').click();
      const casualties = page.locator('[data-testid="blast-panel"] [data-testid="blast-casualty"]');
      await expect.poll(async () => casualties.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')).sort()), { timeout: 20_000 }).toEqual(['orders', 'payments', 'web']);
      // Coloured on the map by probability: every casualty is ringed, components out of its reach are not.
      await expect.poll(async () => marker(page, 'payments').getAttribute('data-blast'), { timeout: 10_000 }).not.toBeNull();
      expect(Number(await marker(page, 'payments').getAttribute('data-blast'))).toBeGreaterThan(0);
      expect(await marker(page, 'cart').getAttribute('data-blast')).toBeNull();
      expect(new URL(page.url()).searchParams.get('blast')).toBe('fraud');
      await screenshot(page, 'map-blast.png');
    } finally {
      await page.close();
    }
  });

  it('filters by kind and volume, and opens the same view from its URL', async () => {
    const page = await open('?range=1h');
    try {
      await page.locator('[data-testid="filters-toggle"]').click();
      await page.locator('[data-testid="filter-kind-SERVICE"]').check();
      await expect.poll(async () => drawnNames(page), { timeout: 20_000 }).toEqual(['cart', 'fraud', 'ledger', 'notify', 'orders', 'payments', 'web']);
      // Hiding dependencies under 10 calls drops orders -> notify (3 calls).
      await page.locator('[data-testid="filter-min-calls"]').fill('10');
      await page.locator('[data-testid="filter-min-calls"]').dispatchEvent('change');
      await expect.poll(async () => page.locator('[data-testid="map"] .dependency[data-from="orders"][data-to="notify"]').count(), { timeout: 10_000 }).toBe(0);
      expect(await page.locator('[data-testid="map"] .dependency[data-from="orders"][data-to="payments"]').count()).toBe(1);
      await page.locator('[data-testid="layout-layered"]').click();
      await expect.poll(async () => page.locator('[data-testid="map-surface"]').getAttribute('data-layout')).toBe('layered');
      await screenshot(page, 'map-filtered-layered.png');
      const link = page.url();
      expect(new URL(link).searchParams.get('kinds')).toBe('SERVICE');

      // The link opens the same view.
      const again = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      try {
        await again.goto(link);
        await again.locator('[data-testid="map"] [data-component="web"]').waitFor({ state: 'visible', timeout: 60_000 });
        await expect.poll(async () => drawnNames(again), { timeout: 20_000 }).toEqual(await drawnNames(page));
        expect(await again.locator('[data-testid="map-surface"]').getAttribute('data-layout')).toBe('layered');
        await again.locator('[data-testid="filters-toggle"]').click();
        expect(await again.locator('[data-testid="filter-kind-SERVICE"]').isChecked()).toBe(true);
        expect(await again.locator('[data-testid="filter-min-calls"]').inputValue()).toBe('10');
      } finally {
        await again.close();
      }
    } finally {
      await page.close();
    }
  });

  it('walks neighbours with the arrow keys, says where it is, and Escape clears', async () => {
    // Layered: web on the left, what it calls to its right.
    const page = await open('?range=1h&layout=layered&kinds=SERVICE');
    try {
      await marker(page, 'web').waitFor({ state: 'visible' });
      await page.waitForTimeout(1000);
      await page.locator('form[role="search"] input').fill('web');
      await page.keyboard.press('Enter');
      await expect.poll(async () => selected(page)).toBe('web');
      await page.locator('[data-testid="map-surface"]').focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => ['cart', 'orders'].includes((await selected(page)) ?? '')).toBe(true);
      await page.keyboard.press('ArrowLeft');
      await expect.poll(async () => selected(page)).toBe('web');
      expect(await page.locator('[data-testid="announcement"]').textContent()).toMatch(/^web: Service, tier 0; depends on 2/);
      await page.keyboard.press('Escape');
      await expect.poll(async () => selected(page)).toBe('');
    } finally {
      await page.close();
    }
  });
});
