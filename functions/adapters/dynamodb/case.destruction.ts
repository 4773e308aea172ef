import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseReference } from '../../domain/destruction';
import type { CaseDestruction } from '../../ports/retention.port';
import { keys } from '../table-keys';
import type { TransactItem } from './case-items';

/** TransactWriteItems takes at most this many items. */
const maxTransactionItems = 100;

/**
 * Destroys a case's items in DynamoDB. Each item is deleted on the condition that it is as it
 * was read, in transactions of at most 100 items: the tasks, message waits and outbox items,
 * then the Idempotency-Key record and the number record, and the case item last, on the
 * condition that it still has the version read and is marked as being destroyed (its
 * tombstone is written). Until that last delete the case stays in the archive schedule, so a
 * run that stops half way is finished by the next. The audit trail is never deleted.
 */
export function dynamoCaseDestruction(client: DynamoDBDocumentClient, tableName: string): CaseDestruction {
  const unlessChanged = (condition: string, names: Record<string, string>, values: Record<string, unknown>) => ({
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
  const pointsAt = (caseId: string) => unlessChanged('#caseId = :caseId', { '#caseId': 'caseId' }, { ':caseId': caseId });

  return {
    async referencesOf(subject) {
      const references: CaseReference[] = [];
      const { Item: number } = await client.send(new GetCommand({ TableName: tableName, Key: keys.caseNumber(subject.number), ConsistentRead: true }));
      if (number?.caseId !== subject.id) return references;
      references.push({ kind: 'case-number', value: subject.number });
      // Cases submitted before the key was kept with the number have none here; their record expired after a day.
      if (typeof number.idempotencyKey === 'string') {
        const { Item: idempotency } = await client.send(
          new GetCommand({ TableName: tableName, Key: keys.idempotency(subject.tenant, number.idempotencyKey), ConsistentRead: true }),
        );
        if (idempotency?.caseId === subject.id) references.push({ kind: 'idempotency-key', value: number.idempotencyKey });
      }
      return references;
    },

    async destroy(remains) {
      const { case: subject } = remains;
      const remove = (key: Record<string, unknown>, condition?: ReturnType<typeof unlessChanged>): TransactItem => ({
        Delete: { TableName: tableName, Key: key, ...condition },
      });
      // The number record goes after the Idempotency-Key record: a reference is found through the number.
      const references = [...remains.references].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'idempotency-key' ? -1 : 1));
      const items: TransactItem[] = [
        ...remains.tasks.map((task) => remove(keys.task(task.caseId, task.id), unlessChanged('#status = :status', { '#status': 'status' }, { ':status': task.status }))),
        ...remains.messageWaits.map((wait) => remove(keys.messageWait(wait.caseId, wait.name), unlessChanged('#token = :token', { '#token': 'token' }, { ':token': wait.token }))),
        // An outbox item the dispatcher delivers meanwhile is gone either way.
        ...remains.outbox.map((item) => remove(keys.outbox(item.caseId, item.id))),
        ...references.map((reference) =>
          remove(reference.kind === 'case-number' ? keys.caseNumber(reference.value) : keys.idempotency(subject.tenant, reference.value), pointsAt(subject.id)),
        ),
        remove(
          keys.case(subject.id),
          unlessChanged(
            '#version = :version AND attribute_exists(#retention.#destroyingSince)',
            { '#version': 'version', '#retention': 'retention', '#destroyingSince': 'destroyingSince' },
            { ':version': subject.version },
          ),
        ),
      ];
      for (let start = 0; start < items.length; start += maxTransactionItems) {
        await client.send(new TransactWriteCommand({ TransactItems: items.slice(start, start + maxTransactionItems) }));
      }
    },
  };
}
