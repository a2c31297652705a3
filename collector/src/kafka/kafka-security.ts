// How a collector reaches an organisation's brokers: TLS (the broker's certificate checked against
// ORRERY_KAFKA_CA_FILE or the system's CAs; a client certificate for mutual TLS) and SASL (PLAIN,
// SCRAM-SHA-256, SCRAM-SHA-512), read and checked once at start so a bad combination or an
// unreadable file stops the start naming the variable (config.ts, exit 2). The files are read
// then: replacing a certificate takes a restart.
//
// Secrets never reach a log line or a JSON dump: the password and the client key live only inside
// the `clientOptions` closure (JSON.stringify skips functions, util.inspect prints [Function]);
// what is left is what `describeKafkaSecurity` prints.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** What the Kafka client is given (@platformatic/kafka's ConnectionOptions: `tls`, `tlsServerName`, `sasl`). */
export interface KafkaClientSecurity {
  tls?: TlsOptions;
  /** SNI: the broker's host name is sent when every bootstrap broker is named by host name, not by address. */
  tlsServerName?: boolean;
  sasl?: { mechanism: SaslMechanism; username: string; password: () => string };
}

export interface KafkaSecurity {
  tls: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  sasl?: { mechanism: SaslMechanism; username: string };
  /** The client's options, secrets included; call it where the client is made, never log it. */
  clientOptions: () => KafkaClientSecurity;
}

type Env = Record<string, string | undefined>;

const PLAINTEXT: KafkaSecurity = { tls: false, clientOptions: () => ({}) };

/** The variables this file reads, for "set without ORRERY_KAFKA_BROKERS". */
export const KAFKA_SECURITY_VARIABLES = [
  'ORRERY_KAFKA_TLS', 'ORRERY_KAFKA_CA_FILE', 'ORRERY_KAFKA_CERT_FILE', 'ORRERY_KAFKA_KEY_FILE',
  'ORRERY_KAFKA_SASL_MECHANISM', 'ORRERY_KAFKA_SASL_USERNAME', 'ORRERY_KAFKA_SASL_PASSWORD',
] as const;

/**
 * ORRERY_KAFKA_TLS, _CA_FILE, _CERT_FILE, _KEY_FILE, _SASL_MECHANISM, _SASL_USERNAME, _SASL_PASSWORD.
 * Problems are pushed naming the variable (never a secret's value); the result is then plaintext.
 */
export function kafkaSecurityFromEnv(env: Env, brokers: readonly string[], problems: string[]): KafkaSecurity {
  const text = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };
  const before = problems.length;
  const tlsRaw = text('ORRERY_KAFKA_TLS')?.toLowerCase();
  let tls = false;
  if (tlsRaw !== undefined) {
    if (['1', 'true', 'yes', 'on'].includes(tlsRaw)) tls = true;
    else if (!['0', 'false', 'no', 'off'].includes(tlsRaw)) problems.push(`ORRERY_KAFKA_TLS=${JSON.stringify(env['ORRERY_KAFKA_TLS'])} must be 1/0, true/false, yes/no or on/off`);
  }
  const caFile = text('ORRERY_KAFKA_CA_FILE');
  const certFile = text('ORRERY_KAFKA_CERT_FILE');
  const keyFile = text('ORRERY_KAFKA_KEY_FILE');
  const files = ([['ORRERY_KAFKA_CA_FILE', caFile], ['ORRERY_KAFKA_CERT_FILE', certFile], ['ORRERY_KAFKA_KEY_FILE', keyFile]] as const).filter(([, v]) => v);
  if (!tls && files.length > 0) {
    problems.push(`${files.map(([name]) => name).join(', ')} ${files.length > 1 ? 'are' : 'is'} set but ORRERY_KAFKA_TLS is not: set ORRERY_KAFKA_TLS=1 to connect to the brokers over TLS`);
  }
  if (Boolean(certFile) !== Boolean(keyFile)) {
    problems.push(`mutual TLS needs both ORRERY_KAFKA_CERT_FILE and ORRERY_KAFKA_KEY_FILE (the client certificate and its private key): ${certFile ? 'ORRERY_KAFKA_KEY_FILE' : 'ORRERY_KAFKA_CERT_FILE'} is not set`);
  }

  const ca = caFile ? readPem('ORRERY_KAFKA_CA_FILE', caFile, problems, (pem) => certificates(pem)) : undefined;
  const cert = certFile ? readPem('ORRERY_KAFKA_CERT_FILE', certFile, problems, (pem) => certificates(pem)) : undefined;
  const key = keyFile ? readPem('ORRERY_KAFKA_KEY_FILE', keyFile, problems, (pem) => privateKey(pem)) : undefined;
  if (cert && key && !cert.parsed[0]!.checkPrivateKey(key.parsed)) {
    problems.push(`ORRERY_KAFKA_KEY_FILE (${keyFile}) is not the private key of the certificate in ORRERY_KAFKA_CERT_FILE (${certFile})`);
  }

  const mechanismRaw = text('ORRERY_KAFKA_SASL_MECHANISM');
  const username = text('ORRERY_KAFKA_SASL_USERNAME');
  // Not trimmed: a password may begin or end with a space.
  const password = env['ORRERY_KAFKA_SASL_PASSWORD'] || undefined;
  let sasl: { mechanism: SaslMechanism; username: string; password: string } | undefined;
  if (mechanismRaw !== undefined) {
    const mechanism = SASL_MECHANISMS.find((m) => m === mechanismRaw.toUpperCase().replace(/_/g, '-'));
    if (!mechanism) problems.push(`ORRERY_KAFKA_SASL_MECHANISM=${JSON.stringify(mechanismRaw)} must be ${SASL_MECHANISMS.join(', ')}`);
    const missing = [username ? undefined : 'ORRERY_KAFKA_SASL_USERNAME', password ? undefined : 'ORRERY_KAFKA_SASL_PASSWORD'].filter(Boolean);
    if (missing.length > 0) problems.push(`ORRERY_KAFKA_SASL_MECHANISM=${mechanismRaw} needs ${missing.join(' and ')} too`);
    if (mechanism && username && password) sasl = { mechanism, username, password };
  } else if (username || password) {
    problems.push(`${[username ? 'ORRERY_KAFKA_SASL_USERNAME' : undefined, password ? 'ORRERY_KAFKA_SASL_PASSWORD' : undefined].filter(Boolean).join(' and ')} `
      + `${username && password ? 'are' : 'is'} set but ORRERY_KAFKA_SASL_MECHANISM is not: set it to ${SASL_MECHANISMS.join(', ')}`);
  }

  if (problems.length > before) return PLAINTEXT;
  if (!tls && !sasl) return PLAINTEXT;
  const named = brokers.length > 0 && brokers.every((b) => isIP(b.slice(0, b.lastIndexOf(':')).replace(/^\[|\]$/g, '')) === 0);
  const tlsOptions: TlsOptions | undefined = tls
    ? { ...(ca ? { ca: ca.pem } : {}), ...(cert && key ? { cert: cert.pem, key: key.pem } : {}) }
    : undefined;
  const secret = sasl?.password;
  return {
    tls,
    ...(caFile ? { caFile } : {}),
    ...(certFile ? { certFile } : {}),
    ...(keyFile ? { keyFile } : {}),
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username } } : {}),
    clientOptions: () => ({
      ...(tlsOptions ? { tls: tlsOptions, tlsServerName: named } : {}),
      ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: () => secret! } } : {}),
    }),
  };
}

/** One line for the start log: protocol, mechanism and user, files; never the password. */
export function describeKafkaSecurity(security: KafkaSecurity | undefined): string {
  if (!security || (!security.tls && !security.sasl)) return 'PLAINTEXT';
  const protocol = `${security.sasl ? 'SASL_' : ''}${security.tls ? 'SSL' : 'PLAINTEXT'}`;
  const parts = [protocol];
  if (security.sasl) parts.push(`${security.sasl.mechanism} as ${JSON.stringify(security.sasl.username)}`);
  if (security.tls) parts.push(security.caFile ? `CA ${security.caFile}` : 'system CAs');
  if (security.certFile) parts.push(`client certificate ${security.certFile}`);
  if (security.sasl?.mechanism === 'PLAIN' && !security.tls) parts.push('the password crosses the network in clear: set ORRERY_KAFKA_TLS=1');
  return parts.join(', ');
}

function readPem<T>(name: string, file: string, problems: string[], parse: (pem: string) => T): { pem: string; parsed: T } | undefined {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${name}=${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return undefined;
  }
  try {
    return { pem, parsed: parse(pem) };
  } catch (error) {
    problems.push(`${name}=${file} is not ${name === 'ORRERY_KAFKA_KEY_FILE' ? 'an unencrypted PEM private key' : 'a PEM certificate'}: ${(error as Error).message}`);
    return undefined;
  }
}

/** Every certificate of a PEM bundle (a CA file may hold several). */
function certificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no "-----BEGIN CERTIFICATE-----" block');
  return blocks.map((block) => new X509Certificate(block));
}

function privateKey(pem: string): KeyObject {
  if (/ENCRYPTED/.test(pem)) throw new Error('the key is encrypted; give it unencrypted, readable only by the collector\'s user');
  return createPrivateKey(pem);
}

/** Why a connection to Kafka failed, from @platformatic/kafka's nested errors. */
export type KafkaFailureReason = 'authentication' | 'tls' | 'network' | 'other';
export const KAFKA_FAILURE_REASONS: readonly KafkaFailureReason[] = ['authentication', 'tls', 'network', 'other'];

interface ErrorNode {
  message?: string;
  code?: string;
  apiId?: string;
  serverErrorMessage?: string | null;
  errors?: unknown[];
  cause?: unknown;
}

/**
 * The deepest, most telling cause of a client error (its errors nest: "Listing topics failed" >
 * "Cannot connect to any broker" > "Connection failed" > "SASL authentication failed" > the
 * broker's own message), and what kind of failure it is.
 */
export function explainKafkaError(error: unknown): { reason: KafkaFailureReason; message: string } {
  const nodes: ErrorNode[] = [];
  const walk = (node: unknown, depth: number) => {
    if (!node || typeof node !== 'object' || depth > 10 || nodes.includes(node as ErrorNode)) return;
    nodes.push(node as ErrorNode);
    const n = node as ErrorNode;
    for (const child of n.errors ?? []) walk(child, depth + 1);
    walk(n.cause, depth + 1);
  };
  walk(error, 0);
  const server = nodes.find((n) => n.serverErrorMessage)?.serverErrorMessage;
  const authentication = nodes.find((n) => n.code === 'PLT_KFK_AUTHENTICATION' || /SASL_AUTHENTICATION_FAILED|UNSUPPORTED_SASL_MECHANISM|ILLEGAL_SASL_STATE/.test(n.apiId ?? ''));
  if (authentication) return { reason: 'authentication', message: server ?? authentication.message ?? 'SASL authentication failed' };
  const tls = nodes.find((n) => /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH)/.test(n.code ?? '') || /requires TLS|certificate|SSL routines/i.test(n.message ?? ''));
  if (tls) return { reason: 'tls', message: `${tls.message}${tls.code && !tls.message?.includes(tls.code) ? ` (${tls.code})` : ''}` };
  const leaf = nodes.at(-1);
  const network = nodes.find((n) => n.code === 'PLT_KFK_NETWORK' || /^(ECONN|ENOTFOUND|EAI_|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)/.test(n.code ?? ''));
  const message = server ?? leaf?.message ?? String(error);
  return { reason: network ? 'network' : 'other', message };
}

/** What to tell the operator for a failure, naming the variables that decide it. */
export function kafkaFailureHint(reason: KafkaFailureReason, security: KafkaSecurity | undefined): string {
  switch (reason) {
    case 'authentication':
      return security?.sasl
        ? `the brokers refused ${security.sasl.mechanism} authentication as ${JSON.stringify(security.sasl.username)}: check ORRERY_KAFKA_SASL_USERNAME and ORRERY_KAFKA_SASL_PASSWORD (and ORRERY_KAFKA_SASL_MECHANISM against the listener's sasl.enabled.mechanisms)`
        : 'the brokers want SASL authentication: set ORRERY_KAFKA_SASL_MECHANISM, ORRERY_KAFKA_SASL_USERNAME and ORRERY_KAFKA_SASL_PASSWORD';
    case 'tls':
      return security?.tls
        ? 'TLS to the brokers failed: check that ORRERY_KAFKA_CA_FILE holds the CA that signed the brokers\' certificates and that they name the host in ORRERY_KAFKA_BROKERS'
        : 'the brokers speak TLS: set ORRERY_KAFKA_TLS=1 (and ORRERY_KAFKA_CA_FILE for a private CA)';
    case 'network':
      return security?.tls && !security.certFile
        ? 'cannot reach the brokers in ORRERY_KAFKA_BROKERS (a listener requiring client certificates also closes connections without one: ORRERY_KAFKA_CERT_FILE, ORRERY_KAFKA_KEY_FILE)'
        : 'cannot reach the brokers in ORRERY_KAFKA_BROKERS';
    default:
      return 'the Kafka client failed';
  }
}
