import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { functions } from '../../functions/app.declaration';
import type { DynamoDbLocal } from '../../infra/local/dynamodb-local';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { startOutboxStream } from '../../infra/local/outbox-stream';
import { ensureTable } from '../../infra/local/table.setup';

/*
 * Locally the dispatcher is fed by a poller of DynamoDB Local's stream. It must hand over what the
 * event source mapping's filter passes on AWS, and nothing more: a case item's image carries its
 * applicant, which must never become a function's input.
 */
let dynamodbLocal: DynamoDbLocal;
let client: DynamoDBClient;
let streams: DynamoDBStreamsClient;

beforeAll(async () => {
  dynamodbLocal = await startDynamoDbLocal({ port: 0 });
  client = new DynamoDBClient({ endpoint: dynamodbLocal.endpoint, region: localRegion, credentials: localCredentials });
  streams = new DynamoDBStreamsClient({ endpoint: dynamodbLocal.endpoint, region: localRegion, credentials: localCredentials });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  streams?.destroy();
  await dynamodbLocal?.stop();
});

test("the poller gives the dispatcher only the declared records: new outbox items, not a case's image nor an outbox item's later changes", async () => {
  const dispatcher = functions.find((declaration) => declaration.kind === 'stream')!;
  expect(dispatcher.streamRecords).toEqual({ eventName: 'INSERT', entity: 'outbox' });
  const { streamArn } = await ensureTable(client, 'loket');
  const delivered: DynamoDBStreamEvent['Records'] = [];
  const poller = startOutboxStream({
    client: streams,
    streamArn,
    records: dispatcher.streamRecords,
    deliver: async (event) => {
      delivered.push(...event.Records);
      return { batchItemFailures: [] };
    },
    pollMs: 20,
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 500)); // the poller reads from LATEST once it has started
    const put = (item: Record<string, string>) =>
      client.send(new PutItemCommand({ TableName: 'loket', Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { S: v }])) }));
    await put({ PK: 'CASE#c1', SK: 'CASE', entity: 'case', applicantName: 'Fixture Person' });
    await put({ PK: 'CASE#c1', SK: 'OUTBOX#01', entity: 'outbox', effect: 'start' });
    await put({ PK: 'CASE#c1', SK: 'OUTBOX#01', entity: 'outbox', effect: 'start', deliveredAt: 'now' });
    await put({ PK: 'CASE#c1', SK: 'OUTBOX#02', entity: 'outbox', effect: 'stop' });
    for (let waited = 0; waited < 10_000 && delivered.length < 2; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything else would have come by now
  } finally {
    await poller.stop();
  }
  expect(delivered.map((record) => [record.eventName, record.dynamodb?.Keys?.SK?.S])).toEqual([
    ['INSERT', 'OUTBOX#01'],
    ['INSERT', 'OUTBOX#02'],
  ]);
}, 60_000);
