import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ArchiveSchedule, ScheduledCase } from '../../ports/retention.port';
import { byArchiveMonth, keys, withoutKeys } from '../table-keys';

/**
 * No case closed before Loket ran (2026), and every retention lasts a year or more: no month
 * before this one can hold a due case. The schedule's reads start here until the job has
 * recorded progress.
 */
const firstArchiveMonth = '2026-01';

const monthOf = (day: string) => day.slice(0, 7);

function nextMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

/**
 * The archive schedule in GSI7: a month partition at a time, from the month the job has
 * handled up to the month of the day asked, each read in pages. Only the cases' ids, tenant,
 * type and retention are projected.
 */
export function dynamoArchiveSchedule(client: DynamoDBDocumentClient, tableName: string): ArchiveSchedule {
  const { index } = byArchiveMonth;

  async function startMonth(): Promise<string> {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.retentionProgress, ConsistentRead: true }));
    const handled = typeof Item?.month === 'string' ? Item.month : undefined;
    return handled !== undefined && handled > firstArchiveMonth ? handled : firstArchiveMonth;
  }

  return {
    async *due(day, options = {}) {
      const { tenant } = options;
      const range = tenant === undefined ? undefined : byArchiveMonth.dueRange(tenant, day);
      for (let month = await startMonth(); month <= monthOf(day); month = nextMonth(month)) {
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: index.name,
              KeyConditionExpression: range ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
              // Within the month of `day`, cases due later than `day` are passed by.
              FilterExpression: '#retention.#dueOn <= :day',
              ExpressionAttributeNames: { '#pk': index.partitionKey, '#retention': 'retention', '#dueOn': 'dueOn', ...(range ? { '#sk': index.sortKey } : {}) },
              ExpressionAttributeValues: { ':pk': byArchiveMonth.partition(month), ':day': day, ...(range ? { ':from': range.from, ':to': range.to } : {}) },
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of page.Items ?? []) {
            const { id, tenant: owner, type, retention } = withoutKeys<ScheduledCase>(item);
            yield { id, tenant: owner, type, retention };
          }
          startKey = page.LastEvaluatedKey;
        } while (startKey);
      }
    },

    async handledBefore(day) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.retentionProgress,
            UpdateExpression: 'SET #month = :month',
            // Progress only moves forward: a late run with an earlier day leaves it.
            ConditionExpression: 'attribute_not_exists(#month) OR #month < :month',
            ExpressionAttributeNames: { '#month': 'month' },
            ExpressionAttributeValues: { ':month': monthOf(day) },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
