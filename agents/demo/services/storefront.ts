// storefront: the entry point. Browsing reads stock straight from inventory (a dependency the
// catalog does not declare); placing an order calls checkout and passes its outcome on as is.
import { type Route, callJson, peerUrl, serve } from '../lib/service.ts';

const checkout = peerUrl('checkout');
const inventory = peerUrl('inventory');

const routes: Route[] = [
  {
    method: 'GET',
    template: '/products',
    handle: async ({ url }) => {
      const skus = url.searchParams.get('skus') ?? '';
      const stock = await callJson(inventory, 'GET', `/stock?skus=${encodeURIComponent(skus)}`);
      return { status: stock.status === 200 ? 200 : 502, body: stock.body };
    },
  },
  {
    method: 'POST',
    template: '/orders',
    handle: async ({ body }) => {
      const result = await callJson(checkout, 'POST', '/checkout', body, 30000);
      return { status: result.status >= 500 ? 502 : result.status, body: result.body };
    },
  },
];

await serve('storefront', routes);
