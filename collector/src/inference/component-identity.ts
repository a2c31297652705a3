// Identity rules: the one canonical name each observed component gets, whichever semantic-
// convention version, instrumentation or attribute subset a span happens to carry. Two spans that
// reach the same database, endpoint or queue must name it the same; two callers that reach
// unknown places must never be joined through a shared made-up node. Pure.
//
//  database   <system>://<host>[:<port>][/<namespace>]   host from server.address, network.peer.address,
//             peer.service, then db.connection_string; the port only when it is not the system's
//             default; no host at all -> <system>://(<caller>)[/<namespace>], one per caller, except
//             for embedded databases (SQLite, H2, ...) whose file is the identity: <system>:///<namespace>
//  endpoint   <host>[:<port>]  from server.address/port, url.full, network.peer.address; the port only
//             when it is not 80 or 443 (the web's defaults, which URLs leave out)
//  unknown    `unknown peer of <caller>`: a CLIENT span naming no peer at all
//  queue      see messaging-destination.ts
import type { Attributes } from '../model/span.ts';
import type { ComponentRef } from '../model/interaction.ts';
import { readNumber, readString } from './semconv.ts';

/**
 * db.system values renamed by semantic conventions 1.30 (db.system.name), old -> current: one
 * database seen by an old and a new instrumentation must stay one component.
 */
const DB_SYSTEM_RENAMES: Readonly<Record<string, string>> = {
  mssql: 'microsoft.sql_server', oracle: 'oracle.db', db2: 'ibm.db2', cosmosdb: 'azure.cosmosdb', dynamodb: 'aws.dynamodb',
  redshift: 'aws.redshift', spanner: 'gcp.spanner', h2: 'h2database', firebird: 'firebirdsql', informix: 'ibm.informix',
  netezza: 'ibm.netezza', ingres: 'actian.ingres', adabas: 'softwareag.adabas', cache: 'intersystems.cache', hanadb: 'sap.hana',
  maxdb: 'sap.maxdb',
};

/** The current semconv name of a database system, lower case. */
export function databaseSystem(system: string): string {
  const sys = system.toLowerCase();
  return DB_SYSTEM_RENAMES[sys] ?? sys;
}

/** Ports a database system listens on unless told otherwise (their documented defaults). */
const DEFAULT_DB_PORTS: Readonly<Record<string, number>> = {
  postgresql: 5432, mysql: 3306, mariadb: 3306, 'microsoft.sql_server': 1433, 'oracle.db': 1521, mongodb: 27017, redis: 6379,
  memcached: 11211, cassandra: 9042, elasticsearch: 9200, opensearch: 9200, couchdb: 5984, couchbase: 8091, neo4j: 7687,
  clickhouse: 9000, cockroachdb: 26257, 'ibm.db2': 50000, hbase: 16000, influxdb: 8086, trino: 8080, valkey: 6379,
  'aws.dynamodb': 443, 'azure.cosmosdb': 443, 'sap.hana': 30015, 'aws.redshift': 5439,
};

/**
 * Databases a process opens as a file, with no server: the file (db.namespace) is the identity,
 * and two services naming the same one really do share it.
 */
const EMBEDDED_DB_SYSTEMS = new Set(['sqlite', 'h2database', 'hsqldb', 'derby', 'duckdb']);

const URL_DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443 };

export interface HostPort {
  host: string;
  port: number | undefined;
}

/**
 * Splits `host:port` (as `http.host` and some `net.peer.name` values carry it) and lower-cases
 * the host: DNS names are case-insensitive, and callers spell them differently.
 */
export function parseHostPort(address: string, port: number | undefined): HostPort {
  let host = address.trim();
  let p = port;
  if (host.startsWith('[')) {
    // [IPv6]:port
    const close = host.indexOf(']');
    const rest = host.slice(close + 1);
    if (rest.startsWith(':') && p === undefined) p = Number(rest.slice(1)) || undefined;
    host = host.slice(1, close);
  } else if (host.indexOf(':') > 0 && host.indexOf(':') === host.lastIndexOf(':')) {
    const [h, maybePort] = host.split(':');
    if (/^\d+$/.test(maybePort!)) {
      host = h!;
      p ??= Number(maybePort);
    }
  }
  return { host: host.toLowerCase(), port: p };
}

function connectionStringHost(connection: string | undefined): HostPort | undefined {
  if (!connection) return undefined;
  // jdbc:postgresql://db:5432/orders, mongodb://user@h1:27017/x, Server=db,1433;... (only URL forms are read)
  const match = /^(?:jdbc:)?[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/?;,]+)/i.exec(connection.trim());
  if (!match) return undefined;
  return parseHostPort(match[1]!, undefined);
}

/** The database a span talks to, named by its identity rule (see the header). */
export function databaseName(a: Attributes, system: string, caller: string): string {
  const sys = databaseSystem(system);
  const port = readNumber(a, 'serverPort') ?? readNumber(a, 'networkPeerPort');
  const address = readString(a, 'serverAddress') ?? readString(a, 'networkPeerAddress') ?? readString(a, 'peerService');
  const where = address ? parseHostPort(address, port) : connectionStringHost(readString(a, 'dbConnectionString'));
  let namespace = readString(a, 'dbNamespace') ?? readString(a, 'dbRedisIndex');
  // Redis database 0 is where every client lands unless told otherwise.
  if ((sys === 'redis' || sys === 'valkey') && namespace === '0') namespace = undefined;
  const path = namespace ? `/${namespace}` : '';
  if (!where || where.host === '') return EMBEDDED_DB_SYSTEMS.has(sys) && namespace ? `${sys}://${path}` : `${sys}://(${caller})${path}`;
  const shownPort = where.port !== undefined && where.port !== DEFAULT_DB_PORTS[sys] ? `:${where.port}` : '';
  return `${sys}://${where.host}${shownPort}${path}`;
}

/** A short name for the map: `orders @ orders-db.internal`, `redis cache-1`, `mysql (customer)`, `inventory (sqlite)`. */
export function databaseDisplayName(name: string): string {
  const match = /^([^:]+):\/\/([^/]*)(?:\/(.*))?$/.exec(name);
  if (!match) return name;
  const [, system, host, namespace] = match;
  if (host!.startsWith('(')) return `${namespace ? `${namespace} ` : ''}${system} ${host}`;
  // An embedded database has no host: its file names it.
  if (host === '') return namespace ? `${namespace} (${system})` : name;
  return namespace ? `${namespace} @ ${host}` : `${system} ${host}`;
}

/** scheme://[userinfo@]host[:port] at the start of an absolute URL: the common, plain-ASCII case. */
const PLAIN_URL = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[0-9a-f:.]+\]|[a-z0-9._~-]+)(?::(\d{1,5}))?(?:[/?#]|$)/i;

export function endpointFromUrl(url: string | undefined): HostPort | undefined {
  if (!url) return undefined;
  // The URL parser costs a microsecond a span on every CLIENT span with url.full; a plain
  // host[:port] is read directly, anything else (IDN, escapes) still goes through new URL.
  const plain = PLAIN_URL.exec(url);
  const port = plain?.[3] === undefined ? undefined : Number(plain[3]);
  if (plain && (port === undefined || port <= 65535)) {
    return { host: plain[2]!.replace(/^\[|\]$/g, '').toLowerCase(), port: port ?? URL_DEFAULT_PORTS[plain[1]!.toLowerCase()] };
  }
  try {
    const parsed = new URL(url);
    if (!parsed.hostname) return undefined;
    const scheme = parsed.protocol.replace(/:$/, '');
    const port = parsed.port ? Number(parsed.port) : URL_DEFAULT_PORTS[scheme];
    return { host: parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port };
  } catch {
    return undefined;
  }
}

/**
 * The component a CLIENT span calls, from its peer attributes; undefined when it names none.
 * `peer.service` names a (possibly uninstrumented) service; otherwise the endpoint's address.
 */
export function peerOf(a: Attributes): ComponentRef | undefined {
  const peerService = readString(a, 'peerService');
  if (peerService) return { name: peerService, kind: 'SERVICE', virtual: true };
  const url = endpointFromUrl(readString(a, 'urlFull'));
  const address = readString(a, 'serverAddress');
  const port = readNumber(a, 'serverPort') ?? url?.port;
  const where = address ? parseHostPort(address, port) : url ?? peerAddress(a);
  if (where && where.host !== '') {
    // 80 and 443 are implied, so `http://api` and `server.address=api, server.port=80` meet.
    const shownPort = where.port !== undefined && where.port !== 80 && where.port !== 443 ? `:${where.port}` : '';
    return { name: `${where.host}${shownPort}`, kind: 'EXTERNAL', virtual: true };
  }
  const rpcService = readString(a, 'rpcService');
  if (rpcService) return { name: rpcService, kind: 'EXTERNAL', virtual: true };
  return undefined;
}

function peerAddress(a: Attributes): HostPort | undefined {
  const address = readString(a, 'networkPeerAddress');
  return address ? parseHostPort(address, readNumber(a, 'networkPeerPort')) : undefined;
}

/** The per-caller stand-in for a CLIENT span that names no peer at all. */
export function unknownPeerOf(caller: string): ComponentRef {
  return { name: `unknown peer of ${caller}`, kind: 'EXTERNAL', virtual: true };
}

const IP_LITERAL = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;

/**
 * Who called a SERVER or CONSUMER span whose caller sends no spans: `peer.service` names a
 * service; a `client.address` that is a host name names an external system. An IP address names
 * nobody (it is a user, a load balancer or a NAT), so it makes no component.
 */
export function callerOf(a: Attributes): ComponentRef | undefined {
  const peerService = readString(a, 'peerService');
  if (peerService) return { name: peerService, kind: 'SERVICE', virtual: true };
  const client = readString(a, 'clientAddress');
  if (client && !IP_LITERAL.test(client) && client !== 'localhost') return { name: client.toLowerCase(), kind: 'EXTERNAL', virtual: true };
  return undefined;
}
