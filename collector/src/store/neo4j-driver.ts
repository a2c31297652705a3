import neo4j, { type Driver } from 'neo4j-driver';

/** A driver whose integers come back as JS numbers (counts here stay far below 2^53). */
export function createNeo4jDriver(options: { uri: string; user: string | undefined; password: string | undefined }): Driver {
  // No user: the server runs without authentication (the embedded default, loopback only).
  const auth = options.user ? neo4j.auth.basic(options.user, options.password ?? '') : undefined;
  return neo4j.driver(options.uri, auth, {
    disableLosslessIntegers: true,
    maxConnectionPoolSize: 20,
    connectionAcquisitionTimeout: 10_000,
    connectionTimeout: 5_000,
    // The flush loop retries with its own backoff and keeps the data meanwhile; the driver's
    // default of 30 s of retries inside one write would hide an outage from it for that long.
    maxTransactionRetryTime: 5_000,
    logging: { level: 'error', logger: (_level, message) => console.error(`[neo4j-driver] ${message}`) },
  });
}
