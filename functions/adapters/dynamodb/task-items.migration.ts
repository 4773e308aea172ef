import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Task } from '../../domain/task';
import { keys, withoutKeys } from '../table-keys';
import { taskPut } from './case-items';

export interface TaskItemsMoved {
  /** Tasks moved into their case's partition. */
  readonly moved: number;
  /** Tasks that could not be moved (changed while they were, or found at their new place already): left where they were, for the next run. */
  readonly left: number;
}

/**
 * Moves the tasks written before issue 14 (`TASK#<id>`, found through GSI2 by their case) into their
 * case's partition (`CASE#<case id>` / `CASE#TASK#<id>`, found by id through GSI5), each in a
 * transaction of its own: the task written at its new place, where nothing may be yet, and removed
 * from the old one on the condition that it is exactly as it was read. Running it again moves what
 * is left and nothing twice. It reads the whole table (a Scan, an operation run once per upgrade); once nothing is
 * left it marks the table (`keys.migrated`), and later runs end there.
 */
export async function moveTaskItems(client: DynamoDBDocumentClient, tableName: string): Promise<TaskItemsMoved> {
  const done = keys.migrated('task-items');
  if ((await client.send(new GetCommand({ TableName: tableName, Key: done, ConsistentRead: true }))).Item) return { moved: 0, left: 0 };
  let moved = 0;
  let left = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(PK, :task) AND SK = :sk',
        ExpressionAttributeValues: { ':task': 'TASK#', ':sk': keys.formerTask('').SK },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const task = withoutKeys<Task>(item);
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              taskPut(tableName, { task, expect: 'new' }),
              {
                Delete: {
                  TableName: tableName,
                  Key: keys.formerTask(task.id),
                  ConditionExpression: '#status = :status AND #token = :token',
                  ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
                  ExpressionAttributeValues: { ':status': task.status, ':token': task.token },
                },
              },
            ],
          }),
        );
        moved += 1;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        left += 1;
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  // Nothing writes a task at its old place any more: once none is left, later runs (each `npm start`) need not read the table.
  if (left === 0) await client.send(new PutCommand({ TableName: tableName, Item: { ...done, entity: 'migration', at: new Date().toISOString(), moved } }));
  return { moved, left };
}
