import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { moveTaskItems } from '../../functions/adapters/dynamodb/task-items.migration';
import type { IndexDefinition } from '../table.definition';
import { projectionOf, tableDefinition } from '../table.definition';

const keySchemaOf = (keys: { partitionKey: string; sortKey: string }) => [
  { AttributeName: keys.partitionKey, KeyType: 'HASH' as const },
  { AttributeName: keys.sortKey, KeyType: 'RANGE' as const },
];

function indexOf(index: IndexDefinition): GlobalSecondaryIndex {
  return {
    IndexName: index.indexName,
    KeySchema: keySchemaOf(index),
    Projection: projectionInCreateTable(projectionOf(index)),
  };
}

function projectionInCreateTable(projection: ReturnType<typeof projectionOf>): GlobalSecondaryIndex['Projection'] {
  return projection.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.nonKeyAttributes] } : { ProjectionType: projection.type };
}

const attributeOf = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const busy = Table?.TableStatus !== 'ACTIVE' || (Table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexStatus !== 'ACTIVE');
    if (!busy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${tableName} did not become active`);
}

/**
 * Creates the table from the same definition the CDK stateful stack uses, with its stream.
 * A table kept from an earlier `npm start` is brought up to the definition: the stream
 * enabled, indexes added since, added to it, and its items moved where this version keeps them
 * (tasks into their case's partition).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<{ streamArn: string }> {
  const { partitionKey, sortKey, globalSecondaryIndexes, timeToLiveAttribute, stream } = tableDefinition;
  const attributes = [partitionKey, sortKey, ...globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  let kept = false;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes.map(attributeOf),
        KeySchema: keySchemaOf({ partitionKey, sortKey }),
        GlobalSecondaryIndexes: globalSecondaryIndexes.map(indexOf),
        StreamSpecification: { StreamEnabled: true, StreamViewType: stream },
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true } }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    kept = true;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: stream } }));
    }
    const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of globalSecondaryIndexes.filter((candidate) => !existing.has(candidate.indexName))) {
      await waitUntilActive(client, tableName);
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [attributeOf(index.partitionKey), attributeOf(index.sortKey)],
          GlobalSecondaryIndexUpdates: [{ Create: indexOf(index) }],
        }),
      );
    }
  }
  await waitUntilActive(client, tableName);
  if (kept) await moveTaskItems(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName);
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${tableName} has no stream`);
  return { streamArn: Table.LatestStreamArn };
}
