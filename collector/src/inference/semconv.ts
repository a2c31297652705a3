// OpenTelemetry semantic-convention attribute names, current first, then the older names still
// sent by agents in the field. Each reader returns the first one present, so an exporter on any
// semconv version is read the same way.
import type { Attributes } from '../model/span.ts';

export const SEMCONV = {
  peerService: ['service.peer.name', 'peer.service'],
  serverAddress: ['server.address', 'net.peer.name', 'http.host'],
  serverPort: ['server.port', 'net.peer.port'],
  networkPeerAddress: ['network.peer.address', 'net.sock.peer.addr', 'net.peer.ip'],
  networkPeerPort: ['network.peer.port', 'net.sock.peer.port'],
  /** On SERVER spans: who called (an IP names nobody; a host name does). */
  clientAddress: ['client.address'],
  urlFull: ['url.full', 'http.url'],
  httpMethod: ['http.request.method', 'http.method'],
  httpRoute: ['http.route'],
  httpStatusCode: ['http.response.status_code', 'http.status_code'],
  rpcSystem: ['rpc.system.name', 'rpc.system'],
  rpcService: ['rpc.service'],
  rpcMethod: ['rpc.method'],
  dbSystem: ['db.system.name', 'db.system'],
  dbNamespace: ['db.namespace', 'db.name'],
  dbRedisIndex: ['db.redis.database_index'],
  dbConnectionString: ['db.connection_string'],
  dbOperation: ['db.operation.name', 'db.operation'],
  /** Read for presence only (see PRESENCE_ATTRIBUTES): what the call did to the data. */
  dbQuery: ['db.query.text', 'db.statement', 'db.query.summary', 'db.collection.name', 'db.sql.table', 'db.stored_procedure.name'],
  messagingSystem: ['messaging.system'],
  /** The Azure SDK's resource provider (`Microsoft.ServiceBus`, `Microsoft.EventHub`): its messaging system where it sets none. */
  azureNamespace: ['az.namespace'],
  messagingDestinationTemplate: ['messaging.destination.template'],
  // messaging.source.name is what semconv 1.17-1.20 called a consumer's destination.
  // message_bus.destination is the Azure SDK's own name (Service Bus, Event Hubs) from before semconv.
  messagingDestination: ['messaging.destination.name', 'messaging.destination', 'messaging.source.name', 'message_bus.destination'],
  messagingTemporary: ['messaging.destination.temporary', 'messaging.destination.anonymous', 'messaging.temp_destination', 'messaging.source.temporary'],
  messagingOperation: ['messaging.operation.type', 'messaging.operation'],
  messagingBatchCount: ['messaging.batch.message_count'],
  rabbitmqRoutingKey: ['messaging.rabbitmq.destination.routing_key', 'rabbitmq.destination.routing_key', 'messaging.rabbitmq.routing_key'],
  sqsQueueUrl: ['aws.sqs.queue.url', 'aws.sqs.queue_url', 'messaging.url'],
  snsTopicArn: ['aws.sns.topic.arn'],
  genAiProvider: ['gen_ai.provider.name', 'gen_ai.system'],
  genAiModel: ['gen_ai.request.model', 'gen_ai.response.model'],
  genAiOperation: ['gen_ai.operation.name'],
  humanTask: ['orrery.human.task'],
  serviceName: ['service.name'],
  serviceNamespace: ['service.namespace'],
  serviceVersion: ['service.version'],
  deploymentEnvironment: ['deployment.environment.name', 'deployment.environment'],
} as const satisfies Record<string, readonly string[]>;

export type SemconvField = keyof typeof SEMCONV;

/**
 * Every span attribute inference reads. Decoders keep only these on spans (resource
 * attributes are kept whole): the rest — query texts, user agents, headers — is never looked
 * at, and skipping it halves decode time and memory per waiting span.
 */
export const INFERENCE_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(SEMCONV).flat());

/**
 * Attributes inference asks only whether a span has: decoders store `true` for them without
 * decoding the value (query texts are long, and every database span carries one).
 */
export const PRESENCE_ATTRIBUTES: ReadonlySet<string> = new Set(SEMCONV.dbQuery);

/** Whether any of a field's names is present on the span. */
export function hasAny(attributes: Attributes, field: SemconvField): boolean {
  for (const name of SEMCONV[field]) if (attributes[name] !== undefined && attributes[name] !== null) return true;
  return false;
}

/** The first non-empty value among a field's names, as a string. */
export function readString(attributes: Attributes, field: SemconvField): string | undefined {
  for (const name of SEMCONV[field]) {
    const value = attributes[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      if (value.length > 0) return value;
      continue;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return undefined;
}

/** The first value among a field's names that is a finite number (or a numeric string). */
export function readNumber(attributes: Attributes, field: SemconvField): number | undefined {
  for (const name of SEMCONV[field]) {
    const value = attributes[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  }
  return undefined;
}

/** True when any of a field's names holds `true` (or the string "true"). */
export function readFlag(attributes: Attributes, field: SemconvField): boolean {
  for (const name of SEMCONV[field]) {
    const value = attributes[name];
    if (value === true || value === 'true') return true;
  }
  return false;
}
