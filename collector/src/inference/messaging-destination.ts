// The queue or topic a messaging span hands a message to or takes one from, named so that the
// producer's and the consumer's spans meet on one component whatever their instrumentation says.
// Pure.
//
//  - messaging.destination.template names the logical destination when the concrete one is
//    per-message (a topic per tenant); it wins.
//  - RabbitMQ names the exchange: the default exchange ('' or `<default>`, semconv's RabbitMQ
//    page) routes straight to the queue named by the routing key, so that key is the queue;
//    with no key either, `(default exchange)`.
//  - SQS and SNS may give only the queue URL or topic ARN: the last segment is the name.
//  - Resource paths name the entity a message went to: Google Pub/Sub's
//    `projects/<p>/topics/<topic>`, and Azure Service Bus' and Event Hubs' entity paths as a
//    receiver sees them (`<topic>/Subscriptions/<sub>`, `<hub>/ConsumerGroups/<group>`, what the
//    Azure SDK's own `message_bus.destination` holds). They fold to the topic or hub the sender
//    named, so both halves meet; a subscription or consumer group is how a consumer reads, not
//    another destination.
//  - Temporary and anonymous destinations (reply queues, `amq.gen-*`, NATS `_INBOX.*`) are one
//    per request or per process: they fold to one logical `(temporary <system> queue)`.
import type { Attributes } from '../model/span.ts';
import type { ComponentRef } from '../model/interaction.ts';
import { readFlag, readString } from './semconv.ts';

const RABBIT_DEFAULT_EXCHANGE = new Set(['', '<default>', '(default)', 'amq.default', '(default exchange)']);
const TEMPORARY_NAME = /^(?:amq\.gen-|_INBOX\.|amq\.rabbitmq\.reply-to)/;

const AZURE_MESSAGING: Record<string, string> = { 'microsoft.servicebus': 'servicebus', 'microsoft.eventhub': 'eventhubs' };

/** messaging.system, or what the Azure SDK's `az.namespace` implies (its older spans set no system). */
export function messagingSystemOf(a: Attributes): string | undefined {
  const system = readString(a, 'messagingSystem');
  if (system) return system;
  const azure = readString(a, 'azureNamespace');
  return azure === undefined ? undefined : AZURE_MESSAGING[azure.toLowerCase()];
}

/**
 * `side` matters for RabbitMQ only: a publish with neither exchange nor routing key went to the
 * default exchange, but a consumer always reads a queue, so one naming none names nothing.
 */
export function destinationOf(a: Attributes, system: string | undefined, side: 'send' | 'receive'): ComponentRef | undefined {
  const name = destinationName(a, system?.toLowerCase(), side);
  return name === undefined ? undefined : { name, kind: 'QUEUE', virtual: true };
}

/** Whether the span names a destination at all (a CLIENT span without one moves no message). */
export function namesDestination(a: Attributes): boolean {
  return readString(a, 'messagingDestinationTemplate') !== undefined || readString(a, 'messagingDestination') !== undefined ||
    readString(a, 'rabbitmqRoutingKey') !== undefined || readString(a, 'sqsQueueUrl') !== undefined || readString(a, 'snsTopicArn') !== undefined;
}

function destinationName(a: Attributes, system: string | undefined, side: 'send' | 'receive'): string | undefined {
  const template = readString(a, 'messagingDestinationTemplate');
  if (template) return template;
  let name = readString(a, 'messagingDestination');
  if (readFlag(a, 'messagingTemporary') || (name && TEMPORARY_NAME.test(name))) return `(temporary ${system ?? 'messaging'} queue)`;
  if (system === 'rabbitmq' && (name === undefined || RABBIT_DEFAULT_EXCHANGE.has(name))) {
    const routingKey = readString(a, 'rabbitmqRoutingKey');
    if (routingKey && TEMPORARY_NAME.test(routingKey)) return `(temporary rabbitmq queue)`;
    return routingKey ?? (side === 'send' ? '(default exchange)' : undefined);
  }
  if (name === undefined && (system === 'aws_sqs' || system === 'aws.sqs')) name = lastSegment(readString(a, 'sqsQueueUrl'), '/');
  if (name === undefined && (system === 'aws_sns' || system === 'aws.sns')) name = lastSegment(readString(a, 'snsTopicArn'), ':');
  return name === undefined ? undefined : entityOf(name);
}

const PUBSUB_TOPIC = /^projects\/[^/]+\/topics\/([^/]+)$/;
const AZURE_READER_PATH = /^([^/]+)\/(?:subscriptions|consumergroups)\/[^/]+$/i;

/** The topic or hub a resource path names (see the header); any other name as it is. */
function entityOf(name: string): string {
  const match = PUBSUB_TOPIC.exec(name) ?? AZURE_READER_PATH.exec(name);
  return match ? match[1]! : name;
}

function lastSegment(value: string | undefined, separator: string): string | undefined {
  if (!value) return undefined;
  const segment = value.replace(/\/+$/, '').split(separator).pop();
  return segment || undefined;
}
