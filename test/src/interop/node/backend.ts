// Service B of the interoperability test, in Node: a plain node:http server with no tracing
// code; Orrery's agent (node --import agents/src/register.ts, i.e. @opentelemetry/sdk-node with
// the http instrumentation) makes its SERVER spans.
// Usage: backend.ts PORT. Prints `READY <port>` on stdout once listening; closes when stdin
// reaches EOF (a crashed parent never leaves it running), and the agent flushes on beforeExit.
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const body = JSON.stringify({ price: 42 });
const server = createServer((request, response) => {
  request.resume();
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
process.stdin.on('end', () => {
  server.close();
  server.closeAllConnections();
});
process.stdin.resume();
