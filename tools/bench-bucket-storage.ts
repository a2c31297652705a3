// Which Neo4j representation should hold per-dependency time buckets (issue 8, DESIGN.md §7)?
// `node tools/bench-bucket-storage.ts [--edges N] [--minutes M]` measures each candidate on a real
// embedded Neo4j (a fresh data directory per representation, the product's heap and page cache):
//
//   0  today: lifetime totals on DEPENDS_ON only (the reference every other row adds to)
//   A  bucket nodes (:Bucket {key, res, start, calls, ...latency}), key unique, MERGE per row,
//      minute buckets rolled up into hour buckets by a separate transaction at each hour
//   B  per-minute lists on the DEPENDS_ON relationship (minute, calls, errors, ... and the
//      latency histograms flattened into one list with an offsets list), merged per flush
//   C  per-period relationships (a)-[:CALLS_AT {key, res, start, ...}]->(b), key unique, MERGE per
//      row, hour relationships rolled up like A
//   D  hybrid: one node per dependency per hour holding that hour's minutes as B-style lists plus
//      the hour's running totals (no roll-up job; a flush rewrites at most one hour of lists)
//
// Every row is a commutative merge (additions, element-wise histogram sums), so the write cost is
// the cost the collector would pay with several collectors writing the same buckets. Time is
// compressed: each simulated minute receives --flushes-per-minute flushes (default 4, one per 15 s
// of simulated time) back to back, and every dependency gets a row in every flush. After one
// warm-up minute, the flushes of the next and of the last --timed-minutes minutes are timed one by
// one; the minutes between are fast-forwarded (their flushes summed into one row per bucket, the
// same bucket statements, untimed), which keeps a 3-hour run of 2,000 dependencies within minutes. B and D rewrite whole
// lists per flush and would take hours at that size: they run on --list-edges dependencies and
// their per-dependency costs are scaled linearly (marked ≈).
//
// Measured: ms per flush transaction (p50/p95; p50 of the last timed minutes shows growth), Neo4j's
// CPU per flush and for the whole write phase (utime + stime of the JVM, /proc/<pid>/stat), store
// bytes after a clean shutdown (it checkpoints; Community Neo4j has no `db.checkpoint()`) minus the
// store before the first flush, as bytes per dependency per day, transaction-log bytes per flush,
// the roll-up transaction, a last-hour read of every dependency (calls, errors, merged histogram;
// and counts only), and a 24 h read (the hour tier where there is one; the earlier hours of the day
// are added first, untimed, so it reads 24 hours as at steady state). Every read is checked against
// the generated totals. B is also measured with lists holding a full day, as late in the day.
//
// Options: --edges N (2000) --minutes M (180) --flushes-per-minute F (4) --timed-minutes K (5)
//          --reads R (20) --read-budget-s S (20) --only 0,A,B,C[,D] --writers W (1; W collectors write the same buckets
//          concurrently) --list-edges N (100) --no-steady --heap-mb N (1024) --pagecache-mb N (64)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSample, HISTOGRAM_BUCKETS } from '../collector/src/aggregate/latency-histogram.ts';
import { createNeo4jDriver } from '../collector/src/store/neo4j-driver.ts';
import { random } from '../collector/src/detectors/bench.ts';
import { startEmbeddedNeo4j } from '../neo4j-embedded/neo4j.ts';
import { freePort } from '../test/src/support/free-port.ts';

type Driver = ReturnType<typeof createNeo4jDriver>;
type Params = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Options

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${args[i + 1]}`);
  return value;
}
const EDGES = option('edges', 2000);
const MINUTES = option('minutes', 180);
const FLUSHES_PER_MINUTE = option('flushes-per-minute', 4);
const READS = option('reads', 20);
const WRITERS = option('writers', 1);
const TIMED_MINUTES = option('timed-minutes', 5);
const LIST_EDGES = Math.min(EDGES, option('list-edges', 100));
/** Time one read query may take in all; slower queries get fewer runs (at least 5). */
const READ_BUDGET_MS = option('read-budget-s', 20) * 1000;
const STEADY = !args.includes('--no-steady');
const HEAP_MB = option('heap-mb', 1024);
const PAGECACHE_MB = option('pagecache-mb', 64);
const ONLY = (args.includes('--only') ? args[args.indexOf('--only') + 1]! : '0,A,B,C').split(',');
if (MINUTES > 1440) throw new Error('--minutes must be at most 1440 (one day of minute buckets)');

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MINUTES = 1440;
/** Simulated start: midnight UTC, so hours and the day line up with bucket boundaries. */
const T0 = Date.UTC(2025, 0, 6);
const T_END = T0 + MINUTES * MINUTE_MS;
/** How many full hours the run rolls up (A and C roll an hour up once its last flush is written). */
const ROLLED_HOURS = Math.floor(MINUTES / 60);
const CUT = T0 + ROLLED_HOURS * HOUR_MS;
/** 13-digit millisecond strings sort like the numbers until 2286: keys range-scan by time. */
const ms = (t: number) => String(t);

// ---------------------------------------------------------------------------------------------
// Traffic

/** The detector bench's seeded PRNG (mulberry32). */
const mulberry32 = random;

interface Edge {
  key: string; // from|to|kind|protocol
  from: string;
  to: string;
  kind: string;
  protocol: string;
  callsPerFlush: number;
  errorRate: number;
  medianMs: number;
}

interface Row {
  edge: string;
  from: string;
  to: string;
  kind: string;
  protocol: string;
  start: number; // minute start, ms
  minute: number; // epoch minute (B)
  key: string; // A, C: edge|m|start
  hourKey: string; // D: edge|hourStart
  hourStart: number;
  minuteOfHour: number;
  calls: number;
  errors: number;
  calleeErrors: number;
  propagatedErrors: number;
  traces: number;
  latency: number[];
}

const KINDS: Array<[string, string]> = [['SYNC', 'http'], ['SYNC', 'http'], ['SYNC', 'grpc'], ['DATABASE', 'postgresql'], ['ASYNC', 'kafka']];

function makeEstate(edges: number): { components: string[]; edges: Edge[] } {
  const rng = mulberry32(7);
  const count = Math.max(2, Math.round(edges / 4)); // an estate's ratio: 5,000 components, 20,000 dependencies
  const components = Array.from({ length: count }, (_, i) => `service-${String(i).padStart(5, '0')}`);
  const seen = new Set<string>();
  const out: Edge[] = [];
  while (out.length < edges) {
    const from = Math.floor(rng() * count);
    const to = (from + 1 + Math.floor(rng() * (count - 1))) % count;
    const [kind, protocol] = KINDS[Math.floor(rng() * KINDS.length)]!;
    const key = `${components[from]}|${components[to]}|${kind}|${protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      key, from: components[from]!, to: components[to]!, kind, protocol,
      callsPerFlush: 1 + Math.floor(rng() * 12),
      errorRate: rng() < 0.8 ? 0 : rng() * 0.1,
      medianMs: 2 + rng() * 60,
    });
  }
  return { components, edges: out };
}

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Totals per simulated minute over all dependencies, to check every read against. */
interface Truth {
  calls: number;
  errors: number;
  latency: number[];
}
const emptyTruth = (): Truth => ({ calls: 0, errors: 0, latency: new Array<number>(HISTOGRAM_BUCKETS).fill(0) });
function addTruth(into: Truth, calls: number, errors: number, latency: readonly number[]): void {
  into.calls += calls;
  into.errors += errors;
  for (let i = 0; i < latency.length; i++) into.latency[i]! += latency[i]!;
}

function rowFor(edge: Edge, start: number, rng: () => number): Row {
  const calls = Math.max(1, Math.round(edge.callsPerFlush * (0.5 + rng())));
  let errors = 0;
  const latency: number[] = [];
  for (let c = 0; c < calls; c++) {
    if (rng() < edge.errorRate) errors++;
    addSample(latency, edge.medianMs * Math.exp(0.6 * gaussian(rng)));
  }
  const hourStart = Math.floor(start / HOUR_MS) * HOUR_MS;
  return {
    edge: edge.key, from: edge.from, to: edge.to, kind: edge.kind, protocol: edge.protocol,
    start, minute: start / MINUTE_MS, key: `${edge.key}|m|${ms(start)}`,
    hourKey: `${edge.key}|${ms(hourStart)}`, hourStart, minuteOfHour: (start - hourStart) / MINUTE_MS,
    calls, errors, calleeErrors: errors, propagatedErrors: Math.floor(errors / 2), traces: calls, latency,
  };
}

// ---------------------------------------------------------------------------------------------
// Cypher

/** Element-wise sum of two histograms (lists trimmed after their last non-empty bucket). */
const sumLists = (a: string, b: string) =>
  `[i IN range(0, CASE WHEN size(${a}) > size(${b}) THEN size(${a}) ELSE size(${b}) END - 1) | coalesce(${a}[i], 0) + coalesce(${b}[i], 0)]`;
const mergeAll = (lists: string) => `reduce(acc = [], l IN ${lists} | ${sumLists('acc', 'l')})`;

/** JS numbers arrive as floats; stored as integers they are bit-packed (and summed exactly). */
const ROW_VALUES = `
UNWIND $rows AS row
WITH row, toInteger(row.start) AS start, toInteger(row.calls) AS calls, toInteger(row.errors) AS errors,
     toInteger(row.calleeErrors) AS calleeErrors, toInteger(row.propagatedErrors) AS propagatedErrors,
     toInteger(row.traces) AS traces, [v IN row.latency | toInteger(v)] AS lat`;

const CARRY = 'row, start, calls, errors, calleeErrors, propagatedErrors, traces, lat';

/** What every flush writes today (collector/src/store/graph-writer.ts, without quantiles). */
const LIFETIME_MERGE = `
MATCH (a:Component {name: row.from})
MATCH (b:Component {name: row.to})
MERGE (a)-[r:DEPENDS_ON {kind: row.kind, protocol: row.protocol}]->(b)
  ON CREATE SET r.calls = 0, r.errors = 0, r.calleeErrors = 0, r.propagatedErrors = 0, r.traces = 0,
                r.latency = [0], r.firstSeen = start, r.lastSeen = start`;
const LIFETIME_SET = `
    r.calls = r.calls + calls, r.errors = r.errors + errors, r.calleeErrors = r.calleeErrors + calleeErrors,
    r.propagatedErrors = r.propagatedErrors + propagatedErrors, r.traces = r.traces + traces,
    r.latency = ${sumLists('rLat', 'lat')},
    r.firstSeen = CASE WHEN start < r.firstSeen THEN start ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN start > r.lastSeen THEN start ELSE r.lastSeen END`;
/** A stored list read inside a list comprehension is read from the store once per element: bind it first. */
const LIFETIME_WITH = `
WITH r, ${CARRY}, r.latency AS rLat`;
const LIFETIME = `${ROW_VALUES}${LIFETIME_MERGE}${LIFETIME_WITH}
SET ${LIFETIME_SET}`;

/** The counters every bucket carries, as a SET list that adds the row into `x`. */
const addCounters = (x: string) => `
    ${x}.calls = ${x}.calls + calls, ${x}.errors = ${x}.errors + errors, ${x}.calleeErrors = ${x}.calleeErrors + calleeErrors,
    ${x}.propagatedErrors = ${x}.propagatedErrors + propagatedErrors, ${x}.traces = ${x}.traces + traces,
    ${x}.latency = ${sumLists('xLat', 'lat')}`;
const bindLatency = (x: string) => `
WITH ${x}, ${CARRY}, ${x}.latency AS xLat`;
const zeroCounters = (x: string) =>
  `${x}.calls = 0, ${x}.errors = 0, ${x}.calleeErrors = 0, ${x}.propagatedErrors = 0, ${x}.traces = 0, ${x}.latency = []`;

const A_MERGE = `${ROW_VALUES}
MERGE (m:Bucket {key: row.key})
  ON CREATE SET m.res = 'm', m.start = start, ${zeroCounters('m')}${bindLatency('m')}
SET ${addCounters('m')}`;

const C_MERGE = `${ROW_VALUES}
MATCH (a:Component {name: row.from})
MATCH (b:Component {name: row.to})
MERGE (a)-[m:CALLS_AT {key: row.key}]->(b)
  ON CREATE SET m.res = 'm', m.start = start, ${zeroCounters('m')}${bindLatency('m')}
SET ${addCounters('m')}`;

/**
 * B and D: a set of minutes kept as parallel lists on `x` (slot, calls, errors, callee errors,
 * propagated errors, traces) plus the histograms concatenated in one list with an offsets list
 * (size n + 1). A row for a minute already present adds into it; a new minute is appended (order
 * does not matter: reads filter by slot), so merges stay commutative.
 */
function listMerge(x: string, slot: string, carry: string): { with: string; set: string } {
  const lists = ['c', 'e', 'ce', 'pe', 't'];
  const values: Record<string, string> = { c: 'calls', e: 'errors', ce: 'calleeErrors', pe: 'propagatedErrors', t: 'traces' };
  const v = `${carry}, ${slot} AS slot, coalesce(${x}.bm, []) AS bm, coalesce(${x}.blo, [0]) AS blo, coalesce(${x}.bl, []) AS bl, ${lists.map((l) => `coalesce(${x}.b${l}, []) AS b${l}`).join(', ')}`;
  const keep = `${carry}, slot, bm, blo, bl, ${lists.map((l) => `b${l}`).join(', ')}`;
  return {
    with: `
WITH ${v}
WITH ${keep}, [i IN range(size(bm) - 1, 0, -1) WHERE bm[i] = slot][0] AS idx
WITH ${keep}, idx, CASE WHEN idx IS NULL THEN [] ELSE bl[blo[idx]..blo[idx + 1]] END AS old
WITH ${keep}, idx, old, ${sumLists('old', 'lat')} AS merged`,
    set: `
    ${x}.bm = CASE WHEN idx IS NULL THEN bm + slot ELSE bm END,
    ${lists.map((l) => `${x}.b${l} = CASE WHEN idx IS NULL THEN b${l} + ${values[l]} ELSE b${l}[..idx] + (b${l}[idx] + ${values[l]}) + b${l}[idx + 1..] END`).join(',\n    ')},
    ${x}.bl = CASE WHEN idx IS NULL THEN bl + merged ELSE bl[..blo[idx]] + merged + bl[blo[idx + 1]..] END,
    ${x}.blo = CASE WHEN idx IS NULL THEN blo + (blo[-1] + size(merged)) ELSE blo[..idx + 1] + [o IN blo[idx + 1..] | o + size(merged) - size(old)] END`,
  };
}

const bLists = listMerge('r', 'toInteger(row.minute)', `r, ${CARRY}, rLat`);
const B_MERGE = `${ROW_VALUES}${LIFETIME_MERGE}${LIFETIME_WITH}${bLists.with}
SET ${LIFETIME_SET},${bLists.set}`;

const dLists = listMerge('h', 'toInteger(row.minuteOfHour)', `h, ${CARRY}, xLat`);
const D_MERGE = `${ROW_VALUES}
MERGE (h:HourChunk {key: row.hourKey})
  ON CREATE SET h.start = toInteger(row.hourStart), ${zeroCounters('h')}${bindLatency('h')}${dLists.with}
SET ${addCounters('h')},${dLists.set}`;

/** Every dependency with the prefix its bucket keys start with. */
const EACH_EDGE = `
MATCH (a:Component)-[r:DEPENDS_ON]->(b:Component)
WITH a, b, r, a.name + '|' + b.name + '|' + r.kind + '|' + r.protocol + '|' AS e`;
const RETURN_EDGE = `
WITH a, b, r, calls, errors, latency WHERE calls > 0
RETURN a.name AS from, b.name AS to, r.kind AS kind, r.protocol AS protocol, calls, errors, latency`;
const RETURN_COUNTS = `
WITH a, b, r, calls, errors WHERE calls > 0
RETURN a.name AS from, b.name AS to, r.kind AS kind, r.protocol AS protocol, calls, errors`;

/** A and C: buckets of one dependency are a key range (edge|res|start). */
function keyedReads(match: (v: string) => string): { lastHour: string; counts: string; day: string; rollup: string; prefill: string } {
  const aggregate = `
  WITH sum(x.calls) AS calls, sum(x.errors) AS errors, collect(x.latency) AS lats
  RETURN calls, errors, ${mergeAll('lats')} AS latency`;
  return {
    lastHour: `${EACH_EDGE}
CALL (e) {
  ${match('x')} WHERE x.key >= e + 'm|' + $from AND x.key < e + 'm|' + $to${aggregate}
}${RETURN_EDGE}`,
    counts: `${EACH_EDGE}
CALL (e) {
  ${match('x')} WHERE x.key >= e + 'm|' + $from AND x.key < e + 'm|' + $to
  RETURN sum(x.calls) AS calls, sum(x.errors) AS errors
}${RETURN_COUNTS}`,
    day: `${EACH_EDGE}
CALL (e) {
  CALL (e) {
    ${match('x')} WHERE x.key >= e + 'h|' + $from AND x.key < e + 'h|' + $cut RETURN x
    UNION ALL
    ${match('x')} WHERE x.key >= e + 'm|' + $cut AND x.key < e + 'm|' + $to RETURN x
  }${aggregate}
}${RETURN_EDGE}`,
    // Recomputed from the minute buckets (SET, not add): rerunning it after late minutes is safe.
    rollup: `
UNWIND $edges AS edge
CALL (edge) {
  ${match('x')} WHERE x.key >= edge.key + '|m|' + $from AND x.key < edge.key + '|m|' + $to
  WITH sum(x.calls) AS calls, sum(x.errors) AS errors, sum(x.calleeErrors) AS calleeErrors,
       sum(x.propagatedErrors) AS propagatedErrors, sum(x.traces) AS traces, collect(x.latency) AS lats, count(x) AS n
  RETURN calls, errors, calleeErrors, propagatedErrors, traces, ${mergeAll('lats')} AS lat, n
}
WITH edge, calls, errors, calleeErrors, propagatedErrors, traces, lat WHERE n > 0
__WRITE_HOUR__
  ON CREATE SET h.res = 'h', h.start = toInteger($hour)
SET h.calls = calls, h.errors = errors, h.calleeErrors = calleeErrors, h.propagatedErrors = propagatedErrors,
    h.traces = traces, h.latency = lat`,
    prefill: `${ROW_VALUES}
__CREATE_HOUR__
SET h.res = 'h', h.start = start, h.calls = calls, h.errors = errors, h.calleeErrors = calleeErrors,
    h.propagatedErrors = propagatedErrors, h.traces = traces, h.latency = lat`,
  };
}

const aReads = keyedReads((x) => `MATCH (${x}:Bucket)`);
const cReads = keyedReads((x) => `MATCH ()-[${x}:CALLS_AT]->()`);
const A_ROLLUP = aReads.rollup.replace('__WRITE_HOUR__', `MERGE (h:Bucket {key: edge.key + '|h|' + $from})`);
const C_ROLLUP = cReads.rollup.replace('__WRITE_HOUR__', `MATCH (a:Component {name: edge.from})
MATCH (b:Component {name: edge.to})
MERGE (a)-[h:CALLS_AT {key: edge.key + '|h|' + $from}]->(b)`);
const A_PREFILL = aReads.prefill.replace('__CREATE_HOUR__', 'CREATE (h:Bucket {key: row.key})');
const C_PREFILL = cReads.prefill.replace('__CREATE_HOUR__', `MATCH (a:Component {name: row.from})
MATCH (b:Component {name: row.to})
CREATE (a)-[h:CALLS_AT {key: row.key}]->(b)`);

/** B: the minutes in [from, to) of the lists on every DEPENDS_ON. */
const bRead = (withLatency: boolean) => `
MATCH (a:Component)-[r:DEPENDS_ON]->(b:Component)
WITH a, b, r, r.bm AS bm
WITH a, b, r, [i IN range(0, size(bm) - 1) WHERE bm[i] >= $fromMinute AND bm[i] < $toMinute] AS ix
WHERE size(ix) > 0
WITH a, b, r, ix, r.bc AS bc, r.be AS be${withLatency ? ', r.blo AS blo, r.bl AS bl' : ''}
WITH a, b, r, reduce(s = 0, i IN ix | s + bc[i]) AS calls, reduce(s = 0, i IN ix | s + be[i]) AS errors${withLatency ? `,
     ${mergeAll('[i IN ix | bl[blo[i]..blo[i + 1]]]')} AS latency` : ''}${withLatency ? RETURN_EDGE : RETURN_COUNTS}`;

/** D: whole hours from the chunk's totals, the partial hours from its minute lists. */
const dRead = (withLatency: boolean) => `${EACH_EDGE}
CALL (e) {
  MATCH (h:HourChunk) WHERE h.key >= e + $fromHour AND h.key < e + $to
  CALL (h) {
    WITH h WHERE h.start >= toInteger($from) AND h.start + ${HOUR_MS} <= toInteger($to)
    RETURN h.calls AS calls, h.errors AS errors${withLatency ? ', h.latency AS lat' : ''}
    UNION ALL
    WITH h WHERE NOT (h.start >= toInteger($from) AND h.start + ${HOUR_MS} <= toInteger($to))
    WITH h.start AS s, h.bm AS bm, h.bc AS bc, h.be AS be${withLatency ? ', h.blo AS blo, h.bl AS bl' : ''}
    WITH bc, be${withLatency ? ', blo, bl' : ''}, [i IN range(0, size(bm) - 1) WHERE s + bm[i] * ${MINUTE_MS} >= toInteger($from) AND s + bm[i] * ${MINUTE_MS} < toInteger($to)] AS ix
    RETURN reduce(n = 0, i IN ix | n + bc[i]) AS calls, reduce(n = 0, i IN ix | n + be[i]) AS errors${withLatency ? `,
           ${mergeAll('[i IN ix | bl[blo[i]..blo[i + 1]]]')} AS lat` : ''}
  }
  WITH sum(calls) AS calls, sum(errors) AS errors${withLatency ? `, collect(lat) AS lats
  RETURN calls, errors, ${mergeAll('lats')} AS latency` : `
  RETURN calls, errors`}
}${withLatency ? RETURN_EDGE : RETURN_COUNTS}`;

const D_PREFILL = `${ROW_VALUES}
CREATE (h:HourChunk {key: row.hourKey})
SET h.start = start, h.calls = calls, h.errors = errors, h.calleeErrors = calleeErrors,
    h.propagatedErrors = propagatedErrors, h.traces = traces, h.latency = lat`;

/** B at steady state: prepend `n` synthetic minutes (the earlier part of the day) to every list. */
const B_PROBE_PREFILL = `
UNWIND $rows AS row
MATCH (a:Component {name: row.from})-[r:DEPENDS_ON {kind: row.kind, protocol: row.protocol}]->(b:Component {name: row.to})
WITH r, [v IN row.latency | toInteger(v)] AS lat, toInteger(row.calls) AS calls, toInteger(row.n) AS n, toInteger(row.firstMinute) AS first
WITH r, lat, calls, n, first, size(lat) AS w
SET r.bm = range(first, first + n - 1) + r.bm,
    r.bc = [k IN range(1, n) | calls] + r.bc, r.be = [k IN range(1, n) | 0] + r.be,
    r.bce = [k IN range(1, n) | 0] + r.bce, r.bpe = [k IN range(1, n) | 0] + r.bpe, r.bt = [k IN range(1, n) | calls] + r.bt,
    r.bl = [k IN range(0, n * w - 1) | lat[k % w]] + r.bl,
    r.blo = [k IN range(0, n - 1) | k * w] + [o IN r.blo | o + n * w]`;

// ---------------------------------------------------------------------------------------------
// Representations

interface Representation {
  id: string;
  title: string;
  schema: string[];
  flush: string[];
  /** Rolls one hour of minute buckets up (A, C). */
  rollup?: string;
  lastHour: string;
  countsOnly: string;
  day: string;
  /** Creates hour-tier entries for earlier hours of the day so the 24 h read sees 24 hours. */
  prefill?: string;
  /** What the fast-forwarded minutes write (default: the flush statements). */
  fastForward?: string[];
  /** Rewrites lists per flush: measured on --list-edges dependencies and scaled. */
  listBased?: boolean;
}

const COMPONENT_CONSTRAINT = 'CREATE CONSTRAINT component_name IF NOT EXISTS FOR (c:Component) REQUIRE c.name IS UNIQUE';

const REPRESENTATIONS: Representation[] = [
  { id: '0', title: '0 today: lifetime totals only', schema: [COMPONENT_CONSTRAINT], flush: [LIFETIME], lastHour: '', countsOnly: '', day: '' },
  {
    id: 'A', title: 'A bucket nodes + hour roll-up',
    schema: [COMPONENT_CONSTRAINT, 'CREATE CONSTRAINT bucket_key IF NOT EXISTS FOR (b:Bucket) REQUIRE b.key IS UNIQUE'],
    flush: [LIFETIME, A_MERGE], fastForward: [A_MERGE], rollup: A_ROLLUP, lastHour: aReads.lastHour, countsOnly: aReads.counts, day: aReads.day, prefill: A_PREFILL,
  },
  {
    id: 'B', title: 'B minute lists on DEPENDS_ON',
    schema: [COMPONENT_CONSTRAINT],
    flush: [B_MERGE], lastHour: bRead(true), countsOnly: bRead(false), day: bRead(true), listBased: true,
  },
  {
    id: 'C', title: 'C CALLS_AT per minute + hour roll-up',
    schema: [COMPONENT_CONSTRAINT, 'CREATE CONSTRAINT calls_at_key IF NOT EXISTS FOR ()-[c:CALLS_AT]-() REQUIRE c.key IS UNIQUE'],
    flush: [LIFETIME, C_MERGE], fastForward: [C_MERGE], rollup: C_ROLLUP, lastHour: cReads.lastHour, countsOnly: cReads.counts, day: cReads.day, prefill: C_PREFILL,
  },
  {
    id: 'D', title: 'D hour-chunk nodes (minute lists)',
    schema: [COMPONENT_CONSTRAINT, 'CREATE CONSTRAINT hour_chunk_key IF NOT EXISTS FOR (h:HourChunk) REQUIRE h.key IS UNIQUE'],
    flush: [LIFETIME, D_MERGE], fastForward: [D_MERGE], lastHour: dRead(true), countsOnly: dRead(false), day: dRead(true), prefill: D_PREFILL, listBased: true,
  },
];

// ---------------------------------------------------------------------------------------------
// Measurement helpers

function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in seconds (all its threads). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
  return (Number(fields[11]) + Number(fields[12])) / clockTicks; // 14 utime, 15 stime
}

function diskBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) total += diskBytes(full);
    else if (entry.isFile()) total += statSync(full).blocks * 512;
  }
  return total;
}

async function write(driver: Driver, statements: Array<{ query: string; params: Params }>, retries: { count: number }): Promise<number> {
  const session = driver.session({ database: 'neo4j' });
  const started = performance.now();
  let attempts = 0;
  try {
    await session.executeWrite(async (tx) => {
      if (attempts++ > 0) retries.count++;
      for (const { query, params } of statements) await tx.run(query, params);
    });
  } finally {
    await session.close();
  }
  return performance.now() - started;
}

async function read(driver: Driver, query: string, params: Params): Promise<{ ms: number; records: Array<Record<string, unknown>> }> {
  const session = driver.session({ database: 'neo4j', defaultAccessMode: 'READ' });
  const started = performance.now();
  try {
    const result = await session.executeRead((tx) => tx.run(query, params));
    return { ms: performance.now() - started, records: result.records.map((r) => r.toObject()) };
  } finally {
    await session.close();
  }
}

interface PlanNode {
  operatorType: string;
  children: PlanNode[];
}
/** Operators of the plan (EXPLAIN), and the planner's notifications. */
async function explain(driver: Driver, query: string, params: Params): Promise<{ operators: string[]; notes: string[] }> {
  const session = driver.session({ database: 'neo4j' });
  try {
    const result = await session.run(`EXPLAIN ${query}`, params);
    const summary = result.summary as unknown as { plan: PlanNode | false; notifications?: Array<{ code: string; title: string; description: string }> };
    const operators: string[] = [];
    const walk = (node: PlanNode) => {
      operators.push(node.operatorType.replace(/@neo4j$/, ''));
      node.children.forEach(walk);
    };
    if (summary.plan) walk(summary.plan);
    return { operators, notes: (summary.notifications ?? []).map((n) => `${n.code}: ${n.description}`) };
  } finally {
    await session.close();
  }
}

type Reads = [p50: number, p95: number, runs: number];

interface Result {
  id: string;
  title: string;
  /** Dependencies this representation was measured on (fewer than EDGES for B and D: scaled). */
  edges: number;
  timedFlushes: number;
  flushP50: number;
  flushP95: number;
  flushLateP50: number;
  cpuMsPerFlush: number;
  cpuSecondsWrite: number;
  storeBytes: number;
  txLogBytes: number;
  txLogPerTimedFlush: number;
  bytesPerEdgeDay: number;
  rollupMs: number[];
  retries: number;
  lastHour?: Reads;
  countsOnly?: Reads;
  day?: Reads;
  steady?: { flushP50: number; flushP95: number; txLogPerFlush: number; lastHour: Reads; day: Reads; buildS: number };
  notes: string[];
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// Run

const estate = makeEstate(EDGES);

interface Db {
  readonly driver: Driver;
  /** The JVM's pid (changes on restart). */
  readonly pid: number;
  readonly dataDir: string;
  /**
   * Stops Neo4j cleanly and starts it again on the same store. Community Neo4j has no
   * `db.checkpoint()`; a clean shutdown checkpoints, so the store files are complete on disk
   * while it is stopped. Returns the store and transaction-log bytes measured then.
   */
  restart(): Promise<{ store: number; txLog: number }>;
}

/** Neo4j's own log, kept for the error report when a run fails. */
const neo4jLog: string[] = [];
function keepNeo4jLog(line: string): void {
  neo4jLog.push(line);
  if (neo4jLog.length > 60) neo4jLog.shift();
}

const storeDir = (dataDir: string) => join(dataDir, 'data', 'databases', 'neo4j');
const txDir = (dataDir: string) => join(dataDir, 'data', 'transactions', 'neo4j');

async function withNeo4j<T>(label: string, body: (db: Db) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), `orrery-bench-buckets-${label}-`));
  const start = async () => {
    const neo4j = await startEmbeddedNeo4j({ dataDir, boltPort: await freePort(), heapMb: HEAP_MB, pageCacheMb: PAGECACHE_MB, log: keepNeo4jLog });
    if (neo4j.pid === undefined) throw new Error('embedded Neo4j has no pid');
    const driver = createNeo4jDriver({ uri: neo4j.uri, user: undefined, password: undefined });
    // READY means the database is up; on a loaded machine it may still refuse a first write for a moment.
    for (let attempt = 0; ; attempt++) {
      try {
        await write(driver, [{ query: 'RETURN 1', params: {} }], { count: 0 });
        break;
      } catch (error) {
        if (attempt >= 30) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    return { neo4j, driver };
  };
  let current = await start();
  const stop = async () => {
    await current.driver.close();
    await current.neo4j.stop();
  };
  const db: Db = {
    get driver() {
      return current.driver;
    },
    get pid() {
      return current.neo4j.pid!;
    },
    dataDir,
    async restart() {
      await stop();
      const sizes = { store: diskBytes(storeDir(dataDir)), txLog: diskBytes(txDir(dataDir)) };
      current = await start();
      return sizes;
    },
  };
  try {
    return await body(db);
  } finally {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function setup(driver: Driver, rep: Representation, edges: Edge[]): Promise<void> {
  const session = driver.session({ database: 'neo4j' });
  try {
    for (const statement of rep.schema) await session.run(statement);
    await session.run('CALL db.awaitIndexes(300)');
    for (let i = 0; i < estate.components.length; i += 5000) {
      await session.run('UNWIND $names AS name CREATE (:Component {name: name, kind: "SERVICE"})', { names: estate.components.slice(i, i + 5000) });
    }
    // The dependencies exist before the run, as they would in a running estate.
    for (let i = 0; i < edges.length; i += 5000) {
      await session.run(`UNWIND $edges AS e MATCH (a:Component {name: e.from}) MATCH (b:Component {name: e.to})
        CREATE (a)-[:DEPENDS_ON {kind: e.kind, protocol: e.protocol, calls: 0, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: 0, latency: [0], firstSeen: ${T0}, lastSeen: ${T0}}]->(b)`,
      { edges: edges.slice(i, i + 5000) });
    }
  } finally {
    await session.close();
  }
}

/** Rows of one flush for one writer, in the same order for every writer (so they lock in the same order). */
function flushRows(flush: number, writer: number, truth: Truth[], edges: Edge[]): Row[] {
  const rng = mulberry32(1 + flush * 977 + writer * 7_919_113);
  const minute = Math.floor(flush / FLUSHES_PER_MINUTE);
  const start = T0 + minute * MINUTE_MS;
  const rows = edges.map((edge) => rowFor(edge, start, rng));
  for (const row of rows) addTruth(truth[minute]!, row.calls, row.errors, row.latency);
  return rows;
}

/** A fast-forwarded minute: the rows of all its flushes (and writers) summed per dependency. */
function minuteRows(minute: number, truth: Truth[], edges: Edge[]): Row[] {
  let sum: Row[] | undefined;
  for (let f = minute * FLUSHES_PER_MINUTE; f < (minute + 1) * FLUSHES_PER_MINUTE; f++) {
    for (let w = 0; w < WRITERS; w++) {
      const rows = flushRows(f, w, truth, edges);
      if (!sum) {
        sum = rows;
        continue;
      }
      for (let i = 0; i < rows.length; i++) {
        const into = sum[i]!;
        const from = rows[i]!;
        into.calls += from.calls;
        into.errors += from.errors;
        into.calleeErrors += from.calleeErrors;
        into.propagatedErrors += from.propagatedErrors;
        into.traces += from.traces;
        while (into.latency.length < from.latency.length) into.latency.push(0);
        from.latency.forEach((c, j) => (into.latency[j]! += c));
      }
    }
  }
  return sum!;
}

const CHUNK = 5000;
function statementsFor(queries: string[], rows: Row[]): Array<{ query: string; params: Params }> {
  const out: Array<{ query: string; params: Params }> = [];
  for (const query of queries) for (let i = 0; i < rows.length; i += CHUNK) out.push({ query, params: { rows: rows.slice(i, i + CHUNK) } });
  return out;
}

function check(label: string, records: Array<Record<string, unknown>>, expected: Truth, edges: number, withLatency: boolean): void {
  const got = emptyTruth();
  for (const r of records) addTruth(got, r.calls as number, r.errors as number, withLatency ? (r.latency as number[]) : []);
  const problems: string[] = [];
  if (records.length !== edges) problems.push(`${records.length} dependencies, expected ${edges}`);
  if (got.calls !== expected.calls) problems.push(`calls ${got.calls}, expected ${expected.calls}`);
  if (got.errors !== expected.errors) problems.push(`errors ${got.errors}, expected ${expected.errors}`);
  if (withLatency && got.latency.some((c, i) => c !== expected.latency[i])) problems.push('merged latency histogram differs');
  if (problems.length > 0) throw new Error(`${label}: wrong result: ${problems.join('; ')}`);
}

function sumTruth(parts: Truth[]): Truth {
  const total = emptyTruth();
  for (const p of parts) addTruth(total, p.calls, p.errors, p.latency);
  return total;
}

/** Read timings: [p50, p95, runs]. Stops early (after at least 5 runs) once READ_BUDGET_MS is spent. */
async function timeReads(driver: Driver, label: string, query: string, params: Params, expected: Truth, edges: number, withLatency: boolean, runs: number): Promise<Reads> {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < runs + 2; i++) {
    const { ms, records } = await read(driver, query, params);
    if (i === 0) check(label, records, expected, edges, withLatency);
    if (i >= 2) times.push(ms); // two warm-up runs: planning and a cold page cache
    if (times.length >= 5 && performance.now() - started > READ_BUDGET_MS) break;
  }
  return [percentile(times, 0.5), percentile(times, 0.95), times.length];
}

/** Parameters every read understands (each representation uses the ones it needs). */
function readParams(from: number, to: number): Params {
  const fromHour = Math.floor(from / HOUR_MS) * HOUR_MS;
  return {
    from: ms(from), to: ms(to), cut: ms(Math.max(from, Math.min(CUT, to))), fromHour: ms(fromHour),
    fromMinute: from / MINUTE_MS, toMinute: to / MINUTE_MS,
  };
}

/** The first minutes are written flush by flush but not timed: a JVM just started compiles as it goes. */
const WARMUP_MINUTES = 1;
const byFlush = (minute: number) => minute < WARMUP_MINUTES + TIMED_MINUTES || minute >= MINUTES - TIMED_MINUTES;

async function runRepresentation(rep: Representation): Promise<Result> {
  const edges = rep.listBased ? estate.edges.slice(0, LIST_EDGES) : estate.edges;
  const startedAll = performance.now();
  return withNeo4j(rep.id, async (db) => {
    const log = (text: string) => console.error(`[bench-buckets ${rep.id}] ${text}`);
    await setup(db.driver, rep, edges);
    const truth = Array.from({ length: MINUTES }, emptyTruth);
    const notes: string[] = [];

    // The baseline stores nothing over time: it skips the restarts that measure the store.
    const { store: store0, txLog: tx0 } = rep.id === '0' ? { store: 0, txLog: 0 } : await db.restart();
    // Plan every statement once before the clock starts (the collector's warmUp()).
    for (const q of rep.flush) await write(db.driver, [{ query: q, params: { rows: [] } }], { count: 0 });
    if (rep.rollup) await write(db.driver, [{ query: rep.rollup, params: { edges: [], from: ms(T0), to: ms(T0), hour: T0 } }], { count: 0 });
    // The baseline's cost does not change with time: its timed minutes measure it.
    const minutes = rep.id === '0' ? Math.min(MINUTES, WARMUP_MINUTES + 2 * TIMED_MINUTES) : MINUTES;
    const flushMs: number[] = [];
    const lateMs: number[] = [];
    const rollupMs: number[] = [];
    const retries = { count: 0 };
    let timedCpu = 0;
    let timedTxLog = 0;
    const cpu0 = cpuSeconds(db.pid);
    const startedAt = performance.now();
    let pending: Array<{ query: string; params: Params }> = [];
    const flushPending = async () => {
      if (pending.length > 0) await write(db.driver, pending, retries);
      pending = [];
    };
    for (let m = 0; m < minutes; m++) {
      if (byFlush(m) || rep.id === '0') {
        for (let f = m * FLUSHES_PER_MINUTE; f < (m + 1) * FLUSHES_PER_MINUTE; f++) {
          const perWriter = Array.from({ length: WRITERS }, (_, w) => flushRows(f, w, truth, edges));
          const cpuBefore = cpuSeconds(db.pid);
          const txBefore = diskBytes(txDir(db.dataDir));
          const times = await Promise.all(perWriter.map((rows) => write(db.driver, statementsFor(rep.flush, rows), retries)));
          if (m < WARMUP_MINUTES) continue;
          timedCpu += cpuSeconds(db.pid) - cpuBefore;
          timedTxLog += diskBytes(txDir(db.dataDir)) - txBefore;
          flushMs.push(...times);
          if (m >= minutes - TIMED_MINUTES) lateMs.push(...times);
        }
      } else {
        // Fast-forward: the minute's flushes as one row per bucket, the same bucket statements
        // (not the lifetime totals, which store nothing more over time), untimed.
        const statements = rep.fastForward ?? rep.flush;
        pending.push(...statementsFor(statements, minuteRows(m, truth, edges)));
        if (pending.length >= 10 * statements.length * Math.ceil(edges.length / CHUNK) || byFlush(m + 1) || (m + 1) % 60 === 0) await flushPending();
      }
      if (rep.rollup && (m + 1) % 60 === 0) {
        await flushPending();
        const hour = T0 + (m + 1 - 60) * MINUTE_MS;
        const started = performance.now();
        const statements = [];
        for (let i = 0; i < edges.length; i += CHUNK) {
          statements.push({ query: rep.rollup, params: { edges: edges.slice(i, i + CHUNK), from: ms(hour), to: ms(hour + HOUR_MS), hour } });
        }
        await write(db.driver, statements, retries);
        rollupMs.push(performance.now() - started);
      }
      if ((m + 1) % 30 === 0) log(`minute ${m + 1}: ${Math.round((performance.now() - startedAt) / 1000)} s so far, last timed flush ${Math.round(flushMs.at(-1) ?? 0)} ms`);
    }
    await flushPending();
    const cpuWrite = cpuSeconds(db.pid) - cpu0;
    const after = rep.id === '0' ? { store: 0, txLog: 0 } : await db.restart();
    const storeBytes = after.store - store0;
    const txLogBytes = after.txLog - tx0;
    const result: Result = {
      id: rep.id, title: rep.title, edges: edges.length, timedFlushes: flushMs.length,
      flushP50: percentile(flushMs, 0.5), flushP95: percentile(flushMs, 0.95), flushLateP50: percentile(lateMs, 0.5),
      cpuMsPerFlush: (timedCpu * 1000) / (flushMs.length / WRITERS), cpuSecondsWrite: cpuWrite,
      storeBytes, txLogBytes, txLogPerTimedFlush: timedTxLog / (flushMs.length / WRITERS),
      bytesPerEdgeDay: (storeBytes / edges.length) * (DAY_MINUTES / minutes),
      rollupMs, retries: retries.count, notes, seconds: 0,
    };
    log(`writes done: flush p50 ${result.flushP50.toFixed(1)} ms, store +${(storeBytes / 1e6).toFixed(1)} MB, tx log +${(txLogBytes / 1e6).toFixed(1)} MB`);

    // Plans (now that every property key exists): Eager operators and planner warnings.
    const sampleRows = flushRows(0, 99, Array.from({ length: MINUTES }, emptyTruth), edges.slice(0, 2));
    const plans: Array<[string, string, Params]> = rep.flush.map((q, i) => [`flush statement ${i + 1}`, q, { rows: sampleRows }]);
    if (rep.rollup) plans.push(['roll-up', rep.rollup, { edges: [], from: ms(T0), to: ms(T0 + HOUR_MS), hour: T0 }]);
    if (rep.lastHour) {
      plans.push(['last-hour read', rep.lastHour, readParams(T_END - HOUR_MS, T_END)]);
      plans.push(['24 h read', rep.day, readParams(T_END - 24 * HOUR_MS, T_END)]);
    }
    for (const [label, query, params] of plans) {
      const { operators, notes: warnings } = await explain(db.driver, query, params);
      const eager = operators.filter((o) => o.startsWith('Eager')).length;
      const interesting = operators.filter((o) => /Eager|NodeByLabelScan|AllNodesScan|CartesianProduct|Expand\(Into\)|IndexSeek|IndexScan|Unique|RelationshipTypeScan|AllRelationshipsScan/.test(o));
      notes.push(`${label}: ${eager > 0 ? `${eager} Eager` : 'no Eager'}; ${[...new Set(interesting)].join(', ')}${warnings.length ? `; planner: ${warnings.join(' | ')}` : ''}`);
    }

    if (rep.lastHour) {
      const from = Math.max(T0, T_END - HOUR_MS);
      const hourTruth = sumTruth(truth.slice((from - T0) / MINUTE_MS));
      result.lastHour = await timeReads(db.driver, `${rep.id} last hour`, rep.lastHour, readParams(T_END - HOUR_MS, T_END), hourTruth, edges.length, true, READS);
      result.countsOnly = await timeReads(db.driver, `${rep.id} last hour counts`, rep.countsOnly, readParams(T_END - HOUR_MS, T_END), hourTruth, edges.length, false, Math.ceil(READS / 2));
      // The earlier hours of the day in the hour tier, so the 24 h read reads 24 hours.
      const dayTruth = sumTruth(truth);
      if (rep.prefill) {
        // Whole hours inside [T_END - 24 h, T0): the part of the day before the run.
        const firstHour = Math.ceil((T_END - 24 * HOUR_MS) / HOUR_MS) * HOUR_MS;
        const rng = mulberry32(4242);
        for (let start = firstHour; start < T0; start += HOUR_MS) {
          const rows = edges.map((edge) => ({ ...rowFor(edge, start, rng), key: `${edge.key}|h|${ms(start)}` }));
          for (const row of rows) addTruth(dayTruth, row.calls, row.errors, row.latency);
          for (let i = 0; i < rows.length; i += CHUNK) await write(db.driver, [{ query: rep.prefill, params: { rows: rows.slice(i, i + CHUNK) } }], { count: 0 });
        }
      }
      result.day = await timeReads(db.driver, `${rep.id} 24 h`, rep.day, readParams(T_END - 24 * HOUR_MS, T_END), dayTruth, edges.length, true, READS);
      if (rep.id === 'B' && STEADY && MINUTES < DAY_MINUTES) result.steady = await steadyStateB(db, rep, edges, truth);
    }
    result.seconds = (performance.now() - startedAll) / 1000;
    return result;
  });
}

/**
 * B's cost grows with its lists, so it is also measured as it would be late in the day: the
 * lists get the rest of the day (synthetic minutes before T0) and a few more flushes go into
 * the run's last minute (a slot that exists, the common case).
 */
async function steadyStateB(db: Db, rep: Representation, edges: Edge[], truth: Truth[]): Promise<NonNullable<Result['steady']>> {
  const started = performance.now();
  const earlier = DAY_MINUTES - MINUTES;
  const synthetic = emptyTruth();
  // The synthetic minutes that fall inside the last hour (a run shorter than an hour reads some).
  const syntheticInHour = emptyTruth();
  const inHour = Math.min(earlier, Math.max(0, 60 - MINUTES));
  const rng = mulberry32(99);
  const rows = edges.map((edge) => {
    const { calls, latency } = rowFor(edge, T0, rng);
    addTruth(synthetic, calls * earlier, 0, latency.map((c) => c * earlier));
    if (inHour > 0) addTruth(syntheticInHour, calls * inHour, 0, latency.map((c) => c * inHour));
    return { from: edge.from, to: edge.to, kind: edge.kind, protocol: edge.protocol, latency, calls, n: earlier, firstMinute: T0 / MINUTE_MS - earlier };
  });
  for (let i = 0; i < rows.length; i += 50) await write(db.driver, [{ query: B_PROBE_PREFILL, params: { rows: rows.slice(i, i + 50) } }], { count: 0 });
  const buildS = (performance.now() - started) / 1000;
  console.error(`[bench-buckets B] lists now hold ${DAY_MINUTES} minutes (${buildS.toFixed(0)} s to build); steady-state flushes`);
  const times: number[] = [];
  const tx0 = diskBytes(txDir(db.dataDir));
  const flushes = 4;
  for (let f = 0; f < flushes; f++) {
    const rowsNow = flushRows((MINUTES - 1) * FLUSHES_PER_MINUTE + (f % FLUSHES_PER_MINUTE), 0, truth, edges);
    times.push(await write(db.driver, statementsFor(rep.flush, rowsNow), { count: 0 }));
  }
  const txLogPerFlush = (diskBytes(txDir(db.dataDir)) - tx0) / flushes;
  const runs = Math.min(READS, 5);
  const lastHour = await timeReads(db.driver, 'B steady last hour', rep.lastHour, readParams(T_END - HOUR_MS, T_END), sumTruth([syntheticInHour, ...truth.slice(Math.max(0, MINUTES - 60))]), edges.length, true, runs);
  const day = await timeReads(db.driver, 'B steady 24 h', rep.day, readParams(T_END - 24 * HOUR_MS, T_END), sumTruth([synthetic, ...truth]), edges.length, true, runs);
  return { flushP50: percentile(times, 0.5), flushP95: percentile(times, 0.95), txLogPerFlush, lastHour, day, buildS };
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} KiB`;

async function main(): Promise<void> {
  const startedAll = performance.now();
  console.log(`bucket storage bench: ${EDGES.toLocaleString('en')} dependencies between ${estate.components.length.toLocaleString('en')} components, ` +
    `${MINUTES} simulated minutes x ${FLUSHES_PER_MINUTE} flushes (every dependency in every flush), ${WRITERS} writer(s); ` +
    `timed flushes in minutes ${WARMUP_MINUTES}-${WARMUP_MINUTES + TIMED_MINUTES - 1} and the last ${TIMED_MINUTES}, the minutes between fast-forwarded; ` +
    `B and D on ${LIST_EDGES.toLocaleString('en')} dependencies, scaled; Neo4j heap ${HEAP_MB} MB, page cache ${PAGECACHE_MB} MB; ${READS} timed reads each`);
  const results: Result[] = [];
  for (const rep of REPRESENTATIONS.filter((r) => ONLY.includes(r.id))) {
    results.push(await runRepresentation(rep));
    console.error(`[bench-buckets ${rep.id}] done in ${Math.round(results.at(-1)!.seconds)} s`);
  }

  const header = ['representation', 'write ms/flush p50 / p95', 'p50 last minutes', 'Neo4j CPU ms/flush', 'Neo4j CPU s (write phase)', 'bytes per dependency-day', 'tx log per flush', 'roll-up ms/hour', 'last-hour read p50 / p95', 'counts only p50 / p95', '24 h read p50 / p95'];
  const rows: string[][] = [];
  for (const r of results) {
    const k = EDGES / r.edges; // B and D are measured on fewer dependencies; per-dependency work scales linearly
    const mark = k === 1 ? '' : '≈';
    const t = (n: number | undefined) => (n === undefined ? '-' : `${mark}${fmt(n * k)}`);
    const p = (x: Reads | undefined) => (x ? `${t(x[0])} / ${t(x[1])}${x[2] < READS ? ` (${x[2]} runs)` : ''}` : '-');
    rows.push([
      `${r.title}${k === 1 ? '' : ` (measured on ${r.edges}, x${fmt(k, 0)})`}`,
      `${t(r.flushP50)} / ${t(r.flushP95)}`, t(r.flushLateP50), t(r.cpuMsPerFlush), t(r.cpuSecondsWrite),
      r.id === '0' ? '-' : kib(r.bytesPerEdgeDay), `${mark}${kib(r.txLogPerTimedFlush * k)}`,
      r.rollupMs.length ? `${fmt(percentile(r.rollupMs, 0.5))} (x${r.rollupMs.length})` : '-',
      p(r.lastHour), p(r.countsOnly), p(r.day),
    ]);
    if (r.steady) {
      const s = r.steady;
      rows.push([
        `B late in the day (lists of ${DAY_MINUTES} minutes)`, `${t(s.flushP50)} / ${t(s.flushP95)}`, '-', '-', '-', '-',
        `${mark}${kib(s.txLogPerFlush * k)}`, '-', p(s.lastHour), '-', p(s.day),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  console.log('');
  console.log(header.map((h, i) => h.padEnd(widths[i]!)).join('  '));
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log('');
  console.log('Plans (EXPLAIN) and notes:');
  for (const r of results) {
    for (const note of r.notes) console.log(`  ${r.id} ${note}`);
    console.log(`  ${r.id} measured on ${r.edges} dependencies: store +${(r.storeBytes / 1e6).toFixed(1)} MB, tx log +${(r.txLogBytes / 1e6).toFixed(1)} MB, ` +
      `${r.timedFlushes} timed flushes, ${r.retries} transaction retries, ${Math.round(r.seconds)} s` +
      (r.steady ? `; building a day of lists took ${r.steady.buildS.toFixed(0)} s` : ''));
  }

  console.log('');
  console.log(`### Bucket representations: ${EDGES.toLocaleString('en')} dependencies, ${MINUTES} min x ${FLUSHES_PER_MINUTE} flushes/min, ${WRITERS} writer(s)`);
  console.log('');
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
  console.log(`Times in ms; ≈: measured on fewer dependencies and scaled linearly. Flush times from minutes ${WARMUP_MINUTES}-${WARMUP_MINUTES + TIMED_MINUTES - 1} and the last ${TIMED_MINUTES} simulated minutes ` +
    `("p50 last minutes": the last ${TIMED_MINUTES}). bytes per dependency-day = store growth (after a clean shutdown, which checkpoints) / dependencies x (1440 / ${MINUTES}). ` +
    `The 24 h read runs after the earlier hours of the day were added to the hour tier (A, C, D); B reads its minute lists. ` +
    `${Math.round((performance.now() - startedAll) / 1000)} s in all. Command: node tools/bench-bucket-storage.ts ${args.join(' ')}`.trim());
}

main().catch((error: Error) => {
  console.error(`[bench-buckets] Neo4j's last log lines:\n  ${neo4jLog.filter((l) => !/^\s+at /.test(l)).slice(-25).join('\n  ')}`);
  console.error(`[bench-buckets] ${error.stack ?? error.message}`);
  process.exit(1);
});
