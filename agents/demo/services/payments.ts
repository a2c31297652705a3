// payments: charges orders through the external payment-gateway (uninstrumented). The gateway's
// HTTP CLIENT span is the agent's own; its peer.service comes from the standard
// OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING the estate sets. A gateway 5xx is passed up as
// 502 without handling: the error propagates to checkout, storefront and the shopper.
import { type Route, callJson, peerUrl, serve } from '../lib/service.ts';

const gateway = peerUrl('payment-gateway');

const routes: Route[] = [
  {
    method: 'POST',
    template: '/charges',
    handle: async ({ body }) => {
      const { orderId, amount } = body as { orderId: string; amount: number };
      const response = await callJson<{ id?: string; error?: string }>(gateway, 'POST', '/v1/charges', { amount, currency: 'EUR', reference: orderId }, 5000);
      if (response.status === 200) return { status: 201, body: { orderId, chargeId: response.body.id } };
      if (response.status === 402) return { status: 402, body: { orderId, error: 'card_declined' } };
      return { status: 502, body: { orderId, error: `payment gateway answered ${response.status}` } };
    },
  },
];

await serve('payments', routes);
