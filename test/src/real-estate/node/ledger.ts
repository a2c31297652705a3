// ledger: an HTTP service (traced by tracing.ts as OTEL_SERVICE_NAME, http instrumentation only)
// that traces its database client under a service name of its own, as Jaeger's HotROD traces
// its mysql and redis components: a second TracerProvider whose resource says
// service.name=ledger-db, emitting one CLIENT span per query with peer.service=ledger-db, child
// of the ledger's SERVER span. No SERVER span answers it; the database is the component.
// POST /entries {orderId, amount} inserts a row into ledger_entries (real PostgreSQL, pg
// uninstrumented here: OTEL_NODE_ENABLED_INSTRUMENTATIONS=http).
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type * as Pg from 'pg';
import { announce, closeOnStdinEnd, load, readJson, setting } from './service-life.ts';

const http = load('node:http') as typeof Http;
const { Pool } = load('pg') as typeof Pg;

export const LEDGER_DB_SERVICE = 'ledger-db';

// The exporter reads OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, the processor OTEL_BSP_*, like the SDK's.
const dbTracing = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': LEDGER_DB_SERVICE }),
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
});
const dbTracer = dbTracing.getTracer('ledger-db-client');
const db = new Pool({ connectionString: setting('DATABASE_URL'), max: 2, idleTimeoutMillis: 0 });

const INSERT = 'INSERT INTO ledger_entries (order_id, amount) VALUES ($1, $2)';

/** One query, traced as HotROD's components trace theirs (old attribute names, as HotROD sends them). */
async function tracedQuery(text: string, values: unknown[]): Promise<void> {
  const span = dbTracer.startSpan(
    'INSERT ledger_entries',
    { kind: SpanKind.CLIENT, attributes: { 'peer.service': LEDGER_DB_SERVICE, 'db.system': 'postgresql', 'db.statement': text } },
    context.active(),
  );
  try {
    await db.query(text, values);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    span.end();
  }
}

const server = http.createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/entries') {
    response.writeHead(404).end();
    return;
  }
  readJson(request)
    .then((body) => tracedQuery(INSERT, [String(body.orderId), Number(body.amount)]))
    .then(
      () => response.writeHead(201, { 'content-type': 'application/json' }).end('{"recorded":true}'),
      (error: unknown) => {
        process.stderr.write(`ledger entry failed: ${String(error)}\n`);
        response.writeHead(500).end();
      },
    );
});
server.listen(0, '127.0.0.1', () => announce(`READY ${(server.address() as AddressInfo).port}`));

closeOnStdinEnd(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.end();
  await dbTracing.shutdown();
});
