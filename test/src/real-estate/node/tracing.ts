// Preload for the estate's Node services (`node --import ./tracing.ts service.ts`): the official
// NodeSDK with the official instrumentations of the libraries they use, everything else from the
// standard OTEL_* variables NodeSDK reads itself (service name, OTLP endpoint and protocol,
// batch delay, propagators). Orrery's own agent (agents/src/register.ts) instruments only http
// and undici, so it cannot trace pg, ioredis or amqplib.
//
// OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS pick instrumentations
// by short name (`http,undici,pg,ioredis,amqplib`), as @opentelemetry/auto-instrumentations-node
// reads them.
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

const available = {
  http: () => new HttpInstrumentation(),
  undici: () => new UndiciInstrumentation(),
  pg: () => new PgInstrumentation(),
  ioredis: () => new IORedisInstrumentation(),
  amqplib: () => new AmqplibInstrumentation(),
};
type Name = keyof typeof available;

const list = (variable: string) => process.env[variable]?.split(',').map((name) => name.trim()).filter(Boolean);
const enabled = list('OTEL_NODE_ENABLED_INSTRUMENTATIONS') ?? Object.keys(available);
const disabled = new Set(list('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? []);
const names = enabled.filter((name): name is Name => name in available && !disabled.has(name));

const sdk = new NodeSDK({ instrumentations: names.map((name) => available[name]()) });
sdk.start();

// The services end by closing everything when stdin closes; the SDK's batch timer does not hold
// the event loop, so flush once it runs dry.
let shuttingDown = false;
process.on('beforeExit', () => {
  if (shuttingDown) return;
  shuttingDown = true;
  void sdk.shutdown();
});
