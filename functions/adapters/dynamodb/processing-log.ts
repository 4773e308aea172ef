import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { monotonicUlid } from '../../domain/ulid';
import type { AccessRecord } from '../../domain/access-record';
import { accessRecordRetentionYears } from '../../domain/access-record';
import type { ProcessingLog } from '../../ports/services.port';
import { keys, withoutKeys } from '../table-keys';

const recordId = monotonicUlid();
const secondsPerYear = 365.25 * 24 * 60 * 60;

/** The processing log in the table: one partition per tenant and person, append-only, expiring after its retention. */
export function dynamoProcessingLog(client: DynamoDBDocumentClient, tableName: string): ProcessingLog {
  return {
    async record(record) {
      const at = Date.parse(record.at);
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.accessRecord(record.tenant, record.person, record.at, recordId(at)),
            entity: 'access',
            ...record,
            expiresAt: Math.floor(at / 1000 + accessRecordRetentionYears * secondsPerYear),
          },
          // Append-only: a record is never overwritten.
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    },

    async ofPerson(query) {
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: query.after ? 'PK = :pk AND SK > :after' : 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.accessPartition(query.tenant, query.person), ...(query.after ? { ':after': query.after } : {}) },
          Limit: query.limit,
          ConsistentRead: true,
        }),
      );
      const items = Items.map((item) => {
        const { expiresAt: _retention, ...record } = withoutKeys<AccessRecord & { expiresAt: number }>(item);
        return record as AccessRecord;
      });
      return { items, ...(LastEvaluatedKey ? { after: String(LastEvaluatedKey.SK) } : {}) };
    },
  };
}
