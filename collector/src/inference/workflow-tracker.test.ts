// Where a workflow run enters the estate, through span inference as the collector runs it.
import { describe, expect, it } from 'vitest';
import type { Span } from '../model/span.ts';
import { manualClock, span, traceId } from '../testing/builders.ts';
import { createSpanInference } from './span-inference.ts';
import type { WorkflowRun } from './workflow-tracker.ts';

function runsOf(batches: Span[][]): WorkflowRun[] {
  const clock = manualClock(1_700_000_000_000);
  const runs: WorkflowRun[] = [];
  const inference = createSpanInference({
    pairingTimeoutMs: 1000, maxPendingSpans: 1000, clock: clock.now,
    onInteraction: () => {}, onComponent: () => {}, onWorkflowRun: (run) => runs.push(run),
  });
  for (const batch of batches) {
    inference.ingest(batch);
    clock.advance(10);
  }
  clock.advance(2000);
  inference.expire();
  return runs;
}

/** A load generator's parentless CLIENT span calling the storefront, which calls checkout. */
function shopperTrace(options: { storefrontFails?: boolean; checkoutFails?: boolean } = {}) {
  const trace = traceId();
  const shopper = span({ service: 'shopper', kind: 'CLIENT', traceId: trace, name: 'POST', attributes: { 'http.request.method': 'POST', 'server.address': 'storefront' }, status: options.storefrontFails ? 'ERROR' : 'UNSET' });
  const storefront = span({ service: 'storefront', kind: 'SERVER', traceId: trace, parentSpanId: shopper.spanId, name: 'POST /orders', attributes: { 'http.request.method': 'POST', 'http.route': '/orders' }, status: options.storefrontFails ? 'ERROR' : 'UNSET' });
  const call = span({ service: 'storefront', kind: 'CLIENT', traceId: trace, parentSpanId: storefront.spanId, name: 'POST', attributes: { 'http.request.method': 'POST', 'server.address': 'checkout' }, status: options.checkoutFails ? 'ERROR' : 'UNSET' });
  const checkout = span({ service: 'checkout', kind: 'SERVER', traceId: trace, parentSpanId: call.spanId, name: 'POST /checkout', attributes: { 'http.request.method': 'POST', 'http.route': '/checkout' }, status: options.checkoutFails ? 'ERROR' : 'UNSET' });
  return { shopper, storefront, call, checkout };
}

const summary = (r: WorkflowRun) => ({ entry: r.entry, operation: r.operation, failed: r.failed, path: r.unhandledErrorPath });

describe('where a workflow run enters', () => {
  it('is the service a parentless call reached: the shopper POST is storefront POST /orders', () => {
    const t = shopperTrace();
    expect(runsOf([[t.shopper, t.storefront, t.call, t.checkout]]).map(summary)).toEqual([{ entry: 'storefront', operation: 'POST /orders', failed: false, path: undefined }]);
  });

  it('is the same whichever span comes first, with the unhandled error path from the entry down', () => {
    const t = shopperTrace({ storefrontFails: true, checkoutFails: true });
    expect(runsOf([[t.checkout], [t.call, t.storefront], [t.shopper]]).map(summary)).toEqual([
      { entry: 'storefront', operation: 'POST /orders', failed: true, path: ['storefront', 'checkout'] },
    ]);
  });

  it('is the caller itself when nothing traced answered its call', () => {
    const trace = traceId();
    const job = span({ service: 'nightly-export', kind: 'CLIENT', traceId: trace, name: 'PUT', attributes: { 'http.request.method': 'PUT', 'server.address': 'api.partner.example' } });
    expect(runsOf([[job]]).map(summary)).toEqual([{ entry: 'nightly-export', operation: 'PUT', failed: false, path: undefined }]);
  });

  it('is nobody for a health or readiness probe: counted, not a workflow', () => {
    const probes = ['/health', '/healthz', '/readyz', '/ping'].map((route) =>
      span({ service: 'storefront', kind: 'SERVER', traceId: traceId(), name: `GET ${route}`, attributes: { 'http.request.method': 'GET', 'http.route': route } }));
    const orders = span({ service: 'storefront', kind: 'SERVER', traceId: traceId(), name: 'GET /orders/health-report', attributes: { 'http.request.method': 'GET', 'http.route': '/orders/health-report' } });
    expect(runsOf([[...probes, orders]]).map((r) => r.operation)).toEqual(['GET /orders/health-report']);
  });

  it('is still the root SERVER span where the trace has one', () => {
    const t = shopperTrace();
    const { storefront, call, checkout } = t;
    const rooted = { ...storefront, parentSpanId: undefined };
    expect(runsOf([[rooted, call, checkout]]).map(summary)).toEqual([{ entry: 'storefront', operation: 'POST /orders', failed: false, path: undefined }]);
  });
});
