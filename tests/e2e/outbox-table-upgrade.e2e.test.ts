import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDbLocal } from '../../infra/local/dynamodb-local';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { ensureTable } from '../../infra/local/table.setup';
import { tableDefinition } from '../../infra/table.definition';

/*
 * `npm start` keeps its table across restarts: a table made before the outbox (no stream, no
 * GSI6) and before retention (no GSI7) is brought up to the definition, so that the dispatcher
 * has a stream to read and the retention job its archive schedule.
 */
let dynamodbLocal: DynamoDbLocal;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamodbLocal = await startDynamoDbLocal({ port: 0 });
  client = new DynamoDBClient({ endpoint: dynamodbLocal.endpoint, region: localRegion, credentials: localCredentials });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await dynamodbLocal?.stop();
});

test('a table kept from before the outbox and retention gets the stream and the indexes it lacks, and keeps its data', async () => {
  const { partitionKey, sortKey, globalSecondaryIndexes } = tableDefinition;
  const older = globalSecondaryIndexes.filter((index) => index.indexName !== 'GSI6' && index.indexName !== 'GSI7');
  const attributes = [partitionKey, sortKey, ...older.flatMap((index) => [index.partitionKey, index.sortKey])];
  await client.send(
    new CreateTableCommand({
      TableName: 'loket',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: older.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );

  const kept = { [partitionKey]: { S: 'CASE#kept' }, [sortKey]: { S: 'CASE' }, entity: { S: 'case' } };
  await client.send(new PutItemCommand({ TableName: 'loket', Item: kept }));

  const { streamArn } = await ensureTable(client, 'loket');

  const { Table } = await client.send(new DescribeTableCommand({ TableName: 'loket' }));
  expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  expect(streamArn).toBe(Table?.LatestStreamArn);
  expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort()).toEqual(globalSecondaryIndexes.map((index) => index.indexName).sort());

  const { Item } = await client.send(new GetItemCommand({ TableName: 'loket', Key: { [partitionKey]: kept[partitionKey]!, [sortKey]: kept[sortKey]! } }));
  expect(Item).toEqual(kept);
  // A second start finds nothing to do.
  expect(await ensureTable(client, 'loket')).toEqual({ streamArn });
}, 60_000);
