// Which processes make up the demo estate, in port order (port = basePort + index), and in which
// wave each starts: a wave starts once the previous one answers /health. Pure data.

export interface DemoProcess {
  name: string;
  /** Path under agents/demo/services/. */
  file: string;
  /** Started with `--import register.ts`; false for the systems nobody here instruments. */
  instrumented: boolean;
  version: string;
  wave: number;
  /** Opens the inventory SQLite database. */
  usesInventoryDb?: boolean;
}

export const DEMO_PROCESSES: readonly DemoProcess[] = [
  { name: 'shopper', file: 'shopper.ts', instrumented: true, version: '1.0.3', wave: 3 },
  { name: 'storefront', file: 'storefront.ts', instrumented: true, version: '3.12.0', wave: 1 },
  { name: 'checkout', file: 'checkout.ts', instrumented: true, version: '2.7.1', wave: 1 },
  { name: 'pricing', file: 'pricing.ts', instrumented: true, version: '1.19.4', wave: 1 },
  { name: 'inventory', file: 'inventory.ts', instrumented: true, version: '4.2.0', wave: 1, usesInventoryDb: true },
  // After inventory, which seeds the database they share.
  { name: 'fulfilment', file: 'fulfilment.ts', instrumented: true, version: '2.0.8', wave: 2, usesInventoryDb: true },
  { name: 'payments', file: 'payments.ts', instrumented: true, version: '5.1.2', wave: 1 },
  { name: 'fraud-check', file: 'fraud-check.ts', instrumented: true, version: '0.9.0', wave: 1 },
  { name: 'approvals', file: 'approvals.ts', instrumented: true, version: '1.3.0', wave: 1 },
  { name: 'orders-broker', file: 'orders-broker.ts', instrumented: false, version: '0.4.1', wave: 0 },
  { name: 'payment-gateway', file: 'payment-gateway.ts', instrumented: false, version: '2024.11', wave: 0 },
  { name: 'ai-model', file: 'ai-model.ts', instrumented: false, version: '2024-07-18', wave: 0 },
];

/** Every process's base URL, as handed to each one in DEMO_PEERS. */
export function peerUrls(basePort: number): Record<string, string> {
  return Object.fromEntries(DEMO_PROCESSES.map((p, i) => [p.name, `http://127.0.0.1:${basePort + i}`]));
}

/**
 * OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING for the uninstrumented processes, so the
 * agent's HTTP CLIENT spans to them carry peer.service (they answer no spans of their own).
 */
export function peerServiceMapping(basePort: number): string {
  return DEMO_PROCESSES.map((p, i) => ({ p, i }))
    .filter(({ p }) => !p.instrumented)
    .map(({ p, i }) => `127.0.0.1:${basePort + i}=${p.name}`)
    .join(',');
}
