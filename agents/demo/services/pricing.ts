// pricing: prices one cart line per call. checkout calls it once per line (about 12 times per
// order): the deliberately chatty coupling. Fails rarely; checkout falls back to the last price.
import { type Route, chance, envNumber, randomBetween, serve, sleep } from '../lib/service.ts';

const failureRate = envNumber('PRICING_FAILURE_RATE', 0.005);

/** A stable list price per SKU, 5.00 to 250.00. */
function listPrice(sku: string): number {
  let hash = 0;
  for (const ch of sku) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return 5 + (hash % 24500) / 100;
}

const routes: Route[] = [
  {
    method: 'GET',
    template: '/prices/{sku}',
    handle: async ({ params, url }) => {
      await sleep(randomBetween(1, 6));
      if (chance(failureRate)) throw new Error('price rules cache unavailable');
      const sku = params[0]!;
      const qty = Math.max(1, Number(url.searchParams.get('qty') ?? 1) || 1);
      const unitPrice = listPrice(sku);
      // A small volume discount, so the answer depends on the call and cannot be cached blindly.
      const discount = qty >= 3 ? 0.05 : 0;
      return { status: 200, body: { sku, qty, unitPrice, amount: Math.round(unitPrice * qty * (1 - discount) * 100) / 100 } };
    },
  },
];

await serve('pricing', routes);
