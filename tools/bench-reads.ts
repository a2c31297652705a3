// `npm run bench -- --reads-only`: the map's full query (`services` with `dependsOn`, last hour)
// against the in-memory read model at 5,000 components and 20,000 dependencies with an hour of
// minute buckets, executed by the real GraphQL server (yoga.fetch, no socket). Reported as CPU
// time of this process per query (process.cpuUsage), which a loaded machine inflates far less
// than wall time:
//  - a new window each time (`last: 60m`, `61m`, ...): slid from the window asked before it
//    (timeline/window-views.ts), as the live map's hour moves by a minute;
//  - the same window again: the window's kept answers;
//  - the same window after each publish of new traffic (a live estate): only the dependencies the
//    publish touched are summed again.
// Declared-only components (a Neo4j read) are answered empty: this measures the read model.
import type { OrreryYogaOptions } from '../api/src/yoga.ts';
import { createGraphAggregator, type GraphDelta } from '../collector/src/aggregate/graph-aggregator.ts';
import { parseDurationMs } from '../collector/src/timeline/duration.ts';
import { createReadModel } from '../collector/src/timeline/read-model.ts';
import { tiersFor } from '../collector/src/timeline/tiers.ts';
import { createOrreryYoga } from '../api/src/yoga.ts';
import { percentile } from './bench-platform.ts';

const SERVICES = 1000;
const PEERS = 4000;
const PER_SERVICE = 20;
const MINUTE = 60_000;
const MAP_QUERY = (window: string) => `{ services(window: { last: "${window}" }) { name kind tier dependsOn { to kind calls errors p95Ms } } }`;

/** One minute of traffic: a call on every dependency, at `minuteMs`. */
function minuteOfTraffic(minuteMs: number, seed: number): GraphDelta {
  const aggregator = createGraphAggregator({ maxDependencies: 1e6, maxComponents: 1e6 });
  for (let s = 0; s < SERVICES; s++) {
    const from = { name: `svc-${s}`, kind: 'SERVICE' as const, virtual: false };
    aggregator.addSighting({ ...from, namespace: undefined, version: '1.0.0', environment: undefined, timeUnixMs: minuteMs, entryPoint: false });
    for (let j = 0; j < PER_SERVICE; j++) {
      const to = { name: `peer-${(s * PER_SERVICE + j) % PEERS}`, kind: 'EXTERNAL' as const, virtual: true };
      aggregator.addInteraction({
        from, to, kind: 'SYNC', protocol: 'http', operation: 'GET', traceId: `${seed}-${s}-${j}`, timeUnixMs: minuteMs + 1000,
        durationMs: 5 + ((s + j + seed) % 50), callerError: false, calleeError: (s + j + seed) % 97 === 0,
      });
    }
  }
  return aggregator.drain();
}

export async function benchmarkReads(options: { quick: boolean; line: (text: string) => void }): Promise<void> {
  const nowMinute = Math.floor(Date.now() / MINUTE) * MINUTE;
  const model = createReadModel({ tiers: tiersFor(parseDurationMs('30d')!) });
  const filled = performance.now();
  for (let m = 61; m >= 1; m--) model.applyDelta(minuteOfTraffic(nowMinute - m * MINUTE, m));
  options.line(`reads: read model filled with ${(SERVICES + PEERS).toLocaleString('en')} components, ${(SERVICES * PER_SERVICE).toLocaleString('en')} dependencies and ${model.bucketCount().toLocaleString('en')} minute buckets in ${((performance.now() - filled) / 1000).toFixed(0)} s`);
  const memory = process.memoryUsage();
  options.line(`reads: buckets take ${(model.bucketBytes() / 1e6).toFixed(0)} MB of typed arrays; heap used ${(memory.heapUsed / 1e6).toFixed(0)} MB, array buffers ${(memory.arrayBuffers / 1e6).toFixed(0)} MB, RSS ${(memory.rss / 1e6).toFixed(0)} MB`);
  const noNeo4j = { executeQuery: async () => ({ records: [] }) } as unknown as OrreryYogaOptions['driver'];
  const yoga = createOrreryYoga({ driver: noNeo4j, database: 'neo4j', readModel: model });
  const cpuMsOf = async (query: string): Promise<{ cpuMs: number; bytes: number }> => {
    const before = process.cpuUsage();
    const response = await yoga.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const text = await response.text();
    const used = process.cpuUsage(before);
    if (!text.startsWith('{"data"')) throw new Error(`GraphQL answered ${text.slice(0, 300)}`);
    return { cpuMs: (used.user + used.system) / 1000, bytes: text.length };
  };
  const runs = options.quick ? 8 : 20;
  const summary = (samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b);
    return `p50 ${percentile(sorted, 0.5).toFixed(0)} ms, p95 ${percentile(sorted, 0.95).toFixed(0)} ms CPU`;
  };
  await cpuMsOf(MAP_QUERY('59m')); // warm-up: JIT and the query's compiled plan
  const cold: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const r = await cpuMsOf(MAP_QUERY(`${60 + i}m`));
    cold.push(r.cpuMs);
    bytes = r.bytes;
  }
  const repeated: number[] = [];
  await cpuMsOf(MAP_QUERY('1h')); // the first ask of this window computes it; the repeats are what is timed
  for (let i = 0; i < runs; i++) repeated.push((await cpuMsOf(MAP_QUERY('1h'))).cpuMs);
  const live: number[] = [];
  for (let i = 0; i < runs; i++) {
    // One publish of the current minute on a hundredth of the edges, as a live estate sends between two polls.
    const delta = minuteOfTraffic(nowMinute, 1000 + i);
    delta.dependencies = delta.dependencies.filter((_, k) => k % 100 === i);
    model.applyDelta(delta);
    live.push((await cpuMsOf(MAP_QUERY('1h'))).cpuMs);
  }
  const stats = model.windowStats();
  options.line(`reads: windows summed from buckets ${stats.summed}, slid from a kept one ${stats.slid}, answered from a kept one ${stats.reused}`);
  options.line(`reads: full-map query (services with dependsOn, last hour, ${(bytes / 1e6).toFixed(1)} MB) in process: new window ${summary(cold)}; same window ${summary(repeated)}; same window after each publish ${summary(live)} (${runs} runs each; goal p95 <= 50 ms)`);
}
