// Runs the demo estate against a throwaway OTLP receiver for a while and prints what arrived:
// spans per service and kind, the interactions seen, and spans per second.
//   node agents/demo/tools/watch-estate.ts [seconds=30] [basePort=7300]
import { SPAN_KIND_NAMES, type ReceivedSpan, startOtlpReceiver } from '../../src/testing/otlp-receiver.ts';
import { readFileSync } from 'node:fs';
import { startDemoEstate } from '../estate.ts';

/** utime + stime of each process from /proc (Linux), in seconds. */
function cpuSeconds(pids: Array<number | undefined>): number[] {
  return pids.map((pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  });
}

const seconds = Number(process.argv[2] ?? 30);
const basePort = Number(process.argv[3] ?? 7300);
const receiver = await startOtlpReceiver();
const lines: string[] = [];
const started = Date.now();
const estate = await startDemoEstate({ otlpEndpoint: receiver.endpoint, basePort, log: (l) => lines.push(l) });
const upAt = Date.now();
console.log(`estate up in ${upAt - started} ms; pids ${estate.processes.map((p) => `${p.name}=${p.pid}`).join(' ')}`);
const countAtUp = receiver.spans.length;
const cpuAtUp = cpuSeconds(estate.processes.map((p) => p.pid));
await new Promise((r) => setTimeout(r, seconds * 1000));
const countAtEnd = receiver.spans.length;
const cpuAtEnd = cpuSeconds(estate.processes.map((p) => p.pid));
const cpuUse = estate.processes.map((p, i) => `${p.name} ${(((cpuAtEnd[i] ?? 0) - (cpuAtUp[i] ?? 0)) / seconds * 100).toFixed(1)}%`);
const cpuTotal = cpuAtEnd.reduce((a, b, i) => a + b - (cpuAtUp[i] ?? 0), 0) / seconds * 100;
await estate.stop();
await new Promise((r) => setTimeout(r, 500));
await receiver.close();

const spans = receiver.spans;
console.log(`CPU while running (percent of one core): total ${cpuTotal.toFixed(1)}%; ${cpuUse.join(', ')}`);
console.log(`spans: ${spans.length} total, ${((countAtEnd - countAtUp) / seconds).toFixed(1)}/s while running; requests ${JSON.stringify({ ...receiver.requests, contentTypes: [...receiver.requests.contentTypes] })}`);
const byServiceKind = new Map<string, number>();
for (const s of spans) {
  const key = `${s.service} ${SPAN_KIND_NAMES[s.kind]}`;
  byServiceKind.set(key, (byServiceKind.get(key) ?? 0) + 1);
}
console.log([...byServiceKind].sort().map(([k, n]) => `  ${k}: ${n}`).join('\n'));

const byId = new Map(spans.map((s) => [s.spanId, s]));
const edges = new Map<string, number>();
const add = (k: string) => edges.set(k, (edges.get(k) ?? 0) + 1);
for (const s of spans) {
  const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
  if (s.kind === 2 && parent?.kind === 3) add(`SYNC ${parent.service} -> ${s.service} (${s.name})`);
  if (s.kind === 3 && s.attributes['db.system.name']) add(`DATABASE ${s.service} -> ${s.attributes['db.system.name']}:${s.attributes['db.namespace']}`);
  if (s.kind === 3 && s.attributes['gen_ai.provider.name']) add(`AI ${s.service} -> ${s.attributes['gen_ai.provider.name']}/${s.attributes['gen_ai.request.model']} @${s.attributes['server.address']}:${s.attributes['server.port']}`);
  if (s.kind === 3 && s.attributes['peer.service']) add(`PEER ${s.service} -> ${s.attributes['peer.service']}`);
  if (s.kind === 4) add(`PUBLISH ${s.service} -> ${s.attributes['messaging.destination.name']}`);
  if (s.kind === 5) {
    const linked = s.links.map((l) => byId.get(l.spanId)).find(Boolean);
    add(`CONSUME ${s.attributes['messaging.destination.name']} -> ${s.service} (linked to ${linked ? `${linked.service} ${SPAN_KIND_NAMES[linked.kind]}` : 'nothing seen'}, parent ${s.parentSpanId ?? 'none'})`);
  }
  if (s.attributes['orrery.human.task']) add(`HUMAN ${s.service} -> ${s.attributes['orrery.human.task']} outcome=${s.attributes['orrery.human.outcome']}`);
  if (s.kind === 3 && !s.attributes['db.system.name'] && !s.attributes['gen_ai.provider.name'] && !byId.has(s.spanId)) add('?');
}
console.log('interactions:');
console.log([...edges].sort().map(([k, n]) => `  ${k}: ${n}`).join('\n'));
const errors = new Map<string, number>();
for (const s of spans.filter((x: ReceivedSpan) => x.statusCode === 2)) errors.set(`${s.service} ${SPAN_KIND_NAMES[s.kind]} ${s.name}`, (errors.get(`${s.service} ${SPAN_KIND_NAMES[s.kind]} ${s.name}`) ?? 0) + 1);
console.log('error spans:');
console.log([...errors].sort().map(([k, n]) => `  ${k}: ${n}`).join('\n'));
const tracesWithCheckout = new Set(spans.filter((s) => s.service === 'checkout' && s.kind === 2 && s.name.includes('/checkout')).map((s) => s.traceId));
const pricingPerTrace = [...tracesWithCheckout].map((t) => spans.filter((s) => s.traceId === t && s.service === 'pricing' && s.kind === 2).length);
console.log(`pricing calls per checkout trace: avg ${(pricingPerTrace.reduce((a, b) => a + b, 0) / Math.max(1, pricingPerTrace.length)).toFixed(1)} over ${pricingPerTrace.length}`);
const ai = spans.filter((s) => s.attributes['gen_ai.provider.name']).map((s) => s.durationMs).sort((a, b) => a - b);
console.log(`AI call ms: p50 ${ai[Math.floor(ai.length / 2)]?.toFixed(0)} p95 ${ai[Math.floor(ai.length * 0.95)]?.toFixed(0)} n=${ai.length}`);
console.log('estate log (last 15 lines):');
console.log(lines.slice(-15).join('\n'));
