// payment-gateway: stands in for a card processor's API, an external system nobody here can
// instrument, so it runs WITHOUT the agent. Answers like one: mostly approvals, a few declines
// (402), and now and then a 5xx or a slow answer.
import { type Route, chance, envNumber, randomBetween, serve, sleep } from '../lib/service.ts';

const failureRate = envNumber('GATEWAY_FAILURE_RATE', 0.03);
const declineRate = envNumber('GATEWAY_DECLINE_RATE', 0.02);

const routes: Route[] = [
  {
    method: 'POST',
    template: '/v1/charges',
    handle: async ({ body }) => {
      await sleep(chance(0.02) ? randomBetween(800, 1500) : randomBetween(20, 120));
      if (chance(failureRate)) return { status: chance(0.5) ? 503 : 500, body: { error: 'processor_unavailable' } };
      if (chance(declineRate)) return { status: 402, body: { error: 'card_declined' } };
      const { amount } = (body ?? {}) as { amount?: number };
      return { status: 200, body: { id: `ch_${crypto.randomUUID().slice(0, 12)}`, amount, status: 'succeeded' } };
    },
  },
];

await serve('payment-gateway', routes);
