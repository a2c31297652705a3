// Remembers, for every span seen in the last one to two windows, which service sent it and what
// role it played: enough to tell, when its child arrives later (from another request, another
// service, another batch), whether the child crosses a service boundary and whether the parent
// was the transport owner of the child. It doubles as the duplicate filter: an id already here
// is an exporter's retry.
//
// Two generations of tables from the span's 53-bit identity (recent-ids.ts) to a packed number
// (service id × 32 + flags): a lookup checks both, the older is dropped whole when the window
// passes or the current one fills, so memory is bounded and every operation is O(1). Service
// names are interned to small ids, bounded too; id 0 stands for "a service past the bound",
// which compares equal to nothing (no crossing is inferred through it).

/** Database calls and AI/human calls are told apart so that only a call nested in one of its own kind folds. */
export const ROLE = { internal: 0, server: 1, client: 2, database: 3, producer: 4, consumer: 5, bookkeeping: 6, aiOrHuman: 7 } as const;
export type RoleCode = (typeof ROLE)[keyof typeof ROLE];

/** Set on spans whose CLIENT children are their transport (database, AI, producer, messaging or CLIENT spans). */
const FOLDS_TRANSPORT = 8;
/** Set on a CLIENT span once a span of its callee answered it: later callee spans add no edge. */
const ANSWERED = 16;
/**
 * A placeholder for a span not seen yet whose children are waiting for it: the one lookup each
 * span makes (is it a duplicate?) also says whether the children store holds anything for it.
 */
const AWAITED = 32;
const SERVICE_UNIT = 64;

/** A packed entry: read it with serviceOf / roleOf / foldsTransport (no object per lookup on the hot path). */
export type IndexedSpan = number;

export const serviceOf = (entry: IndexedSpan): number => Math.floor(entry / SERVICE_UNIT);
export const answered = (entry: IndexedSpan): boolean => (entry & ANSWERED) !== 0;
/** Only a placeholder: the span itself has not arrived (its children have). */
export const placeholder = (entry: IndexedSpan): boolean => entry === AWAITED;
export const roleOf = (entry: IndexedSpan): RoleCode => (entry & 7) as RoleCode;
export const foldsTransport = (entry: IndexedSpan): boolean => (entry & FOLDS_TRANSPORT) !== 0;

export interface SpanIndex {
  /** What was recorded for this span identity (maybe a placeholder), or undefined. */
  get(identity: number): IndexedSpan | undefined;
  set(identity: number, serviceId: number, role: RoleCode, folds: boolean): void;
  /** Marks a CLIENT span as answered by its callee (no-op once it has left the index). */
  markAnswered(identity: number): void;
  /** Records that children wait for a span not seen yet (a placeholder until it arrives). */
  markAwaited(identity: number): void;
  /** The small id of a service name (0 once the bound is reached). */
  serviceId(name: string): number;
  serviceName(id: number): string | undefined;
  size(): number;
}

/**
 * An open-addressing hash table from 53-bit identities to int32 entries, in typed arrays: no
 * object, boxed number or Map entry per span (those were a fifth of the pipeline's time in GC).
 * Linear probing, grown by doubling at half load; 0 marks an empty slot.
 */
class IdentityTable {
  keys: Float64Array;
  values: Int32Array;
  size = 0;
  private mask: number;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  private slot(key: number): number {
    const lo = key >>> 0; // the low 32 bits of the identity (ToUint32 is exact below 2^53)
    let i = Math.imul(lo ^ (lo >>> 16), 0x45d9f3b) & this.mask;
    for (;;) {
      const k = this.keys[i]!;
      if (k === key || k === 0) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(key: number): number | undefined {
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const i = this.slot(key);
    if (this.keys[i] !== key) {
      this.keys[i] = key;
      this.size++;
    }
    this.values[i] = value;
  }

  clear(): void {
    this.keys.fill(0);
    this.size = 0;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.set(keys[i]!, values[i]!);
  }
}

export function createSpanIndex(options: { windowMs: number; maxSpans: number; maxServices: number; clock: () => number }): SpanIndex {
  let current = new IdentityTable(4096);
  let previous = new IdentityTable(4096);
  let rotatedAtMs = options.clock();
  const generationMax = Math.max(1, Math.floor(options.maxSpans / 2));
  const serviceIds = new Map<string, number>();
  const serviceNames: string[] = [''];
  // 0 marks an empty slot; an identity of 0 (odds 2^-53) shares 1's slot.
  const keyOf = (identity: number): number => identity || 1;

  function rotateIfDue(): void {
    const now = options.clock();
    if (now - rotatedAtMs >= options.windowMs || current.size >= generationMax) {
      // The oldest generation's arrays are reused for the new one: no allocation per window.
      const recycled = previous;
      recycled.clear();
      previous = current;
      current = recycled;
      rotatedAtMs = now;
    }
  }

  return {
    get: (identity) => current.get(keyOf(identity)) ?? previous.get(keyOf(identity)),
    set(identity, serviceId, role, folds) {
      rotateIfDue();
      current.set(keyOf(identity), serviceId * SERVICE_UNIT + (folds ? FOLDS_TRANSPORT : 0) + role);
    },
    markAwaited(identity) {
      rotateIfDue();
      current.set(keyOf(identity), AWAITED);
    },
    markAnswered(identity) {
      const key = keyOf(identity);
      const inCurrent = current.get(key);
      if (inCurrent !== undefined) current.set(key, inCurrent | ANSWERED);
      else {
        const inPrevious = previous.get(key);
        if (inPrevious !== undefined) previous.set(key, inPrevious | ANSWERED);
      }
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
