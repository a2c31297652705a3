// Service A of the interoperability test, in Node: calls service B with fetch and no tracing
// code; Orrery's agent (undici instrumentation) makes the CLIENT spans and injects traceparent.
// Usage: frontend.ts URL CALLS. Exits 1 if a call fails; the agent flushes on beforeExit.
const [url, callsText] = process.argv.slice(2);
const calls = Number(callsText);
for (let i = 0; i < calls; i++) {
  const response = await fetch(url!);
  await response.arrayBuffer();
  if (response.status !== 200) {
    process.stderr.write(`GET ${url} answered ${response.status}\n`);
    process.exit(1);
  }
}
process.stdout.write(`DONE ${calls}\n`);
