// A SERVER span exported after its CLIENT span's pairing timeout (a loaded exporter, a long batch
// delay) or never (sampled out): the call still belongs on the edge to the service earlier calls
// to the same address reached, not on a phantom node named by the address.
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../model/interaction.ts';
import { manualClock, span, traceId } from '../testing/builders.ts';
import { createSpanInference } from './span-inference.ts';

const TIMEOUT = 1000;

function setUp() {
  const clock = manualClock(1_700_000_000_000);
  const edges: string[] = [];
  const inference = createSpanInference({
    pairingTimeoutMs: TIMEOUT, maxPendingSpans: 1000, clock: clock.now,
    onInteraction: (i: Interaction) => edges.push(`${i.from.name} -> ${i.to.name}${i.to.virtual ? ' (virtual)' : ''}`),
    onComponent: () => {},
  });
  /** checkout calls `address`; pricing's SERVER span comes `serverAfterMs` later, or never. */
  const call = (address: string, serverAfterMs: number | null, callee = 'pricing') => {
    const trace = traceId();
    const client = span({ service: 'checkout', kind: 'CLIENT', traceId: trace, startMs: clock.now(), attributes: { 'http.request.method': 'GET', 'server.address': address.split(':')[0]!, 'server.port': Number(address.split(':')[1]) } });
    inference.ingest([client]);
    const server = span({ service: callee, kind: 'SERVER', traceId: trace, parentSpanId: client.spanId, startMs: clock.now() + 1, attributes: { 'http.request.method': 'GET', 'http.route': '/price' } });
    if (serverAfterMs === 0) inference.ingest([server]);
    else if (serverAfterMs !== null) {
      clock.advance(serverAfterMs);
      inference.expire();
      inference.ingest([server]);
    }
    clock.advance(TIMEOUT + 1);
    inference.expire();
  };
  return { clock, edges, inference, call };
}

describe('a callee span that comes too late, or never', () => {
  it('leaves the call on the edge to the service its address was seen to be', () => {
    const { edges, inference, call } = setUp();
    call('127.0.0.1:7103', 0);
    call('127.0.0.1:7103', 3000);
    call('127.0.0.1:7103', null);
    expect(edges).toEqual(['checkout -> pricing', 'checkout -> pricing', 'checkout -> pricing']);
    const { outcomes } = inference.stats();
    expect([outcomes.pairedCall, outcomes.callToKnownAddress, outcomes.serverWithoutClient, outcomes.callToVirtualPeer]).toEqual([2, 2, 1, 0]);
  });

  it('keeps a virtual peer for an address no paired call has shown, or two services answered at', () => {
    const { edges, call } = setUp();
    call('127.0.0.1:7200', null);
    call('gateway:8080', 0, 'orders');
    call('gateway:8080', 0, 'billing');
    call('gateway:8080', null);
    expect(edges).toEqual(['checkout -> 127.0.0.1:7200 (virtual)', 'checkout -> orders', 'checkout -> billing', 'checkout -> gateway:8080 (virtual)']);
  });

  it('forgets an address after a quiet quarter of an hour', () => {
    const { clock, edges, call } = setUp();
    call('10.0.0.7:8080', 0);
    clock.advance(16 * 60_000);
    call('10.0.0.7:8080', null);
    expect(edges).toEqual(['checkout -> pricing', 'checkout -> 10.0.0.7:8080 (virtual)']);
  });
});
