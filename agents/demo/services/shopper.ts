// shopper: the load generator, instrumented like any client. Places ORDERS_PER_SECOND orders
// (default 2; each cart ~12 lines) and browses about as often. In-flight orders are capped, and
// what the cap skipped is counted, so a slow estate is not buried under a growing backlog.
import { SKU_COUNT, skuName } from '../lib/catalogue.ts';
import { type Route, callJson, envNumber, peerUrl, serve } from '../lib/service.ts';

const storefront = peerUrl('storefront');
const ordersPerSecond = envNumber('ORDERS_PER_SECOND', 2);
const browsesPerOrder = envNumber('BROWSES_PER_ORDER', 1);
const maxInFlight = envNumber('SHOPPER_MAX_IN_FLIGHT', 60);

const stats = { sent: 0, skipped: 0, failed: 0, browses: 0, byStatus: {} as Record<string, number> };
let inFlight = 0;

const randomSku = () => skuName(1 + Math.floor(Math.random() * SKU_COUNT));

function cart() {
  const lines = 8 + Math.floor(Math.random() * 9); // 8-16, ~12 on average
  return {
    customerId: `cust_${1 + Math.floor(Math.random() * 500)}`,
    lines: Array.from({ length: lines }, () => ({ sku: randomSku(), qty: 1 + Math.floor(Math.random() * 3) })),
  };
}

async function placeOrder(): Promise<void> {
  if (inFlight >= maxInFlight) {
    stats.skipped++;
    return;
  }
  inFlight++;
  stats.sent++;
  try {
    const response = await callJson(storefront, 'POST', '/orders', cart(), 40000);
    stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
  } catch {
    stats.failed++;
  } finally {
    inFlight--;
  }
}

async function browse(): Promise<void> {
  stats.browses++;
  const skus = Array.from({ length: 6 }, randomSku).join(',');
  await callJson(storefront, 'GET', `/products?skus=${skus}`).catch(() => undefined);
}

const routes: Route[] = [{ method: 'GET', template: '/stats', handle: () => ({ status: 200, body: { ...stats, inFlight } }) }];
await serve('shopper', routes);

// Poisson arrivals: exponential gaps give realistic bursts at the same mean rate.
function every(ratePerSecond: number, action: () => Promise<void>): void {
  if (ratePerSecond <= 0) return;
  const schedule = () => {
    const gapMs = (-Math.log(1 - Math.random()) / ratePerSecond) * 1000;
    setTimeout(() => {
      void action();
      schedule();
    }, gapMs);
  };
  schedule();
}

every(ordersPerSecond, placeOrder);
// Progress for whoever runs the estate, over IPC so that it adds no spans.
if (process.send) setInterval(() => process.send?.({ type: 'shopper-stats', stats: { ...stats, inFlight } }), 15000).unref();
every(ordersPerSecond * browsesPerOrder, browse);
