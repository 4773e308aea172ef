import { describe, expect, test } from '@jest/globals';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { outboxItemsOf, retriedFrom } from '../../../functions/outbox/stream-batch';

type StreamRecord = DynamoDBStreamEvent['Records'][number];

const record = (sequence: string, eventName: 'INSERT' | 'MODIFY', image: Record<string, unknown>): StreamRecord => ({
  eventName,
  dynamodb: { SequenceNumber: sequence, NewImage: marshall(image) as Record<string, AttributeValue> as never },
});
const outboxRecord = (sequence: string, id: string, eventName: 'INSERT' | 'MODIFY' = 'INSERT') =>
  record(sequence, eventName, { PK: 'CASE#c1', SK: `OUTBOX#${id}`, entity: 'outbox', id, caseId: 'c1', effect: { kind: 'start-workflow', caseId: 'c1' }, createdAt: '2026-12-03T10:00:00.000Z' });

describe('a batch the stream hands the dispatcher', () => {
  const records = [
    outboxRecord('100', 'o1'),
    record('101', 'INSERT', { PK: 'CASE#c1', SK: 'CASE', entity: 'case' }),
    outboxRecord('102', 'o2', 'MODIFY'),
    outboxRecord('103', 'o3'),
    record('104', 'INSERT', { PK: 'CASE#c1', SK: 'AUDIT#00000002', entity: 'audit' }),
  ];

  test('its new outbox items, in order, each with its record: not a case, an audit event, nor a later change of an outbox item', () => {
    expect(outboxItemsOf(records)).toEqual([
      { item: { id: 'o1', caseId: 'c1', effect: { kind: 'start-workflow', caseId: 'c1' }, createdAt: '2026-12-03T10:00:00.000Z' }, record: 0 },
      { item: { id: 'o3', caseId: 'c1', effect: { kind: 'start-workflow', caseId: 'c1' }, createdAt: '2026-12-03T10:00:00.000Z' }, record: 3 },
    ]);
  });

  test('an item that failed comes again with every record after it, whatever they carry: none is skipped', () => {
    const failedItem = outboxItemsOf(records)[1]!;
    expect(retriedFrom(records, failedItem.record)).toEqual({ batchItemFailures: [{ itemIdentifier: '103' }, { itemIdentifier: '104' }] });
    expect(retriedFrom(records, 0).batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['100', '101', '102', '103', '104']);
  });
});
