// Remembers, for every span seen in the last one to two windows, which service sent it and what
// role it played: enough to tell, when its child arrives later (from another request, another
// service, another batch), whether the child crosses a service boundary and whether the parent
// was the transport owner of the child. It doubles as the duplicate filter: an id already here
// is an exporter's retry.
//
// Two generations of Maps from the span's 53-bit identity (recent-ids.ts) to a packed number
// (service id × 16 + flags): a lookup checks both, the older is dropped whole when the window
// passes or the current one fills, so memory is bounded and every operation is O(1). Service
// names are interned to small ids, bounded too; id 0 stands for "a service past the bound",
// which compares equal to nothing (no crossing is inferred through it).

export const ROLE = { internal: 0, server: 1, client: 2, oneSided: 3, producer: 4, consumer: 5, bookkeeping: 6 } as const;
export type RoleCode = (typeof ROLE)[keyof typeof ROLE];

/** Set on spans whose CLIENT children are their transport (database, AI, producer, messaging or CLIENT spans). */
const FOLDS_TRANSPORT = 8;

/** A packed entry: read it with serviceOf / roleOf / foldsTransport (no object per lookup on the hot path). */
export type IndexedSpan = number;

export const serviceOf = (entry: IndexedSpan): number => Math.floor(entry / 16);
export const roleOf = (entry: IndexedSpan): RoleCode => (entry & 7) as RoleCode;
export const foldsTransport = (entry: IndexedSpan): boolean => (entry & FOLDS_TRANSPORT) !== 0;

export interface SpanIndex {
  /** What was recorded for this span identity, or undefined when it was not seen recently. */
  get(identity: number): IndexedSpan | undefined;
  has(identity: number): boolean;
  set(identity: number, serviceId: number, role: RoleCode, folds: boolean): void;
  /** The small id of a service name (0 once the bound is reached). */
  serviceId(name: string): number;
  serviceName(id: number): string | undefined;
  size(): number;
}

export function createSpanIndex(options: { windowMs: number; maxSpans: number; maxServices: number; clock: () => number }): SpanIndex {
  let current = new Map<number, number>();
  let previous = new Map<number, number>();
  let rotatedAtMs = options.clock();
  const generationMax = Math.max(1, Math.floor(options.maxSpans / 2));
  const serviceIds = new Map<string, number>();
  const serviceNames: string[] = [''];

  function rotateIfDue(): void {
    const now = options.clock();
    if (now - rotatedAtMs >= options.windowMs || current.size >= generationMax) {
      previous = current;
      current = new Map();
      rotatedAtMs = now;
    }
  }

  return {
    get: (identity) => current.get(identity) ?? previous.get(identity),
    has: (identity) => current.has(identity) || previous.has(identity),
    set(identity, serviceId, role, folds) {
      rotateIfDue();
      current.set(identity, serviceId * 16 + (folds ? FOLDS_TRANSPORT : 0) + role);
    },
    serviceId(name) {
      let id = serviceIds.get(name);
      if (id === undefined) {
        if (serviceNames.length > options.maxServices) return 0;
        id = serviceNames.length;
        serviceIds.set(name, id);
        serviceNames.push(name);
      }
      return id;
    },
    serviceName: (id) => (id === 0 ? undefined : serviceNames[id]),
    size: () => current.size + previous.size,
  };
}
