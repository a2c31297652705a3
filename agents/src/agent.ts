// Tracing for a whole Node process: NodeSDK + the official OTLP trace exporter of the protocol
// asked for (http/protobuf by default, http/json, grpc) + http and undici (fetch)
// instrumentation, configured from OTEL_* variables (see config.ts).
// Contract with the host: nothing here throws into it, nothing writes to its stdout, and its
// exit code and exit signal stay what they would have been without the agent.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { type Attributes, DiagLogLevel, diag } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, hostDetector, osDetector, processDetector, resourceFromAttributes, serviceInstanceIdDetector } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';
import { type AgentConfig, type Env, loadAgentConfig, peerServiceFor } from './config.ts';
import type { DiagLevelName } from './env-values.ts';
import { type ExitFlush, installExitFlush } from './flush-on-exit.ts';
import { createOnceDiagLogger } from './once-diag-logger.ts';

/** How long a leaving host may be held for a final flush. */
export const EXIT_FLUSH_DEADLINE_MS = 2000;

const LOG_LEVELS: Record<DiagLevelName, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

export interface Agent {
  config: AgentConfig;
  /** Exports what is buffered; resolves even when the collector is unreachable. */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface StartAgentOptions {
  env?: Env;
  /** Where diagnostics go, one line at a time; stderr by default (stdout belongs to the host). */
  writeDiagnostic?: (line: string) => void;
}

/**
 * Starts tracing for this process. Returns undefined when tracing is disabled or could not be
 * started; problems are reported once through the diag logger and the host carries on.
 */
export function startAgent(options: StartAgentOptions = {}): Agent | undefined {
  const env = options.env ?? process.env;
  const write = options.writeDiagnostic ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { config, problems } = loadAgentConfig(env);

  const name = config.serviceName ?? config.resourceAttributes['service.name'] ?? 'unknown_service:node';
  const logger = createOnceDiagLogger({ write, prefix: `[orrery-agent ${name}]` });
  const useOurLogger = () => diag.setLogger(logger, { logLevel: LOG_LEVELS[config.logLevel], suppressOverrideMessage: true });
  useOurLogger();
  for (const problem of problems) diag.warn(`${problem.variable}: ${problem.message}`);
  if (config.disabled) {
    diag.debug('OTEL_SDK_DISABLED=true: tracing not started');
    return undefined;
  }

  let exitFlush: ExitFlush | undefined;
  try {
    const processor = config.exportTraces
      ? new BatchSpanProcessor({
          exporter: createExporter(config),
          ...config.batch,
        })
      : undefined;

    const peerAttributes = (host: string | undefined, port: number | undefined): Attributes => {
      if (!host) return {};
      const peer = peerServiceFor(config.peerServices, host, port);
      // Both the current name and the older one that most tooling still reads.
      return peer ? { 'service.peer.name': peer, 'peer.service': peer } : {};
    };

    const resourceAttributes: Attributes = { ...config.resourceAttributes };
    if (config.serviceName) resourceAttributes['service.name'] = config.serviceName;

    const sdk = withoutSdkConsoleLogger(() => new NodeSDK({
      resource: defaultResource().merge(resourceFromAttributes(resourceAttributes)),
      // OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME were read (and validated) above.
      resourceDetectors: [processDetector, hostDetector, osDetector, serviceInstanceIdDetector],
      spanProcessors: processor ? [processor] : [],
      // Traces only: no metrics or logs pipelines that would export to endpoints nobody asked for.
      metricReaders: [],
      logRecordProcessors: [],
      instrumentations: [
        new HttpInstrumentation({
          startOutgoingSpanHook: (request) => {
            const port = request.port === undefined || request.port === null ? undefined : Number(request.port);
            return peerAttributes(request.hostname ?? request.host?.replace(/:\d+$/, '') ?? undefined, Number.isFinite(port) ? port : undefined);
          },
        }),
        new UndiciInstrumentation({
          startSpanHook: (request) => {
            try {
              const url = new URL(request.origin);
              return peerAttributes(url.hostname, url.port === '' ? undefined : Number(url.port));
            } catch {
              return {};
            }
          },
        }),
      ],
    }));
    useOurLogger();
    sdk.start();
    patchBuiltinHttpForEsm();

    if (processor) {
      exitFlush = installExitFlush({ flush: () => processor.forceFlush(), deadlineMs: EXIT_FLUSH_DEADLINE_MS });
    }
    diag.debug(`tracing started; exporting OTLP ${config.protocol} to ${config.tracesUrl}`);
    return {
      config,
      forceFlush: async () => {
        await processor?.forceFlush().catch(() => undefined);
      },
      shutdown: async () => {
        exitFlush?.uninstall();
        await sdk.shutdown().catch(() => undefined);
      },
    };
  } catch (error) {
    exitFlush?.uninstall();
    useOurLogger();
    diag.error(`tracing could not start, the application runs without it: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/**
 * The official exporter of the configured protocol. Each still reads the settings this agent
 * leaves to it (OTEL_EXPORTER_OTLP_[TRACES_]HEADERS, _COMPRESSION, _TIMEOUT, certificates, and for
 * a scheme-less gRPC endpoint _INSECURE); the endpoint is passed as config.ts resolved it.
 */
function createExporter(config: AgentConfig): SpanExporter {
  switch (config.protocol) {
    case 'grpc': {
      // Loaded only when asked for: @grpc/grpc-js would add some 150 ms to every host's start.
      const grpc = createRequire(import.meta.url)('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
      return new grpc.OTLPTraceExporter({ url: config.tracesUrl });
    }
    case 'http/json':
      return new JsonTraceExporter({ url: config.tracesUrl });
    case 'http/protobuf':
      return new ProtobufTraceExporter({ url: config.tracesUrl });
  }
}

/**
 * NodeSDK's constructor installs a console diag logger when OTEL_LOG_LEVEL is set, and that
 * logger writes to the host's stdout. Hide the variable for the (synchronous) constructor only;
 * our own logger already honours it.
 */
function withoutSdkConsoleLogger<T>(construct: () => T): T {
  const saved = process.env.OTEL_LOG_LEVEL;
  if (saved === undefined) return construct();
  delete process.env.OTEL_LOG_LEVEL;
  try {
    return construct();
  } finally {
    process.env.OTEL_LOG_LEVEL = saved;
  }
}

/**
 * The http instrumentation patches `http`/`https` when they are first require()d. An ESM host
 * imports them without require(), so load them here (patching the one module object both
 * loaders share) and copy the patched functions onto the ESM named exports.
 */
function patchBuiltinHttpForEsm(): void {
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  syncBuiltinESMExports();
}
