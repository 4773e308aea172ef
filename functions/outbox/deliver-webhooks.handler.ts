import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../commons/powertools';
import { operationHandler } from '../commons/operation';
import type { Delivery } from '../domain/webhook-delivery';
import { deadlineOf, deliveries } from './deliver-webhooks.wiring';

type StreamRecord = DynamoDBStreamEvent['Records'][number];

/** The delivery a stream record carries, if it is a new one. */
function deliveryOf(record: StreamRecord): Delivery | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image || image.entity?.S !== 'webhook-delivery') return undefined;
  const { id, receiver, tenant, caseId, sequence, run, event, status, createdAt, nextAttemptAt, attempts } = unmarshall(image as Record<string, AttributeValue>);
  return { id, receiver, tenant, caseId, sequence, run, event, status, createdAt, nextAttemptAt, attempts } as Delivery;
}

/**
 * Tries each new delivery at once, fed by the table's stream (an event source mapping on AWS,
 * the local host's stream poller locally). A receiver's refusal is no failure here: the
 * delivery waits for its retry. Only a line the table could not serve is reported back
 * (partial batch response, from its first record on), so that it comes again.
 */
export const handler = operationHandler(async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  const records = event.Records.map((record) => ({ record, delivery: deliveryOf(record) }));
  const recorded = records.flatMap(({ delivery }) => (delivery ? [delivery] : []));
  const { attempts, failed } = await deliveries.deliverNew(recorded, { deadline: deadlineOf(context.getRemainingTimeInMillis()) });
  logger.info('New deliveries tried', { deliveries: recorded.length, attempts, failed: failed.length });
  const first = records.findIndex(({ delivery }) => delivery !== undefined && failed.some((other) => other.id === delivery.id));
  if (first < 0) return { batchItemFailures: [] };
  return { batchItemFailures: records.slice(first).map(({ record }) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' })) };
});
