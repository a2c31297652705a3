// Which service answers at an address, learned from calls that paired. A CLIENT span names its
// callee only by address (`server.address`/`server.port`, the URL's host); the callee's SERVER
// span says which service that is. When a later call to the same address expires unpaired —
// its SERVER span was exported after the pairing timeout (a busy exporter, a long batch delay)
// or was sampled out — the address is still known to be that service, and the edge goes to it
// rather than to a phantom `127.0.0.1:7103` node beside the real one.
//
// Only unambiguous addresses answer: one that two services were seen behind within the memory
// window (a gateway routing paths, a reused IP) names nobody, and the call keeps its virtual
// peer. Bounded: the least recently confirmed address is forgotten first.

export interface EndpointDirectoryOptions {
  /** How long a pairing vouches for an address (an IP may be reassigned after a redeploy). */
  memoryMs: number;
  maxAddresses: number;
  clock: () => number;
}

interface Binding {
  serviceId: number;
  confirmedAtMs: number;
  /** Another service was seen behind the address while this binding was current. */
  ambiguous: boolean;
  /** When it was last moved to the recent end of the eviction order. */
  movedAtMs: number;
}

export function createEndpointDirectory(options: EndpointDirectoryOptions) {
  const { memoryMs, maxAddresses, clock } = options;
  // Map iteration order is insertion order: delete-then-set keeps the least recently confirmed first.
  const bindings = new Map<string, Binding>();

  return {
    /** A call to `address` paired with a SERVER span of service `serviceId`. */
    learn(address: string, serviceId: number): void {
      const now = clock();
      const known = bindings.get(address);
      if (known === undefined) {
        if (bindings.size >= maxAddresses) bindings.delete(bindings.keys().next().value!);
        bindings.set(address, { serviceId, confirmedAtMs: now, ambiguous: false, movedAtMs: now });
        return;
      }
      if (now - known.confirmedAtMs > memoryMs) {
        known.ambiguous = false;
      } else if (known.serviceId !== serviceId) {
        known.ambiguous = true;
      }
      known.serviceId = serviceId;
      known.confirmedAtMs = now;
      // Every paired call confirms its address: re-inserting (to keep the least recently confirmed
      // first) is done at most once a minute per address, not on the hot path of every call.
      if (now - known.movedAtMs > 60_000) {
        known.movedAtMs = now;
        bindings.delete(address);
        bindings.set(address, known);
      }
    },

    /** The one service recently seen answering at `address`, or 0 when none (or more than one) was. */
    serviceAt(address: string): number {
      const known = bindings.get(address);
      if (known === undefined || known.ambiguous || clock() - known.confirmedAtMs > memoryMs) return 0;
      return known.serviceId;
    },

    get size(): number {
      return bindings.size;
    },
  };
}

export type EndpointDirectory = ReturnType<typeof createEndpointDirectory>;
