import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../commons/powertools';
import { operationHandler } from '../commons/operation';
import { effectDelivery } from './effect-delivery.wiring';
import { batchFanOut } from './event-fan-out.wiring';
import { outboxItemsOf, retriedFrom } from './stream-batch';
import { deliverBatch } from '../use-cases/deliver-effect';

/**
 * The outbox dispatcher, fed by the table's stream (an event source mapping on AWS, the local
 * host's stream poller locally). Records are delivered in order, each case's events too, while
 * the events of different cases go side by side (deliverBatch); at the first failure the rest
 * of the batch is reported back (partial batch response), so the failed item and those after it
 * come again and none is skipped.
 */
export const handler = operationHandler(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records;
  const outbox = outboxItemsOf(records);
  // The batch's events read each tenant's subscriptions once (fanOutBatch); a run of them goes to the bus in one publication, and its cases are fanned out side by side (deliverBatch).
  const { failed } = await deliverBatch({ ...effectDelivery, fanOut: batchFanOut() })(
    outbox.map(({ item }) => item),
    (item, delivery) => logger.info('Outbox item delivered', { caseId: item.caseId, kind: item.effect.kind, outboxId: item.id, delivery }),
  );
  if (!failed) return { batchItemFailures: [] };
  const { item, record } = outbox[failed.index]!;
  logger.warn('Outbox item not delivered; it comes again', { caseId: item.caseId, kind: item.effect.kind, outboxId: item.id, error: (failed.error as Error).name });
  return retriedFrom(records, record);
});
