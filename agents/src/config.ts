// The agent's configuration, read once from the standard OTEL_* variables
// (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
// Every problem is collected and returned together with a usable configuration: a malformed
// variable falls back to its default, it never stops the host (see STYLE.md, opentelemetry-js).
import {
  type DiagLevelName,
  isBlank,
  parseBoolean,
  parseDiagLevel,
  parseHttpUrl,
  parseInteger,
  parseKeyValueList,
} from './env-values.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigProblem {
  variable: string;
  message: string;
}

export interface BatchConfig {
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
}

export interface AgentConfig {
  /** OTEL_SDK_DISABLED=true: install nothing at all. */
  disabled: boolean;
  /** OTEL_TRACES_EXPORTER=none keeps context propagation but exports nothing. */
  exportTraces: boolean;
  serviceName: string | undefined;
  /** From OTEL_RESOURCE_ATTRIBUTES; service.name there is overridden by OTEL_SERVICE_NAME. */
  resourceAttributes: Record<string, string>;
  /** OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL: which official exporter sends the spans. */
  protocol: OtlpProtocol;
  /**
   * Where that exporter sends: for http/* the full URL it posts to (…/v1/traces); for grpc the
   * collector's endpoint, `http(s)://host:port` or a bare `host:port` (whose security
   * OTEL_EXPORTER_OTLP_INSECURE decides, read by the gRPC exporter itself).
   */
  tracesUrl: string;
  batch: BatchConfig;
  logLevel: DiagLevelName;
  /** `host` or `host:port` -> peer.service, from OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING. */
  peerServices: ReadonlyMap<string, string>;
}

export interface LoadedConfig {
  config: AgentConfig;
  problems: ConfigProblem[];
}

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
/** The spec's values, default first ("SHOULD be http/protobuf"). */
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
export const DEFAULT_PROTOCOL: OtlpProtocol = 'http/protobuf';

/**
 * The spec's defaults are http://localhost:4318 (OTLP/HTTP) and http://localhost:4317 (gRPC).
 * DESIGN.md section 6: the collector listens on loopback; 127.0.0.1 avoids a `localhost` that
 * resolves to ::1 first.
 */
export const DEFAULT_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
export const DEFAULT_OTLP_GRPC_ENDPOINT = 'http://127.0.0.1:4317';
const TRACES_PATH = 'v1/traces';

/** Spec defaults for the batch span processor. */
export const DEFAULT_BATCH: BatchConfig = {
  scheduledDelayMillis: 5000,
  exportTimeoutMillis: 30000,
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
};

export function loadAgentConfig(env: Env = process.env): LoadedConfig {
  const problems: ConfigProblem[] = [];
  const report = (variable: string, message: string) => problems.push({ variable, message });

  const disabled = readBoolean(env, 'OTEL_SDK_DISABLED', false, report);
  const serviceName = isBlank(env.OTEL_SERVICE_NAME) ? undefined : env.OTEL_SERVICE_NAME.trim();

  const resourceAttributes: Record<string, string> = {};
  if (!isBlank(env.OTEL_RESOURCE_ATTRIBUTES)) {
    const list = parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES);
    for (const message of list.problems) report('OTEL_RESOURCE_ATTRIBUTES', `${message}; entry skipped`);
    for (const [key, value] of list.entries) resourceAttributes[key] = value;
  }

  let logLevel: DiagLevelName = 'info';
  if (!isBlank(env.OTEL_LOG_LEVEL)) {
    const parsed = parseDiagLevel(env.OTEL_LOG_LEVEL);
    if (parsed.ok) logLevel = parsed.value;
    else report('OTEL_LOG_LEVEL', `${parsed.problem}; using "info"`);
  }

  const batch: BatchConfig = {
    scheduledDelayMillis: readInteger(env, 'OTEL_BSP_SCHEDULE_DELAY', DEFAULT_BATCH.scheduledDelayMillis, 0, report),
    exportTimeoutMillis: readInteger(env, 'OTEL_BSP_EXPORT_TIMEOUT', DEFAULT_BATCH.exportTimeoutMillis, 1, report),
    maxQueueSize: readInteger(env, 'OTEL_BSP_MAX_QUEUE_SIZE', DEFAULT_BATCH.maxQueueSize, 1, report),
    maxExportBatchSize: readInteger(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', DEFAULT_BATCH.maxExportBatchSize, 1, report),
  };
  if (batch.maxExportBatchSize > batch.maxQueueSize) {
    report('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', `${batch.maxExportBatchSize} exceeds OTEL_BSP_MAX_QUEUE_SIZE ${batch.maxQueueSize}; using ${batch.maxQueueSize}`);
    batch.maxExportBatchSize = batch.maxQueueSize;
  }

  const protocol = readProtocol(env, report);
  return {
    config: {
      disabled,
      exportTraces: readTracesExporter(env, report),
      serviceName,
      resourceAttributes,
      protocol,
      tracesUrl: protocol === 'grpc' ? readGrpcEndpoint(env, report) : readTracesUrl(env, report),
      batch,
      logLevel,
      peerServices: readPeerServices(env, report),
    },
    problems,
  };
}

type Report = (variable: string, message: string) => void;

function readBoolean(env: Env, variable: string, fallback: boolean, report: Report): boolean {
  const raw = env[variable];
  if (isBlank(raw)) return fallback;
  const parsed = parseBoolean(raw);
  if (parsed.ok) return parsed.value;
  report(variable, `${parsed.problem}; using ${fallback}`);
  return fallback;
}

function readInteger(env: Env, variable: string, fallback: number, min: number, report: Report): number {
  const raw = env[variable];
  if (isBlank(raw)) return fallback;
  const parsed = parseInteger(raw, min);
  if (parsed.ok) return parsed.value;
  report(variable, `${parsed.problem}; using ${fallback}`);
  return fallback;
}

/**
 * The signal-specific endpoint is used as given; the generic one gets `v1/traces` appended
 * (spec: "OTEL_EXPORTER_OTLP_ENDPOINT ... with the signal path appended"). A malformed value
 * falls through to the next source rather than disabling export.
 */
function readTracesUrl(env: Env, report: Report): string {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!isBlank(specific)) {
    const parsed = parseHttpUrl(specific);
    if (parsed.ok) return parsed.value.href;
    report('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', `${parsed.problem}; ignored`);
  }
  const generic = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!isBlank(generic)) {
    const parsed = parseHttpUrl(generic);
    if (parsed.ok) return appendPath(parsed.value, TRACES_PATH);
    report('OTEL_EXPORTER_OTLP_ENDPOINT', `${parsed.problem}; using ${DEFAULT_OTLP_ENDPOINT}`);
  }
  return appendPath(new URL(DEFAULT_OTLP_ENDPOINT), TRACES_PATH);
}

/**
 * gRPC has no signal path: both variables name the collector, `http://host:port` (plaintext),
 * `https://host:port` (TLS) or `host:port` (TLS unless OTEL_EXPORTER_OTLP_INSECURE=true). A path
 * would be ignored by the exporter, so it is reported rather than silently dropped.
 */
function readGrpcEndpoint(env: Env, report: Report): string {
  for (const variable of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const) {
    const raw = env[variable];
    if (isBlank(raw)) continue;
    const parsed = parseGrpcEndpoint(raw);
    if (parsed.ok) {
      if (parsed.path) report(variable, `a gRPC endpoint has no path; "${parsed.path}" is ignored, sending to ${parsed.value}`);
      return parsed.value;
    }
    report(variable, `${parsed.problem}; ${variable === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? `using ${DEFAULT_OTLP_GRPC_ENDPOINT}` : 'ignored'}`);
  }
  return DEFAULT_OTLP_GRPC_ENDPOINT;
}

function parseGrpcEndpoint(raw: string): { ok: true; value: string; path?: string } | { ok: false; problem: string } {
  const trimmed = raw.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  if (hasScheme) {
    const parsed = parseHttpUrl(trimmed);
    if (!parsed.ok) return parsed;
    const { protocol, host, pathname } = parsed.value;
    return { ok: true, value: `${protocol}//${host}`, ...(pathname !== '/' && pathname !== '' ? { path: pathname } : {}) };
  }
  let url: URL;
  try {
    url = new URL(`grpc://${trimmed}`);
  } catch {
    return { ok: false, problem: `"${raw}" is not a host:port or an http:// or https:// URL` };
  }
  if (url.hostname === '' || url.port === '' || url.search !== '' || url.hash !== '' || url.username !== '') {
    return { ok: false, problem: `"${raw}" is not a host:port or an http:// or https:// URL` };
  }
  return { ok: true, value: url.host, ...(url.pathname !== '/' && url.pathname !== '' ? { path: url.pathname } : {}) };
}

function appendPath(base: URL, path: string): string {
  const url = new URL(base.href);
  url.pathname = url.pathname.endsWith('/') ? url.pathname + path : `${url.pathname}/${path}`;
  return url.href;
}

/**
 * The traces-specific variable wins over the generic one; an unknown value is reported and the
 * next source used, ending at the spec's default http/protobuf.
 */
function readProtocol(env: Env, report: Report): OtlpProtocol {
  for (const variable of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'] as const) {
    const raw = env[variable];
    if (isBlank(raw)) continue;
    const value = raw.trim().toLowerCase();
    const known = OTLP_PROTOCOLS.find((p) => p === value);
    if (known) return known;
    const next = variable === 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' && !isBlank(env.OTEL_EXPORTER_OTLP_PROTOCOL) ? 'OTEL_EXPORTER_OTLP_PROTOCOL' : DEFAULT_PROTOCOL;
    report(variable, `"${raw}" is not an OTLP protocol (accepted: ${OTLP_PROTOCOLS.join(', ')}); using ${next}`);
  }
  return DEFAULT_PROTOCOL;
}

function readTracesExporter(env: Env, report: Report): boolean {
  const raw = env.OTEL_TRACES_EXPORTER;
  if (isBlank(raw)) return true;
  const names = raw.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  if (names.includes('none')) return false;
  const unsupported = names.filter((n) => n !== 'otlp');
  if (unsupported.length > 0) report('OTEL_TRACES_EXPORTER', `${unsupported.map((n) => `"${n}"`).join(', ')} not supported by this agent; using "otlp"`);
  return true;
}

/**
 * `host=name` or `host:port=name` pairs naming uninstrumented peers (the Java agent's
 * otel.instrumentation.common.peer-service-mapping). Hosts are compared lower-case.
 */
function readPeerServices(env: Env, report: Report): Map<string, string> {
  const variable = 'OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING';
  const peers = new Map<string, string>();
  const raw = env[variable];
  if (isBlank(raw)) return peers;
  const list = parseKeyValueList(raw);
  for (const message of list.problems) report(variable, `${message}; entry skipped`);
  for (const [key, name] of list.entries) {
    if (name.trim() === '') {
      report(variable, `"${key}" maps to an empty name; entry skipped`);
      continue;
    }
    peers.set(key.toLowerCase(), name.trim());
  }
  return peers;
}

/** The peer.service for a request to host (and port), preferring the more specific `host:port` entry. */
export function peerServiceFor(peers: ReadonlyMap<string, string>, host: string, port: number | undefined): string | undefined {
  if (peers.size === 0) return undefined;
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return (port === undefined ? undefined : peers.get(`${h}:${port}`)) ?? peers.get(h);
}
