import { describe, expect, it } from 'vitest';
import { destinationOf, messagingSystemOf } from './messaging-destination.ts';

const name = (attributes: Record<string, string | boolean>, side: 'send' | 'receive' = 'send') =>
  destinationOf(attributes, messagingSystemOf(attributes), side)?.name;

describe('the destination a messaging span names', () => {
  it.each([
    ['a template over the concrete per-tenant topic', { 'messaging.system': 'kafka', 'messaging.destination.template': 'orders.{tenant}', 'messaging.destination.name': 'orders.acme' }, 'orders.{tenant}'],
    ['current name', { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' }, 'orders'],
    ['semconv before 1.17', { 'messaging.system': 'kafka', 'messaging.destination': 'orders' }, 'orders'],
    ['RabbitMQ default exchange: the routing key is the queue', { 'messaging.system': 'rabbitmq', 'messaging.destination.name': '', 'messaging.rabbitmq.destination.routing_key': 'invoices' }, 'invoices'],
    ['RabbitMQ default exchange with no key', { 'messaging.system': 'rabbitmq', 'messaging.destination.name': '' }, '(default exchange)'],
    ['RabbitMQ named exchange', { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'billing', 'messaging.rabbitmq.destination.routing_key': 'invoices' }, 'billing'],
    ['RabbitMQ reply queue', { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'amq.gen-Xa2_9' }, '(temporary rabbitmq queue)'],
    ['NATS inbox', { 'messaging.system': 'nats', 'messaging.destination.name': '_INBOX.k3Jd8s' }, '(temporary nats queue)'],
    ['flagged temporary', { 'messaging.system': 'kafka', 'messaging.destination.name': 'reply-7f3', 'messaging.destination.temporary': true }, '(temporary kafka queue)'],
    ['SQS queue URL only', { 'messaging.system': 'aws_sqs', 'aws.sqs.queue.url': 'https://sqs.eu-west-1.amazonaws.com/123456789012/payments' }, 'payments'],
    ['SNS topic ARN only', { 'messaging.system': 'aws.sns', 'aws.sns.topic.arn': 'arn:aws:sns:eu-west-1:123456789012:refunds' }, 'refunds'],
    ['Pub/Sub topic resource name', { 'messaging.system': 'gcp_pubsub', 'messaging.destination.name': 'projects/shop-prod/topics/orders' }, 'orders'],
    ['Pub/Sub short topic name', { 'messaging.system': 'gcp_pubsub', 'messaging.destination.name': 'orders' }, 'orders'],
    ['Service Bus topic subscription as the receiver names it', { 'messaging.system': 'servicebus', 'messaging.destination.name': 'orders/Subscriptions/billing' }, 'orders'],
    ['Event Hubs consumer group path', { 'messaging.system': 'eventhubs', 'messaging.destination.name': 'telemetry/ConsumerGroups/$Default' }, 'telemetry'],
    ["the Azure SDK's own attributes, no messaging.system", { 'az.namespace': 'Microsoft.ServiceBus', 'message_bus.destination': 'orders/subscriptions/billing' }, 'orders'],
  ])('%s', (_, attributes, expected) => {
    expect(name(attributes)).toBe(expected);
  });

  it('a RabbitMQ consumer naming neither queue nor key names nothing (it always reads a queue)', () => {
    expect(name({ 'messaging.system': 'rabbitmq' }, 'receive')).toBeUndefined();
  });

  it('takes the messaging system from az.namespace only for the Azure messaging providers', () => {
    expect(messagingSystemOf({ 'az.namespace': 'Microsoft.EventHub' })).toBe('eventhubs');
    expect(messagingSystemOf({ 'az.namespace': 'Microsoft.Storage' })).toBeUndefined();
    expect(messagingSystemOf({ 'messaging.system': 'kafka', 'az.namespace': 'Microsoft.EventHub' })).toBe('kafka');
  });
});
