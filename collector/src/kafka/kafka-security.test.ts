// ORRERY_KAFKA_TLS, _CA_FILE, _CERT_FILE, _KEY_FILE and _SASL_*: what a collector hands the Kafka
// client, every bad combination refused naming its variable, the password nowhere but the client's
// options. Certificates are made by openssl for the run (the broker suite does the same).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { describeKafkaSecurity, explainKafkaError, kafkaFailureHint } from './kafka-security.ts';

const PASSWORD = 'Sup3r-secret pass';
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orrery-kafka-security-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test CA');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.pem', '-days', '1', '-subj', '/CN=client', '-CA', 'ca.pem', '-CAkey', 'ca.key');
  openssl('genpkey', '-algorithm', 'RSA', '-out', 'other.key');
  writeFileSync(file('garbage.pem'), 'not a certificate\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { NEO4J_URI: 'bolt://db:7687', ORRERY_ROLE: 'collector', ORRERY_KAFKA_BROKERS: 'kafka-1.example.com:9093' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

describe('Kafka TLS and SASL settings', () => {
  it('are plaintext by default', () => {
    const security = loadConfig(base).kafka!.security;
    expect([security.tls, security.sasl, security.clientOptions()]).toEqual([false, undefined, {}]);
    expect(describeKafkaSecurity(security)).toBe('PLAINTEXT');
  });

  it('hand the client the CA, the client certificate and key, and SCRAM credentials', () => {
    const security = loadConfig({
      ...base, ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_CA_FILE: file('ca.pem'), ORRERY_KAFKA_CERT_FILE: file('client.pem'), ORRERY_KAFKA_KEY_FILE: file('client.key'),
      ORRERY_KAFKA_SASL_MECHANISM: 'scram-sha-512', ORRERY_KAFKA_SASL_USERNAME: 'orrery', ORRERY_KAFKA_SASL_PASSWORD: PASSWORD,
    }).kafka!.security;
    const client = security.clientOptions();
    expect(client.tls?.ca).toMatch(/BEGIN CERTIFICATE/);
    expect(client.tls?.cert).toMatch(/BEGIN CERTIFICATE/);
    expect(client.tls?.key).toMatch(/PRIVATE KEY/);
    // The brokers are named by host name, so it goes out as SNI (cloud brokers route on it).
    expect(client.tlsServerName).toBe(true);
    expect(client.sasl).toMatchObject({ mechanism: 'SCRAM-SHA-512', username: 'orrery' });
    expect(client.sasl!.password()).toBe(PASSWORD);
    expect(describeKafkaSecurity(security)).toBe(`SASL_SSL, SCRAM-SHA-512 as "orrery", CA ${file('ca.pem')}, client certificate ${file('client.pem')}`);
  });

  it('trust the system CAs without a CA file, and send no SNI to brokers named by address', () => {
    const client = loadConfig({ ...base, ORRERY_KAFKA_BROKERS: '10.0.0.5:9093', ORRERY_KAFKA_TLS: 'true' }).kafka!.security.clientOptions();
    expect(client).toEqual({ tls: {}, tlsServerName: false });
  });

  it('never show the password or the key: not in JSON, not in inspect, not in the description', () => {
    const config = loadConfig({
      ...base, ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_CERT_FILE: file('client.pem'), ORRERY_KAFKA_KEY_FILE: file('client.key'),
      ORRERY_KAFKA_SASL_MECHANISM: 'PLAIN', ORRERY_KAFKA_SASL_USERNAME: 'orrery', ORRERY_KAFKA_SASL_PASSWORD: PASSWORD,
    });
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 10 }), describeKafkaSecurity(config.kafka!.security)]) {
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toMatch(/PRIVATE KEY/);
    }
  });

  it('refuse a mechanism without its user or password, and credentials without a mechanism, naming the variables', () => {
    expect(problems({ ORRERY_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256' })).toEqual([
      'ORRERY_KAFKA_SASL_MECHANISM=SCRAM-SHA-256 needs ORRERY_KAFKA_SASL_USERNAME and ORRERY_KAFKA_SASL_PASSWORD too',
    ]);
    expect(problems({ ORRERY_KAFKA_SASL_MECHANISM: 'PLAIN', ORRERY_KAFKA_SASL_USERNAME: 'orrery' }).join()).toMatch(/needs ORRERY_KAFKA_SASL_PASSWORD too/);
    expect(problems({ ORRERY_KAFKA_SASL_MECHANISM: 'GSSAPI', ORRERY_KAFKA_SASL_USERNAME: 'u', ORRERY_KAFKA_SASL_PASSWORD: 'p' }).join())
      .toMatch(/ORRERY_KAFKA_SASL_MECHANISM="GSSAPI" must be PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/);
    expect(problems({ ORRERY_KAFKA_SASL_USERNAME: 'u', ORRERY_KAFKA_SASL_PASSWORD: PASSWORD }).join())
      .toMatch(/ORRERY_KAFKA_SASL_USERNAME and ORRERY_KAFKA_SASL_PASSWORD are set but ORRERY_KAFKA_SASL_MECHANISM is not/);
    // A refusal says which variable, never the secret.
    expect(problems({ ORRERY_KAFKA_SASL_PASSWORD: PASSWORD }).join()).not.toContain(PASSWORD);
  });

  it('refuse unreadable, unparsable and mismatched files, and files without ORRERY_KAFKA_TLS, naming the variables', () => {
    expect(problems({ ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_CA_FILE: file('missing.pem') })).toEqual([`ORRERY_KAFKA_CA_FILE=${file('missing.pem')} cannot be read: ENOENT`]);
    expect(problems({ ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_CA_FILE: file('garbage.pem') }).join()).toMatch(/ORRERY_KAFKA_CA_FILE=.*garbage.pem is not a PEM certificate/);
    expect(problems({ ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_CERT_FILE: file('client.pem'), ORRERY_KAFKA_KEY_FILE: file('other.key') }).join())
      .toMatch(/ORRERY_KAFKA_KEY_FILE .* is not the private key of the certificate in ORRERY_KAFKA_CERT_FILE/);
    expect(problems({ ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_CERT_FILE: file('client.pem') }).join()).toMatch(/needs both ORRERY_KAFKA_CERT_FILE and ORRERY_KAFKA_KEY_FILE/);
    expect(problems({ ORRERY_KAFKA_CA_FILE: file('ca.pem') }).join()).toMatch(/ORRERY_KAFKA_CA_FILE is set but ORRERY_KAFKA_TLS is not/);
    expect(problems({ ORRERY_KAFKA_TLS: 'maybe' }).join()).toMatch(/ORRERY_KAFKA_TLS="maybe" must be/);
  });

  it('are refused without ORRERY_KAFKA_BROKERS', () => {
    expect(() => loadConfig({ ORRERY_KAFKA_TLS: '1', ORRERY_KAFKA_SASL_MECHANISM: 'PLAIN' })).toThrow(/ORRERY_KAFKA_TLS, ORRERY_KAFKA_SASL_MECHANISM set but ORRERY_KAFKA_BROKERS is not/);
  });

  it('warn that PLAIN without TLS sends the password in clear', () => {
    const security = loadConfig({ ...base, ORRERY_KAFKA_SASL_MECHANISM: 'PLAIN', ORRERY_KAFKA_SASL_USERNAME: 'u', ORRERY_KAFKA_SASL_PASSWORD: 'p' }).kafka!.security;
    expect(describeKafkaSecurity(security)).toMatch(/^SASL_PLAINTEXT, PLAIN as "u", the password crosses the network in clear/);
  });
});

describe('a Kafka client failure explained', () => {
  // The shapes @platformatic/kafka 2.12 gives (seen against the real broker in kafka-security.test.ts).
  const nested = (...chain: object[]) => chain.reduceRight<object | undefined>((inner, outer) => ({ ...outer, ...(inner ? { errors: [inner] } : {}) }), undefined)!;

  it('finds a refused SASL login and the broker\'s own words', () => {
    const error = nested(
      { message: 'Listing topics failed.', code: 'PLT_KFK_MULTIPLE' }, { message: 'Cannot connect to any broker.', code: 'PLT_KFK_MULTIPLE' },
      { message: 'Connection to 127.0.0.1:9093 failed.', code: 'PLT_KFK_NETWORK' }, { message: 'SASL authentication failed.', code: 'PLT_KFK_AUTHENTICATION' },
      { message: 'SASL authentication failed.', code: 'PLT_KFK_PROTOCOL', apiId: 'SASL_AUTHENTICATION_FAILED', serverErrorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512' },
    );
    expect(explainKafkaError(error)).toEqual({ reason: 'authentication', message: 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512' });
    const security = loadConfig({ ...base, ORRERY_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', ORRERY_KAFKA_SASL_USERNAME: 'orrery', ORRERY_KAFKA_SASL_PASSWORD: PASSWORD }).kafka!.security;
    expect(kafkaFailureHint('authentication', security)).toMatch(/refused SCRAM-SHA-512 authentication as "orrery": check ORRERY_KAFKA_SASL_USERNAME and ORRERY_KAFKA_SASL_PASSWORD/);
  });

  it('tells an untrusted certificate, a TLS listener spoken to in plaintext, and no broker apart', () => {
    expect(explainKafkaError(nested({ message: 'x', code: 'PLT_KFK_MULTIPLE' }, { message: 'Connection failed.', code: 'PLT_KFK_NETWORK' },
      { message: 'self-signed certificate in certificate chain', code: 'SELF_SIGNED_CERT_IN_CHAIN' })))
      .toEqual({ reason: 'tls', message: 'self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)' });
    expect(explainKafkaError(nested({ message: 'x', code: 'PLT_KFK_MULTIPLE' }, { message: 'Broker requires TLS.', code: 'PLT_KFK_USER' })).reason).toBe('tls');
    expect(explainKafkaError(nested({ message: 'x', code: 'PLT_KFK_MULTIPLE' }, { message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' })))
      .toEqual({ reason: 'network', message: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect(explainKafkaError(new Error('something else')).reason).toBe('other');
  });
});
