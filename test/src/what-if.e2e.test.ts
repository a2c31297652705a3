// What-if by declared intent on the running demo estate, all real: the demo's Node processes
// traced through agents/, the collector with the demo catalog, GraphQL whatIf and resiliencePlan,
// and the map's what-if mode in headless Chromium. Keeps screenshots in test-results/.
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

interface Impact {
  name: string;
  kind: string;
  path: string[];
  reason: string;
  tier: number | null;
  assumed: boolean;
  addedLatencyMs: number | null;
}
interface WhatIf {
  broken: Impact[];
  degraded: Impact[];
  unaffected: string[];
}
const IMPACT = '{ name kind path reason tier assumed addedLatencyMs }';
const whatIf = async (args: string) =>
  (await graphql<{ whatIf: WhatIf }>(platform.apiUrl, `{ whatIf(${args}) { broken ${IMPACT} degraded ${IMPACT} unaffected } }`)).whatIf;

beforeAll(async () => {
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_DEMO: '1', ORRERY_FLUSH_MS: '500', ORRERY_DETECT_MS: '500' });
  browser = await launchChromium();
  // The demo's catalog intent is on the graph after a detector pass, and payments has been called.
  await eventually(async () => {
    await platform.collector.flush();
    await platform.collector.detect();
    const answer = await whatIf('fail: ["payments"]');
    expect(answer.broken.map((i) => i.name)).toEqual(expect.arrayContaining(['checkout', 'storefront']));
    // And the order workflow has run: a run is reported once its trace's window has closed.
    expect(answer.broken.some((i) => i.kind === 'WORKFLOW' && i.name.startsWith('storefront '))).toBe(true);
  }, 120_000, 2000);
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('whatIf on the demo estate', () => {
  it('breaks the tier-0 components and the order workflow when payments is down, each with its path and reason', async () => {
    const answer = await whatIf('fail: ["payments"]');
    const checkout = answer.broken.find((i) => i.name === 'checkout')!;
    expect(checkout).toMatchObject({ kind: 'SERVICE', tier: 0, path: ['payments', 'checkout'] });
    expect(checkout.reason).toMatch(/^checkout \(tier 0: must never go down\) fails with payments in \d+% of cases via payments <- checkout: /);
    expect(answer.broken.find((i) => i.name === 'storefront')?.path).toEqual(['payments', 'checkout', 'storefront']);
    const workflow = answer.broken.find((i) => i.kind === 'WORKFLOW' && i.name.startsWith('storefront '));
    expect(workflow?.reason).toMatch(/^Its entry point storefront breaks/);
    // shopper is declared degradable: it degrades, as the catalog says it may.
    expect(answer.degraded.find((i) => i.name === 'shopper')?.reason).toMatch(/declared degradable/);
    // fulfilment reads orders asynchronously and never calls payments.
    expect(answer.unaffected).toEqual(expect.arrayContaining(['fulfilment', 'pricing']));
  });

  it('keeps the order flow up when fulfilment is down: the handoff waits', async () => {
    const answer = await whatIf('fail: ["fulfilment"]');
    expect(answer.broken.map((i) => i.name)).not.toContain('checkout');
    expect(answer.unaffected).toEqual(expect.arrayContaining(['checkout', 'storefront']));
    const orders = answer.degraded.find((i) => i.kind === 'WORKFLOW' && i.name.startsWith('storefront '));
    expect(orders?.reason).toMatch(/hands to fulfilment asynchronously \(ASYNC\) waits until fulfilment is back/);
  });

  it('adds latency up the synchronous callers, times the calls per order, against their p95 promises', async () => {
    const answer = await whatIf('fail: [], slow: [{ name: "pricing", latencyMs: 300 }]');
    const checkout = answer.broken.find((i) => i.name === 'checkout')!;
    // checkout prices each cart line with a call: about a dozen calls per order.
    expect(checkout.addedLatencyMs).toBeGreaterThan(300 * 5);
    expect(checkout.reason).toMatch(/checkout calls pricing [\d.]+ times per request, assumed one after another/);
    expect(checkout.reason).toMatch(/past the 2,500 ms it promises its callers/);
  });

  it('refuses a component it does not know, naming it', async () => {
    await expect(whatIf('fail: ["no-such-service"]')).rejects.toThrow('no component named "no-such-service" in this window');
  });

  it('plans the disruptions worth testing first, by declared intent', async () => {
    const { resiliencePlan } = await graphql<{ resiliencePlan: Array<{ component: string; failure: string; intensity: string; reason: string; priority: number; atStake: string[] }> }>(
      platform.apiUrl,
      '{ resiliencePlan(limit: 30) { component failure intensity reason priority atStake } }',
    );
    expect(resiliencePlan.length).toBeGreaterThan(3);
    const priorities = resiliencePlan.map((t) => t.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    // fraud-check is declared degradable and checkout (tier 0) waits on it: test the full outage the declaration says is safe.
    const fraud = resiliencePlan.find((t) => t.component === 'fraud-check' && t.failure === 'UNAVAILABLE');
    expect(fraud).toMatchObject({ intensity: 'every call fails' });
    expect(fraud?.atStake).toEqual(expect.arrayContaining(['checkout', 'storefront']));
    expect(fraud?.reason).toMatch(/fraud-check is declared degradable \(orrery\.dev\/degradable\): losing it should be safe, so test exactly that/);
    // Latency tests depend on the headroom under each promise, which a loaded test machine eats:
    // their sizing is covered on hand-built graphs (collector/src/whatif/resilience-plan.test.ts).
    for (const t of resiliencePlan) expect(t.reason.length, `${t.component} ${t.failure}`).toBeGreaterThan(40);
  });
});

describe('the map in what-if mode', () => {
  it('draws what a picked component breaks, degrades and leaves alone, with the reasons beside the map', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(`${platform.apiUrl}/`);
      const payments = page.locator('[data-testid="map"] [data-component="payments"]');
      await payments.waitFor({ state: 'visible', timeout: 60_000 });
      await page.locator('[data-testid="whatif-toggle"]').click();
      await page.locator('[data-testid="whatif-panel"]').waitFor({ state: 'visible' });
      await page.waitForTimeout(1500); // let the layout settle before clicking a moving node
      await payments.click({ force: true });

      const broken = page.locator('[data-testid="whatif-broken"] [data-testid="whatif-impact"][data-name="checkout"]');
      await broken.waitFor({ state: 'visible', timeout: 20_000 });
      expect(await broken.innerText()).toMatch(/fails with payments/);
      await expect.poll(async () => page.locator('[data-testid="map"] [data-component="payments"]').getAttribute('data-whatif'), { timeout: 10_000 }).toBe('failed');
      expect(await page.locator('[data-testid="map"] [data-component="checkout"]').getAttribute('data-whatif')).toBe('broken');
      expect(await page.locator('[data-testid="map"] [data-component="storefront"]').getAttribute('data-whatif')).toBe('broken');
      expect(await page.locator('[data-testid="map"] [data-component="fulfilment"]').getAttribute('data-whatif')).toBe('unaffected');
      expect(await page.locator('[data-testid="whatif-degraded"] [data-name="shopper"]').innerText()).toMatch(/declared degradable/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'map-what-if.png') });

      // Trying the plan's degradable-outage test swaps the scenario for fraud-check, down.
      const test = page.locator('[data-testid="resilience-test"][data-target="fraud-check"][data-failure="UNAVAILABLE"]');
      await test.waitFor({ state: 'visible', timeout: 20_000 });
      await test.locator('button', { hasText: 'Try' }).click();
      await expect.poll(async () => page.locator('[data-testid="map"] [data-component="fraud-check"]').getAttribute('data-whatif'), { timeout: 10_000 }).toBe('failed');
      await expect.poll(async () => page.locator('[data-testid="map"] [data-component="payments"]').getAttribute('data-whatif'), { timeout: 10_000 }).toBe('unaffected');
      await page.screenshot({ path: join(ARTIFACTS, 'map-what-if-plan.png') });
    } finally {
      await page.close();
    }
  });
});
