import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { OutboxItem } from '../domain/effect';

type StreamRecord = DynamoDBStreamEvent['Records'][number];

/** The outbox item a stream record carries, if it is a new one. */
export function outboxItemOf(record: StreamRecord): OutboxItem | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image || image.entity?.S !== 'outbox') return undefined;
  const { id, caseId, effect, createdAt } = unmarshall(image as Record<string, AttributeValue>);
  return { id, caseId, effect, createdAt } as OutboxItem;
}

/** The new outbox items of a batch, in order, each with the index of its record. */
export function outboxItemsOf(records: readonly StreamRecord[]): Array<{ readonly item: OutboxItem; readonly record: number }> {
  return records.flatMap((record, index) => {
    const item = outboxItemOf(record);
    return item ? [{ item, record: index }] : [];
  });
}

/**
 * The partial batch response that has the stream hand over again the record at `from` and every
 * record after it, whatever they carry: none is skipped, and each comes again in order.
 */
export function retriedFrom(records: readonly StreamRecord[], from: number): DynamoDBBatchResponse {
  return { batchItemFailures: records.slice(from).map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' })) };
}
