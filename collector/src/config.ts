// Every setting the platform reads from its environment (DESIGN.md §6), validated at once so a
// misconfigured start reports all of its problems together.
import { hostname } from 'node:os';
import { alertingFromEnv, type AlertingConfig } from './alerting/alert-config.ts';
import { isLoopbackHost } from './auth/bearer-token.ts';
import { KAFKA_SECURITY_VARIABLES, kafkaSecurityFromEnv, type KafkaSecurity } from './kafka/kafka-security.ts';
import { formatDuration, parseDurationMs } from './timeline/duration.ts';

export interface OrreryConfig {
  host: string;
  otlpPort: number;
  /** OTLP/gRPC (the default of the Python, .NET and Go SDKs). */
  otlpGrpcPort: number;
  apiPort: number;
  /** Unset: the embedded Neo4j starts under dataDir. */
  neo4j: { uri: string | undefined; user: string | undefined; password: string | undefined; database: string };
  dataDir: string;
  catalogPath: string | undefined;
  /** Receivers (ORRERY_ALERT_WEBHOOK_URL, ORRERY_ALERTMANAGER_URL, ORRERY_SLACK_WEBHOOK_URL, the rules file's) and routes (ORRERY_ALERT_RULES). */
  alerting: AlertingConfig;
  demo: boolean;
  /** How often aggregated observations are published to the read model (GraphQL, detectors, subscriptions). */
  flushMs: number;
  /** How often what was published is written to Neo4j (its cost follows edges changed per write, not flushes). */
  writeMs: number;
  pairingTimeoutMs: number;
  handoffTimeoutMs: number;
  staleAfterMs: number;
  /** Detector passes run after a flush, at most this often. */
  detectEveryMs: number;
  /** A finding no longer raised is resolved after this long (hysteresis against flapping). */
  resolveAfterMs: number;
  /** Findings raised per detector pass at most, worst first (ORRERY_MAX_FINDINGS); the rest are counted in one summary per kind. */
  maxFindingsPerPass: number;
  /** Largest OTLP request body accepted, after decompression. */
  maxBodyBytes: number;
  /** Waiting span halves per pairing store. */
  maxPendingSpans: number;
  /** Distinct dependencies held between flushes (bounds memory while Neo4j is away). */
  maxPendingDependencies: number;
  /** OTLP/HTTP export requests decoded at once (ORRERY_MAX_CONCURRENT_EXPORTS); beyond it exporters get 429 and retry. */
  maxConcurrentExports: number;
  /** How long time buckets are kept (ORRERY_RETENTION, default 30d). */
  retentionMs: number;
  /** The recent window detectors judge rates and errors over (ORRERY_DETECT_WINDOW, default 15m). */
  detectWindowMs: number;
  /** How far in the future a span may be dated before it counts as clock skew (ORRERY_MAX_CLOCK_SKEW, default 5m). */
  maxClockSkewMs: number;
  /** Names this collector's writes, so a retried delta is recognised (ORRERY_COLLECTOR_ID; default host, pid and start time). */
  collectorId: string;
  /** ORRERY_INGEST_TOKEN: `Authorization: Bearer` required on OTLP/HTTP and OTLP/gRPC when set (required itself off loopback). */
  ingestToken: string | undefined;
  /** ORRERY_API_TOKEN: `Authorization: Bearer` required on GraphQL when set (required itself off loopback). */
  apiToken: string | undefined;
  /** ORRERY_HOST is not a loopback address: introspection and field suggestions are off. */
  exposed: boolean;
  /** ORRERY_CORS_ORIGINS: origins besides the app's own allowed to call GraphQL from a browser. */
  corsOrigins: string[];
  /** ORRERY_NEO4J_BOLT_PORT: the embedded Neo4j's Bolt port (default 7687). */
  neo4jBoltPort: number;
  /** ORRERY_ROLE: `all` runs everything in one process; `collector` ingests and writes; `api` serves GraphQL and the map and runs the detectors. */
  role: OrreryRole;
  /** ORRERY_KAFKA_BROKERS (comma-separated host:port): collectors also read OTLP from ORRERY_KAFKA_TOPIC as one consumer group (ORRERY_KAFKA_GROUP). */
  kafka: { brokers: string[]; topic: string; groupId: string; security: KafkaSecurity } | undefined;
}

export type OrreryRole = 'all' | 'collector' | 'api';

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): OrreryConfig {
  const problems: string[] = [];

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name}=${JSON.stringify(env[name])} must be 1/0, true/false, yes/no or on/off`);
    return fallback;
  };
  const text = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };
  const duration = (name: string, fallback: string, minMs: number, maxMs: number): number => {
    const raw = text(name) ?? fallback;
    const ms = parseDurationMs(raw);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)}, such as 15m, 12h or 30d`);
      return parseDurationMs(fallback)!;
    }
    return ms;
  };

  const neo4jUri = text('NEO4J_URI');
  if (neo4jUri && !/^(neo4j|bolt)(\+s|\+ssc)?:\/\//.test(neo4jUri)) {
    problems.push(`NEO4J_URI=${JSON.stringify(neo4jUri)} must start with neo4j://, neo4j+s://, bolt:// or bolt+s://`);
  }
  if (!neo4jUri && (text('NEO4J_USER') || text('NEO4J_PASSWORD'))) {
    problems.push('NEO4J_USER/NEO4J_PASSWORD are set but NEO4J_URI is not: set NEO4J_URI too, or unset them to use the embedded Neo4j');
  }

  const config: OrreryConfig = {
    host: text('ORRERY_HOST') ?? '127.0.0.1',
    otlpPort: integer('ORRERY_OTLP_PORT', 4318, 0, 65535),
    otlpGrpcPort: integer('ORRERY_OTLP_GRPC_PORT', 4317, 0, 65535),
    apiPort: integer('ORRERY_API_PORT', 4000, 0, 65535),
    neo4j: { uri: neo4jUri, user: text('NEO4J_USER'), password: env.NEO4J_PASSWORD, database: text('NEO4J_DATABASE') ?? 'neo4j' },
    dataDir: text('ORRERY_DATA_DIR') ?? '.orrery',
    catalogPath: text('ORRERY_CATALOG'),
    demo: flag('ORRERY_DEMO', true),
    flushMs: integer('ORRERY_FLUSH_MS', 500, 10, 3_600_000),
    writeMs: integer('ORRERY_WRITE_MS', 5000, 10, 3_600_000),
    pairingTimeoutMs: integer('ORRERY_PAIRING_TIMEOUT_MS', 10_000, 10, 3_600_000),
    handoffTimeoutMs: integer('ORRERY_HANDOFF_TIMEOUT_MS', 300_000, 10, 7 * 86_400_000),
    staleAfterMs: integer('ORRERY_STALE_AFTER_MS', 7 * 86_400_000, 1000, 365 * 86_400_000),
    detectEveryMs: integer('ORRERY_DETECT_MS', 2000, 10, 3_600_000),
    resolveAfterMs: integer('ORRERY_RESOLVE_AFTER_MS', 60_000, 0, 7 * 86_400_000),
    maxFindingsPerPass: integer('ORRERY_MAX_FINDINGS', 100, 1, 1_000_000),
    maxBodyBytes: integer('ORRERY_MAX_BODY_BYTES', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    // Together these bound the collector's memory (tools/node-flags.ts sizes the heap for them):
    // ~300 B per waiting half in four stores and the workflow tracker, ~2 KB per pending edge.
    maxPendingSpans: integer('ORRERY_MAX_PENDING_SPANS', 100_000, 100, 50_000_000),
    maxPendingDependencies: integer('ORRERY_MAX_PENDING_DEPENDENCIES', 50_000, 100, 10_000_000),
    maxConcurrentExports: integer('ORRERY_MAX_CONCURRENT_EXPORTS', 64, 1, 100_000),
    retentionMs: duration('ORRERY_RETENTION', '30d', 3_600_000, 3650 * 86_400_000),
    detectWindowMs: duration('ORRERY_DETECT_WINDOW', '15m', 60_000, 7 * 86_400_000),
    maxClockSkewMs: duration('ORRERY_MAX_CLOCK_SKEW', '5m', 1000, 86_400_000),
    collectorId: text('ORRERY_COLLECTOR_ID') ?? `${hostname()}-${process.pid}-${Date.now().toString(36)}`,
    role: 'all',
    kafka: undefined,
    alerting: alertingFromEnv(env, problems, { host: text('ORRERY_HOST') ?? '127.0.0.1', port: Number(text('ORRERY_API_PORT') ?? 4000) }),
    ingestToken: text('ORRERY_INGEST_TOKEN'),
    apiToken: text('ORRERY_API_TOKEN'),
    exposed: !isLoopbackHost(text('ORRERY_HOST') ?? '127.0.0.1'),
    corsOrigins: corsOrigins(text('ORRERY_CORS_ORIGINS'), problems),
    neo4jBoltPort: integer('ORRERY_NEO4J_BOLT_PORT', 7687, 1, 65535),
  };
  if (config.exposed) {
    // Off loopback anyone who can reach the ports could write spans and acknowledge findings.
    const missing = (['ORRERY_INGEST_TOKEN', 'ORRERY_API_TOKEN'] as const).filter((name) => !text(name));
    if (missing.length > 0) {
      problems.push(`ORRERY_HOST=${JSON.stringify(config.host)} is not a loopback address, so ${missing.join(' and ')} must be set `
        + `(a long random secret each, e.g. \`openssl rand -hex 32\`): exporters send the ingest one as OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>, the web app asks for the API one`);
    }
  }
  for (const name of ['ORRERY_INGEST_TOKEN', 'ORRERY_API_TOKEN'] as const) {
    const token = text(name);
    if (token && !/^[\x21-\x7e]+$/.test(token)) problems.push(`${name} must be printable ASCII without spaces (it travels in an HTTP header)`);
  }
  const role = text('ORRERY_ROLE') ?? 'all';
  if (role === 'all' || role === 'collector' || role === 'api') config.role = role;
  else problems.push(`ORRERY_ROLE=${JSON.stringify(role)} must be all, collector or api`);
  const brokers = text('ORRERY_KAFKA_BROKERS')?.split(',').map((b) => b.trim()).filter((b) => b !== '') ?? [];
  for (const b of brokers) if (!/^[^\s:]+:\d{1,5}$/.test(b)) problems.push(`ORRERY_KAFKA_BROKERS: ${JSON.stringify(b)} must be host:port (brokers separated by commas)`);
  if (brokers.length > 0) {
    if (config.role === 'api') problems.push('ORRERY_KAFKA_BROKERS is set but ORRERY_ROLE=api does not ingest: set it on the collectors');
    // TLS and SASL (kafka/kafka-security.ts): files read and checked now, secrets kept out of logs.
    const security = kafkaSecurityFromEnv(env, brokers, problems);
    config.kafka = { brokers, topic: text('ORRERY_KAFKA_TOPIC') ?? 'otlp_spans', groupId: text('ORRERY_KAFKA_GROUP') ?? 'orrery', security };
  } else if (text('ORRERY_KAFKA_TOPIC') || text('ORRERY_KAFKA_GROUP')) {
    problems.push('ORRERY_KAFKA_TOPIC/ORRERY_KAFKA_GROUP are set but ORRERY_KAFKA_BROKERS is not');
  } else if (KAFKA_SECURITY_VARIABLES.some((name) => text(name))) {
    problems.push(`${KAFKA_SECURITY_VARIABLES.filter((name) => text(name)).join(', ')} set but ORRERY_KAFKA_BROKERS is not`);
  }
  if (config.role !== 'all' && !neo4jUri) {
    problems.push(`ORRERY_ROLE=${config.role} shares its graph with other processes: set NEO4J_URI to the Neo4j they all use (the embedded one is for ORRERY_ROLE=all)`);
  }
  const ports = [['ORRERY_OTLP_PORT', config.otlpPort], ['ORRERY_OTLP_GRPC_PORT', config.otlpGrpcPort], ['ORRERY_API_PORT', config.apiPort],
    ...(config.neo4j.uri ? [] : [['ORRERY_NEO4J_BOLT_PORT', config.neo4jBoltPort] as const])] as const;
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      if (ports[i]![1] !== 0 && ports[i]![1] === ports[j]![1]) problems.push(`${ports[i]![0]} and ${ports[j]![0]} are both ${ports[i]![1]}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** ORRERY_CORS_ORIGINS: a comma-separated list of origins (scheme://host[:port]). */
function corsOrigins(raw: string | undefined, problems: string[]): string[] {
  if (!raw) return [];
  const origins: string[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== entry.replace(/\/$/, '')) {
      problems.push(`ORRERY_CORS_ORIGINS entry ${JSON.stringify(entry)} must be an origin such as https://grafana.example.com (scheme, host, optional port; no path)`);
    } else origins.push(url.origin);
  }
  return origins;
}
