// checkout: the heart of the order-to-cash flow. Per order, synchronously: one pricing call per
// cart line (chatty), an inventory reservation, a fraud assessment that waits on an LLM (2-8 s),
// the payment; then large or suspicious orders go to a human approval, and the order is handed
// off on orders.placed (read by fulfilment) and orders.audit (read by nobody: an orphaned topic).
import { trace } from '@opentelemetry/api';
import { publish } from '../lib/broker-client.ts';
import { type Route, callJson, envNumber, peerUrl, serve } from '../lib/service.ts';
import { markError } from '../lib/telemetry.ts';

interface CartLine {
  sku: string;
  qty: number;
}

interface Order {
  customerId: string;
  lines: CartLine[];
}

const peers = {
  pricing: peerUrl('pricing'),
  inventory: peerUrl('inventory'),
  fraud: peerUrl('fraud-check'),
  payments: peerUrl('payments'),
  approvals: peerUrl('approvals'),
  broker: peerUrl('orders-broker'),
};
const approvalThreshold = envNumber('APPROVAL_THRESHOLD', 2050);
const PRICING_CONCURRENCY = 4;

/** Last good unit price per SKU: the fallback when pricing fails. Bounded by the SKU catalogue. */
const lastPrice = new Map<string, number>();
const MAX_PRICES = 10_000;

async function priceLine(line: CartLine): Promise<number> {
  try {
    const response = await callJson<{ unitPrice: number; amount: number }>(peers.pricing, 'GET', `/prices/${encodeURIComponent(line.sku)}?qty=${line.qty}`, undefined, 3000);
    if (response.status !== 200) throw new Error(`pricing answered ${response.status}`);
    if (lastPrice.size < MAX_PRICES || lastPrice.has(line.sku)) lastPrice.set(line.sku, response.body.unitPrice);
    return response.body.amount;
  } catch (error) {
    // Handled: price from the last answer, so a pricing blip never fails an order.
    const cached = lastPrice.get(line.sku);
    if (cached === undefined) throw error;
    trace.getActiveSpan()?.addEvent('price fallback', { 'orrery.sku': line.sku });
    return cached * line.qty;
  }
}

async function priceCart(lines: CartLine[]): Promise<number> {
  let total = 0;
  let next = 0;
  const worker = async () => {
    while (next < lines.length) total += await priceLine(lines[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PRICING_CONCURRENCY, lines.length) }, worker));
  return Math.round(total * 100) / 100;
}

const routes: Route[] = [
  {
    method: 'POST',
    template: '/checkout',
    handle: async ({ body }) => {
      const order = body as Order;
      if (!order?.customerId || !Array.isArray(order.lines) || order.lines.length === 0) return { status: 400, body: { error: 'customerId and lines required' } };
      const orderId = `ord_${crypto.randomUUID().slice(0, 12)}`;
      const span = trace.getActiveSpan();
      span?.setAttribute('orrery.order.id', orderId);

      const amount = await priceCart(order.lines);

      const reservation = await callJson(peers.inventory, 'POST', '/reservations', { orderId, lines: order.lines });
      if (reservation.status === 409) return { status: 409, body: { orderId, error: 'out_of_stock' } };
      if (reservation.status !== 201) return { status: 502, body: { orderId, error: `inventory answered ${reservation.status}` } };

      const assessment = await callJson<{ decision: string }>(peers.fraud, 'POST', '/assessments', { orderId, amount, customerId: order.customerId, lines: order.lines.length }, 20000);
      if (assessment.status !== 200) return { status: 502, body: { orderId, error: `fraud-check answered ${assessment.status}` } };
      if (assessment.body.decision === 'deny') return { status: 422, body: { orderId, error: 'fraud_suspected' } };

      // Not handled on purpose: a gateway failure surfaces as this order's 502 all the way up.
      const charge = await callJson(peers.payments, 'POST', '/charges', { orderId, amount });
      if (charge.status === 402) return { status: 402, body: { orderId, error: 'payment_declined' } };
      if (charge.status !== 201) return { status: 502, body: { orderId, error: `payments answered ${charge.status}` } };

      const reason = assessment.body.decision === 'review' ? 'fraud-review' : amount > approvalThreshold ? 'amount-over-threshold' : undefined;
      if (reason) {
        const approval = await callJson(peers.approvals, 'POST', '/approvals', { orderId, amount, reason });
        if (approval.status !== 202) span?.addEvent('approval not queued', { 'http.response.status_code': approval.status });
      }

      const event = { orderId, customerId: order.customerId, amount, lines: order.lines, placedAt: new Date().toISOString() };
      await Promise.all(
        ['orders.placed', 'orders.audit'].map((topic) =>
          // A failed hand-off fails its PRODUCER span but not the (already paid) order.
          publish(peers.broker, topic, event).catch((error: unknown) => {
            if (span) markError(span, error, 'publish_failed');
          }),
        ),
      );
      return { status: 201, body: { orderId, amount, status: reason ? 'pending-approval' : 'placed' } };
    },
  },
];

await serve('checkout', routes);
