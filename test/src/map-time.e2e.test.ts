// The map in time (issue 8, DESIGN.md section 7), all real: the demo estate traced through agents/,
// the collector, Neo4j, GraphQL and the page in headless Chromium. Beside the demo, a small
// estate of its own is sent as OTLP with timestamps in the past, so the ranges and the diff have
// something known to show: `billing` called `legacy-tax` only 24 minutes ago, calls `tax` only
// now, its calls to `rates` started failing, its calls to `ledger` stopped failing, and it rolled
// out 1.5.0 in between. Screenshots are kept in test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { launchChromium } from './support/browser.ts';
import { eventually, graphql, startTestPlatform } from './support/platform.ts';

const ARTIFACTS = join(import.meta.dirname, '../../test-results');
const MINUTE = 60_000;
let platform: Platform;
let browser: Browser;
/** When the planted traffic was dated from. */
let plantedAt: number;

let n = 0;
const hex = (width: number) => (++n).toString(16).padStart(width, '0');
const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const intAttr = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

/** One OTLP request: `calls` CLIENT spans of billing each answered by a SERVER span of `callee`, every 200 ms from `atMs`. */
function calls(callee: string, version: string, atMs: number, count: number, failing: number) {
  const client: unknown[] = [];
  const server: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const start = atMs + i * 200;
    const t = (ms: number) => String(BigInt(start + ms) * 1_000_000n);
    const traceId = hex(32);
    const clientId = hex(16);
    const failed = i < failing;
    const status = failed ? { code: 2 } : { code: 0 };
    client.push({
      traceId, spanId: clientId, name: 'GET', kind: 3, startTimeUnixNano: t(0), endTimeUnixNano: t(20), status,
      attributes: [attr('http.request.method', 'GET'), attr('server.address', callee), intAttr('server.port', 8080)],
    });
    server.push({
      traceId, spanId: hex(16), parentSpanId: clientId, name: 'GET /quote', kind: 2, startTimeUnixNano: t(2), endTimeUnixNano: t(18), status,
      attributes: [attr('http.request.method', 'GET'), attr('http.route', '/quote')],
    });
  }
  const resource = (service: string, v: string) => ({ attributes: [attr('service.name', service), attr('service.version', v)] });
  return {
    resourceSpans: [
      { resource: resource('billing', version), scopeSpans: [{ spans: client }] },
      { resource: resource(callee, '1.0.0'), scopeSpans: [{ spans: server }] },
    ],
  };
}

async function plant(): Promise<void> {
  plantedAt = Date.now();
  const before = plantedAt - 24 * MINUTE;
  const after = plantedAt - 6 * MINUTE;
  const requests = [
    calls('legacy-tax', '1.4.0', before, 50, 0),
    calls('rates', '1.4.0', before, 200, 0),
    calls('ledger', '1.4.0', before, 200, 100),
    calls('tax', '1.5.0', after, 50, 0),
    calls('rates', '1.5.0', after, 200, 100),
    calls('ledger', '1.5.0', after, 200, 0),
  ];
  for (const body of requests) {
    const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }
  await eventually(async () => {
    await platform.collector.flush();
    const { dependencies } = await graphql<{ dependencies: Array<{ from: string; to: string }> }>(platform.apiUrl, '{ dependencies(window: { last: "1h" }) { from to } }');
    const billing = dependencies.filter((d) => d.from === 'billing').map((d) => d.to).sort();
    expect(billing).toEqual(['ledger', 'legacy-tax', 'rates', 'tax']);
  }, 30_000, 500);
}

beforeAll(async () => {
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_DEMO: '1', ORRERY_FLUSH_MS: '500' });
  browser = await launchChromium();
  await plant();
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const onMap = (page: Page, name: string) => page.locator(`[data-testid="map"] [data-component="${name}"]`);
// The map draws in WebGL: each drawn dependency has a DOM marker with the colour and dash it is drawn in.
const edge = (page: Page, from: string, to: string) => page.locator(`[data-testid="map"] .dependency[data-from="${from}"][data-to="${to}"]`);

/** Length of the window the map says it shows, once the answer for the range has arrived. */
async function shownWindow(page: Page): Promise<{ from: number; to: number }> {
  const summary = page.locator('[data-testid="range-summary"]');
  return { from: Date.parse((await summary.getAttribute('data-from')) ?? ''), to: Date.parse((await summary.getAttribute('data-to')) ?? '') };
}

async function expectShownLength(page: Page, ms: number) {
  await expect.poll(async () => {
    const w = await shownWindow(page);
    return Math.round((w.to - w.from) / 1000);
  }, { timeout: 20_000 }).toBe(ms / 1000);
}

async function screenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name) });
}

/** `<input type="datetime-local">` text for an instant in the browser's time zone. */
async function localInput(page: Page, ms: number): Promise<string> {
  return page.evaluate((at) => {
    const d = new Date(at);
    const p = (x: number) => String(x).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, ms);
}

describe('the map in time', () => {
  it('switches ranges from the picker, keeps the choice in the URL and redraws the map for each', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(`${platform.apiUrl}/`);
      const picker = page.locator('[data-testid="range-picker"]');
      await onMap(page, 'checkout').waitFor({ state: 'visible', timeout: 60_000 });
      // Live by default: the last 15 minutes, and nothing in the URL.
      expect(await picker.locator('[data-range="live"]').getAttribute('aria-pressed')).toBe('true');
      expect(new URL(page.url()).search).toBe('');
      await expectShownLength(page, 15 * MINUTE);
      await expect.poll(async () => page.locator('[data-testid="updated"]').innerText()).toMatch(/Live/);
      // legacy-tax was called 24 minutes ago only: not in the last 15 minutes.
      await onMap(page, 'billing').waitFor({ state: 'visible', timeout: 20_000 });
      expect(await onMap(page, 'legacy-tax').count()).toBe(0);

      await picker.locator('[data-range="1h"]').click();
      await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('1h');
      expect(await picker.locator('[data-range="1h"]').getAttribute('aria-pressed')).toBe('true');
      expect(await picker.locator('[data-range="live"]').getAttribute('aria-pressed')).toBe('false');
      await expectShownLength(page, 60 * MINUTE);
      await onMap(page, 'legacy-tax').waitFor({ state: 'visible', timeout: 20_000 });
      await expect.poll(async () => edge(page, 'billing', 'legacy-tax').count(), { timeout: 10_000 }).toBe(1);
      await page.waitForTimeout(1500);
      await screenshot(page, 'map-range-1h.png');

      // The component panel follows the range, with sparklines of its history.
      await onMap(page, 'billing').click({ force: true });
      const panel = page.locator('[data-testid="component-panel"]');
      await expect.poll(async () => panel.locator('[data-testid="component-spark"]').count(), { timeout: 15_000 }).toBe(3);
      await expect.poll(async () => panel.locator('[data-testid="component-spark"] path.line').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
      // The last hour holds both periods of planted traffic to rates: 200 calls, then 200 of which 100 failed.
      const ratesRow = panel.locator('tr[data-dependency="rates"]');
      await expect.poll(async () => ratesRow.locator('td.num').first().innerText(), { timeout: 10_000 }).toBe('400');
      expect(await ratesRow.locator('td.num').nth(1).innerText()).toMatch(/^100\b/);
      await ratesRow.locator('[data-testid="dependency-trend"]').click();
      const detail = panel.locator('[data-testid="dependency-detail"][data-to="rates"]');
      await expect.poll(async () => detail.locator('svg[data-testid^="dependency-spark-"]').count()).toBe(3);
      // The failures after the rollout show as error bars.
      expect(await detail.locator('[data-testid="dependency-spark-errors"] rect').count()).toBeGreaterThanOrEqual(1);
      await screenshot(page, 'map-range-1h-sparklines.png');
      await page.keyboard.press('Escape');

      await picker.locator('[data-range="24h"]').click();
      await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('24h');
      await expectShownLength(page, 24 * 60 * MINUTE);

      // A link opens the same range.
      await page.goto(`${platform.apiUrl}/?range=24h`);
      await onMap(page, 'legacy-tax').waitFor({ state: 'visible', timeout: 30_000 });
      expect(await page.locator('[data-testid="range-picker"] [data-range="24h"]').getAttribute('aria-pressed')).toBe('true');
      await expectShownLength(page, 24 * 60 * MINUTE);

      // A custom range in the past, before the demo estate started: only what was planted then.
      const from = plantedAt - 40 * MINUTE;
      const to = plantedAt - 20 * MINUTE;
      await page.locator('[data-testid="range-picker"] [data-range="custom"]').click();
      const form = page.locator('[data-testid="custom-range"]');
      await form.locator('input[name="from"]').fill(await localInput(page, from));
      await form.locator('input[name="to"]').fill(await localInput(page, to));
      await form.locator('button[type="submit"]').click();
      await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe(new Date(Math.floor(from / MINUTE) * MINUTE).toISOString());
      expect(new URL(page.url()).searchParams.get('to')).toBe(new Date(Math.floor(to / MINUTE) * MINUTE).toISOString());
      expect(await page.locator('[data-testid="range-picker"] [data-range="custom"]').getAttribute('aria-pressed')).toBe('true');
      await expect.poll(async () => (await shownWindow(page)).from, { timeout: 20_000 }).toBe(Math.floor(from / MINUTE) * MINUTE);
      await onMap(page, 'legacy-tax').waitFor({ state: 'visible', timeout: 20_000 });
      await expect.poll(async () => onMap(page, 'checkout').count(), { timeout: 20_000 }).toBe(0);
      expect(await onMap(page, 'tax').count()).toBe(0);
      // A range wholly in the past is fetched once, not polled.
      await expect.poll(async () => page.locator('[data-testid="updated"]').innerText()).toMatch(/Fixed range/);
      await page.waitForTimeout(1500);
      await screenshot(page, 'map-range-custom.png');

      // Back goes to the range before.
      await page.goBack();
      await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('24h');
      await expect.poll(async () => page.locator('[data-testid="range-picker"] [data-range="24h"]').getAttribute('aria-pressed')).toBe('true');
      await onMap(page, 'checkout').waitFor({ state: 'visible', timeout: 20_000 });
    } finally {
      await page.close();
    }
  });

  it('in diff mode lists and draws what was added, removed, regressed, improved and rolled out', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(`${platform.apiUrl}/?range=1h`);
      await onMap(page, 'billing').waitFor({ state: 'visible', timeout: 60_000 });
      // The last 15 minutes against the 15 before: legacy-tax (24 min ago) is gone, tax (6 min ago) is new.
      await page.locator('[data-testid="range-picker"] [data-range="15m"]').click();
      await page.locator('[data-testid="compare-toggle"]').click();
      await expect.poll(() => new URL(page.url()).search).toMatch(/range=15m&compare=previous/);
      expect(await page.locator('[data-testid="compare-toggle"]').getAttribute('aria-pressed')).toBe('true');

      const panel = page.locator('[data-testid="diff-panel"]');
      const item = (change: string, extra = '') => panel.locator(`[data-testid="diff-item"][data-change="${change}"]${extra}`);
      await expect.poll(async () => panel.locator('[data-testid="diff-item"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);

      // The list beside the map.
      await expect.poll(async () => item('added', '[data-subject="component"][data-component="tax"]').count(), { timeout: 20_000 }).toBe(1);
      expect(await item('added', '[data-from="billing"][data-to="tax"]').count()).toBe(1);
      // Everything of the demo estate started within the last 15 minutes.
      expect(await item('added', '[data-subject="component"][data-component="checkout"]').count()).toBe(1);
      expect(await item('removed', '[data-subject="component"][data-component="legacy-tax"]').count()).toBe(1);
      expect(await item('removed', '[data-from="billing"][data-to="legacy-tax"]').count()).toBe(1);
      const regressed = item('regressed', '[data-from="billing"][data-to="rates"]');
      const improved = item('improved', '[data-from="billing"][data-to="ledger"]');
      expect(await regressed.count()).toBe(1);
      expect(await improved.count()).toBe(1);
      // With the API's reasons and the counts behind them (planted: 0 of 200 failed, then 100 of 200, and the reverse).
      expect(await regressed.innerText()).toMatch(/error rate.*\(0\/200 -> 100\/200\)/);
      expect(await improved.innerText()).toMatch(/error rate.*\(100\/200 -> 0\/200\)/);
      const rollout = item('version', '[data-component="billing"]');
      expect(await rollout.count()).toBe(1);
      expect(await rollout.innerText()).toMatch(/1\.4\.0\s*→\s*1\.5\.0/);

      // The map draws each change distinctly.
      await expect.poll(async () => edge(page, 'billing', 'rates').getAttribute('data-diff'), { timeout: 20_000 }).toBe('regressed');
      expect(await edge(page, 'billing', 'ledger').getAttribute('data-diff')).toBe('improved');
      expect(await edge(page, 'billing', 'tax').getAttribute('data-diff')).toBe('added');
      await expect.poll(async () => edge(page, 'billing', 'legacy-tax').getAttribute('data-diff'), { timeout: 10_000 }).toBe('removed');
      expect(await onMap(page, 'legacy-tax').getAttribute('data-diff')).toBe('removed');
      expect(await onMap(page, 'tax').getAttribute('data-diff')).toBe('added');
      const stroke = (from: string, to: string) => edge(page, from, to).getAttribute('data-stroke');
      const strokes = [await stroke('billing', 'rates'), await stroke('billing', 'ledger'), await stroke('billing', 'tax'), await stroke('billing', 'legacy-tax')];
      expect(new Set(strokes).size).toBe(4);
      // Not colour alone: a ghost is dotted, and every changed edge carries a marker whose glyph differs by change.
      expect(await edge(page, 'billing', 'legacy-tax').getAttribute('data-dash')).toMatch(/^\d/);
      const glyph = (change: string, to: string) => page.locator(`[data-testid="map"] [data-diff-marker="${change}"][data-from="billing"][data-to="${to}"] path`).getAttribute('d');
      const glyphs = [await glyph('regressed', 'rates'), await glyph('improved', 'ledger'), await glyph('added', 'tax'), await glyph('removed', 'legacy-tax')];
      expect(glyphs.every((d) => d !== null && d !== '')).toBe(true);
      expect(new Set(glyphs).size).toBe(4);
      const legend = page.locator('[data-testid="diff-legend"] li[data-change]');
      expect(await legend.evaluateAll((els) => els.map((e) => e.getAttribute('data-change')))).toEqual(['added', 'removed', 'regressed', 'improved']);
      await page.waitForTimeout(1500);
      await screenshot(page, 'map-diff.png');

      // Picking an entry lights it up on the map and dims the rest.
      await regressed.click();
      expect(await regressed.getAttribute('aria-pressed')).toBe('true');
      await expect.poll(async () => edge(page, 'billing', 'rates').evaluate((el) => el.classList.contains('active'))).toBe(true);
      expect(await page.locator('[data-testid="map"]').evaluate((el) => el.classList.contains('has-selection'))).toBe(true);
      expect(await edge(page, 'billing', 'ledger').evaluate((el) => el.classList.contains('active'))).toBe(false);
      await page.waitForTimeout(800);
      await screenshot(page, 'map-diff-highlight.png');

      // A comparison window of one's own, kept in the URL too.
      const from = plantedAt - 30 * MINUTE;
      const to = plantedAt - 20 * MINUTE;
      await page.locator('[data-testid="compare-with"]').selectOption('custom');
      const form = page.locator('[data-testid="compare-range"]');
      await form.locator('input[name="from"]').fill(await localInput(page, from));
      await form.locator('input[name="to"]').fill(await localInput(page, to));
      await form.locator('button[type="submit"]').click();
      await expect.poll(() => new URL(page.url()).searchParams.get('compare')).toBe('custom');
      expect(new URL(page.url()).searchParams.get('compareFrom')).toBe(new Date(Math.floor(from / MINUTE) * MINUTE).toISOString());
      await expect.poll(async () => page.locator('[data-testid="compare-summary"]').getAttribute('data-before-from'), { timeout: 20_000 }).toBe(
        new Date(Math.floor(from / MINUTE) * MINUTE).toISOString(),
      );
      // legacy-tax was seen in that window too: still removed.
      await expect.poll(async () => item('removed', '[data-subject="component"][data-component="legacy-tax"]').count(), { timeout: 20_000 }).toBe(1);
    } finally {
      await page.close();
    }
  });
});
