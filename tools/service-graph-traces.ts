// `node tools/service-graph-traces.ts DIR...`: the edges Orrery infers from each OTLP/JSON trace
// file in the folders given (one ExportTraceServiceRequest per file, hex or base64 ids), with
// every span's outcome. Made to compare Orrery with other service-graph builders on their own
// public test traces (Grafana Tempo's modules/generator/processor/servicegraphs/testdata, the
// OpenTelemetry Collector's servicegraphconnector testdata): fetch those repositories and point
// this at their folders. Their files are not copied here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createGraphAggregator } from '../collector/src/aggregate/graph-aggregator.ts';
import { createSpanInference } from '../collector/src/inference/span-inference.ts';
import { decodeJsonTraces } from '../collector/src/otlp/decode-json.ts';

const files = process.argv.slice(2).flatMap((path) =>
  statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f)) : [path],
);
if (files.length === 0) {
  console.error('usage: node tools/service-graph-traces.ts DIR_OR_FILE...');
  process.exit(2);
}

for (const file of files) {
  let now = 0;
  const aggregator = createGraphAggregator({ maxDependencies: 100_000, maxComponents: 100_000 });
  const inference = createSpanInference({
    pairingTimeoutMs: 10_000, maxPendingSpans: 100_000, clock: () => now,
    onInteraction: (i) => aggregator.addInteraction(i), onComponent: (c) => aggregator.addSighting(c), onUnconsumedMessage: (p) => aggregator.addUnconsumed(p),
  });
  const decoded = decodeJsonTraces(readFileSync(file, 'utf8'));
  inference.ingest(decoded.spans);
  now += 20_000;
  inference.expire();
  const { dependencies } = aggregator.drain();
  const outcomes = Object.entries(inference.stats().outcomes).filter(([, n]) => n > 0).map(([o, n]) => `${o} ${n}`);
  console.log(`${basename(file)}: ${decoded.spans.length} spans${decoded.rejected.length ? `, ${decoded.rejected.length} rejected` : ''}; ${outcomes.join(', ')}`);
  for (const d of dependencies.sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`))) {
    console.log(`  ${d.from} -${d.kind}/${d.protocol}-> ${d.to}  calls ${d.calls}, errors ${d.errors}`);
  }
}
