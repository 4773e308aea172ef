import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../commons/powertools';
import { operationHandler } from '../commons/operation';
import { effectDelivery } from './effect-delivery.wiring';
import { batchFanOut } from './event-fan-out.wiring';
import type { OutboxItem } from '../domain/effect';
import { deliverEffect } from '../use-cases/deliver-effect';

/** The outbox item a stream record carries, if it is a new one. */
function outboxItemOf(record: DynamoDBStreamEvent['Records'][number]): OutboxItem | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image || image.entity?.S !== 'outbox') return undefined;
  const { id, caseId, effect, createdAt } = unmarshall(image as Record<string, AttributeValue>);
  return { id, caseId, effect, createdAt } as OutboxItem;
}

/**
 * The outbox dispatcher, fed by the table's stream (an event source mapping on AWS, the local
 * host's stream poller locally). Records are delivered in order; at the first failure the
 * rest of the batch is reported back (partial batch response), so the failed item and those
 * after it come again and none is skipped.
 */
export const handler = operationHandler(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records;
  // The batch's events read each tenant's subscriptions once (fanOutBatch).
  const deliver = deliverEffect({ ...effectDelivery, fanOut: batchFanOut() });
  for (const [index, record] of records.entries()) {
    const item = outboxItemOf(record);
    if (!item) continue;
    try {
      const delivery = await deliver(item);
      logger.info('Outbox item delivered', { caseId: item.caseId, kind: item.effect.kind, outboxId: item.id, delivery });
    } catch (error) {
      logger.warn('Outbox item not delivered; it comes again', { caseId: item.caseId, kind: item.effect.kind, outboxId: item.id, error: (error as Error).name });
      return {
        batchItemFailures: records.slice(index).map((failed) => ({ itemIdentifier: failed.dynamodb?.SequenceNumber ?? '' })),
      };
    }
  }
  return { batchItemFailures: [] };
});
