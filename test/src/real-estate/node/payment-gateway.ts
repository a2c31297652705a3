// payment-gateway: a partner's HTTP API that reports no traces (run WITHOUT tracing.ts), so the
// calls py-billing makes to it can only appear as a virtual peer named from the client's span.
// POST /charge answers 200.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announce, closeOnStdinEnd } from './service-life.ts';

const server = createServer((request, response) => {
  request.resume();
  request.once('end', () => {
    if (request.method === 'POST' && request.url === '/charge') response.writeHead(200, { 'content-type': 'application/json' }).end('{"charged":true}');
    else response.writeHead(404).end();
  });
});
server.listen(0, '127.0.0.1', () => announce(`READY ${(server.address() as AddressInfo).port}`));
closeOnStdinEnd(() => new Promise<void>((resolve) => server.close(() => resolve())));
