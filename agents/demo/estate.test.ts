// The whole estate for real: every process started through register.ts, traffic flowing, each
// kind of interaction arriving at a throwaway OTLP receiver, and nothing left running after stop().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../src/testing/otlp-receiver.ts';
import { type DemoEstate, startDemoEstate } from './estate.ts';

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

let receiver: OtlpReceiver;
let estate: DemoEstate | undefined;
const log: string[] = [];

/** Each interaction the collector is expected to infer, as a test over the spans received. */
const interactions: Record<string, (spans: ReceivedSpan[]) => boolean> = {
  'storefront -> checkout, caller CLIENT is the parent of callee SERVER': (spans) => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    return spans.some((s) => s.service === 'checkout' && s.kind === SERVER && byId.get(s.parentSpanId ?? '')?.service === 'storefront');
  },
  'checkout -> pricing, about 12 calls per checkout trace': (spans) => {
    const trace = spans.find((s) => s.service === 'checkout' && s.kind === SERVER && s.attributes['http.route'] === '/checkout')?.traceId;
    return trace !== undefined && spans.filter((s) => s.traceId === trace && s.service === 'pricing' && s.kind === SERVER).length >= 8;
  },
  'inventory and fulfilment use the same SQLite database': (spans) =>
    ['inventory', 'fulfilment'].every((service) =>
      spans.some((s) => s.service === service && s.kind === CLIENT && s.attributes['db.system.name'] === 'sqlite' && s.attributes['db.system'] === 'sqlite' && s.attributes['db.namespace'] === 'inventory' && s.attributes['db.name'] === 'inventory' && typeof s.attributes['db.query.text'] === 'string' && typeof s.attributes['db.operation.name'] === 'string'),
    ),
  'payments -> uninstrumented payment-gateway by peer.service': (spans) =>
    spans.some((s) => s.service === 'payments' && s.kind === CLIENT && s.attributes['peer.service'] === 'payment-gateway' && s.attributes['server.address'] === '127.0.0.1'),
  'fraud-check -> AI over gen_ai attributes': (spans) =>
    spans.some((s) => s.service === 'fraud-check' && s.kind === CLIENT && s.attributes['gen_ai.provider.name'] === 'openai' && s.attributes['gen_ai.system'] === 'openai' && s.attributes['gen_ai.operation.name'] === 'chat' && s.attributes['gen_ai.request.model'] === 'gpt-4o-mini' && s.durationMs >= 1900),
  'checkout publishes orders.placed and orders.audit': (spans) =>
    ['orders.placed', 'orders.audit'].every((topic) =>
      spans.some((s) => s.service === 'checkout' && s.kind === PRODUCER && s.attributes['messaging.destination.name'] === topic && s.attributes['messaging.operation.type'] === 'send' && s.attributes['messaging.operation'] === 'publish'),
    ),
  'fulfilment consumes orders.placed in a new trace linked to the producer': (spans) => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    return spans.some(
      (s) => s.service === 'fulfilment' && s.kind === CONSUMER && s.parentSpanId === undefined && s.links.some((l) => byId.get(l.spanId)?.kind === PRODUCER && byId.get(l.spanId)?.traceId === l.traceId && l.traceId !== s.traceId),
    );
  },
  'nobody consumes orders.audit': (spans) => !spans.some((s) => s.kind === CONSUMER && s.attributes['messaging.destination.name'] === 'orders.audit'),
  'approvals waits on the ap-review human step': (spans) => spans.some((s) => s.service === 'approvals' && s.attributes['orrery.human.task'] === 'ap-review'),
};

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  estate = await startDemoEstate({ otlpEndpoint: receiver.endpoint, basePort: 27100, ordersPerSecond: 4, log: (line) => log.push(line) });
}, 60_000);

afterAll(async () => {
  await estate?.stop();
  await receiver?.close();
}, 30_000);

describe('the demo estate', () => {
  it('starts every process, the instrumented ones reporting under their own service.name', async () => {
    expect(estate!.processes.map((p) => p.port)).toEqual(Array.from({ length: 12 }, (_, i) => 27100 + i));
    expect(estate!.services).toEqual(['shopper', 'storefront', 'checkout', 'pricing', 'inventory', 'fulfilment', 'payments', 'fraud-check', 'approvals']);
    await receiver.waitFor((spans) => estate!.services.every((service) => spans.some((s) => s.service === service)), 30_000);
    const resource = receiver.spans.find((s) => s.service === 'checkout')!.resource;
    expect(resource).toMatchObject({ 'service.namespace': 'demo', 'service.version': '2.7.1', 'deployment.environment.name': 'demo' });
    // Uninstrumented processes never report.
    expect(receiver.spans.some((s) => ['orders-broker', 'payment-gateway', 'ai-model'].includes(s.service ?? ''))).toBe(false);
  }, 40_000);

  it('shows every kind of interaction', async () => {
    await receiver
      .waitFor((spans) => Object.values(interactions).every((holds) => holds(spans)), 45_000)
      .catch(() => undefined);
    const missing = Object.entries(interactions)
      .filter(([, holds]) => !holds(receiver.spans))
      .map(([name]) => name);
    expect(missing).toEqual([]);
  }, 50_000);

  it('stops every process it started', async () => {
    const pids = estate!.processes.map((p) => p.pid!);
    await estate!.stop();
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    expect(log.filter((l) => l.includes('exited unexpectedly'))).toEqual([]);
  }, 30_000);
});
