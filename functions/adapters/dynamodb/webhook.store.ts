import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { CaseEvent } from '../../domain/case-event';
import type { Subscription } from '../../domain/subscription';
import type { Delivery } from '../../domain/webhook-delivery';
import { deliveryOrderKey, eventLogRetentionDays, receiverKey } from '../../domain/webhook-delivery';
import type { DeliveryStore, SubscriptionStore } from '../../ports/webhooks.port';
import { byDeliveryDue, bySubscription, keys, withoutKeys } from '../table-keys';
import { queryAll } from './query-all';

const secondsPerDay = 24 * 60 * 60;
const expiresAfterRetention = (at: string) => Math.floor(Date.parse(at) / 1000 + eventLogRetentionDays * secondsPerDay);

/** Runs a conditional write: false when its condition failed, the error for anything else. */
async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** The subscriptions in the tenant's partition; the secret is an attribute of the item that no read but `secretOf` returns. */
export function dynamoSubscriptionStore(client: DynamoDBDocumentClient, tableName: string): SubscriptionStore {
  const toSubscription = (item: Record<string, unknown>): Subscription => {
    const { secret: _secret, ...subscription } = withoutKeys<Subscription & { secret?: string }>(item);
    return subscription;
  };
  return {
    async create(subscription, secret) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.subscription(subscription.tenant, subscription.id), entity: 'subscription', ...subscription, secret },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    },

    async get(tenant, id) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.subscription(tenant, id), ConsistentRead: true }));
      return Item ? toSubscription(Item) : undefined;
    },

    async ofTenant(tenant) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.subscriptionsPartition(tenant) },
        ConsistentRead: true,
      });
      return items.map(toSubscription);
    },

    async secretOf(tenant, id) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.subscription(tenant, id), ProjectionExpression: 'secret', ConsistentRead: true }),
      );
      return typeof Item?.secret === 'string' ? Item.secret : undefined;
    },

    delete(tenant, id) {
      return conditionally(() =>
        client.send(new DeleteCommand({ TableName: tableName, Key: keys.subscription(tenant, id), ConditionExpression: 'attribute_exists(PK)' })),
      );
    },
  };
}

const deliveryKeyOf = (delivery: Delivery) => keys.delivery(receiverKey(delivery.receiver), delivery.caseId, deliveryOrderKey(delivery));

function toDelivery(item: Record<string, unknown>): Delivery {
  const { leaseUntil: _lease, expiresAt: _expires, ...delivery } = withoutKeys<Delivery & { leaseUntil?: string; expiresAt?: number }>(item);
  return delivery;
}

/**
 * The deliveries as the queue: each delivery line (a receiver and a case) is a partition in
 * the order of its case's events; the pending ones are in a sparse index by next attempt
 * (GSI1), a subscription's in an index by recording time (GSI2). Records expire with the
 * event log; a delivery is pending for a day at most, far less.
 */
export function dynamoDeliveryStore(client: DynamoDBDocumentClient, tableName: string): DeliveryStore {
  return {
    record(delivery) {
      return conditionally(() =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...deliveryKeyOf(delivery),
              entity: 'webhook-delivery',
              ...delivery,
              ...(delivery.receiver.kind === 'subscription' ? bySubscription.delivery(delivery.receiver.subscriptionId, delivery.createdAt, delivery.id) : {}),
              ...(delivery.status === 'pending' && delivery.nextAttemptAt ? byDeliveryDue.delivery(delivery.nextAttemptAt, delivery.id) : {}),
              expiresAt: expiresAfterRetention(delivery.createdAt),
            },
            // The same event for the same receiver and run is one delivery, however often it is fanned out.
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      );
    },

    async firstPending(line) {
      let start: Record<string, unknown> | undefined;
      do {
        const { Items = [], LastEvaluatedKey } = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
            FilterExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pk': keys.deliveryLine(receiverKey(line.receiver), line.caseId), ':prefix': keys.deliveryPrefix, ':pending': 'pending' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        const first = Items[0];
        if (first) return toDelivery(first);
        start = LastEvaluatedKey;
      } while (start);
      return undefined;
    },

    async claim(delivery, now, until) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKeyOf(delivery),
            UpdateExpression: 'SET leaseUntil = :until',
            ConditionExpression: '#status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':until': until.toISOString(), ':now': now.toISOString(), ':pending': 'pending' },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? { delivery: toDelivery(Attributes), until: until.toISOString() } : undefined;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
        throw error;
      }
    },

    settle(lease, settlement) {
      const pending = settlement.status === 'pending' && settlement.nextAttemptAt;
      const due = pending ? byDeliveryDue.delivery(settlement.nextAttemptAt!, lease.delivery.id) : undefined;
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKeyOf(lease.delivery),
            UpdateExpression: due
              ? 'SET #status = :status, attempts = list_append(attempts, :attempt), nextAttemptAt = :next, GSI1PK = :duePk, GSI1SK = :dueSk REMOVE leaseUntil'
              : 'SET #status = :status, attempts = list_append(attempts, :attempt) REMOVE leaseUntil, nextAttemptAt, GSI1PK, GSI1SK',
            // Only the attempt that holds the lease writes its result.
            ConditionExpression: 'leaseUntil = :lease',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': settlement.status,
              ':attempt': [settlement.attempt],
              ':lease': lease.until,
              ...(due ? { ':next': settlement.nextAttemptAt, ':duePk': due.GSI1PK, ':dueSk': due.GSI1SK } : {}),
            },
          }),
        ),
      );
    },

    async postpone(delivery, until) {
      const due = byDeliveryDue.delivery(until, delivery.id);
      await conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKeyOf(delivery),
            UpdateExpression: 'SET nextAttemptAt = :until, GSI1PK = :duePk, GSI1SK = :dueSk',
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':until': until, ':duePk': due.GSI1PK, ':dueSk': due.GSI1SK, ':pending': 'pending' },
          }),
        ),
      );
    },

    async due(now, limit) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: byDeliveryDue.index.name,
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :now',
          ExpressionAttributeValues: { ':pk': byDeliveryDue.partition, ':now': `${now.toISOString()}#~` },
          Limit: limit,
        }),
      );
      return Items.map(toDelivery);
    },

    async ofSubscription(query) {
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: bySubscription.index.name,
          KeyConditionExpression: query.after ? 'GSI2PK = :pk AND GSI2SK < :after' : 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': bySubscription.partition(query.subscriptionId), ...(query.after ? { ':after': query.after } : {}) },
          ScanIndexForward: false,
          Limit: query.limit,
        }),
      );
      return { items: Items.map(toDelivery), ...(LastEvaluatedKey ? { after: String(LastEvaluatedKey.GSI2SK) } : {}) };
    },

    async logEvent(event) {
      await conditionally(() =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.loggedEvent(event.tenant, event.time, event.id), entity: 'logged-event', event, expiresAt: expiresAfterRetention(event.time) },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      );
    },

    async eventsSince(query) {
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: query.after ? 'PK = :pk AND SK > :after' : 'PK = :pk AND SK >= :from',
          ExpressionAttributeValues: { ':pk': keys.eventLogPartition(query.tenant), ...(query.after ? { ':after': query.after } : { ':from': query.from }) },
          Limit: query.limit,
          ConsistentRead: true,
        }),
      );
      return { items: Items.map((item) => item.event as CaseEvent), ...(LastEvaluatedKey ? { after: String(LastEvaluatedKey.SK) } : {}) };
    },
  };
}
