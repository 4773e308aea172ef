import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { functions } from '../../functions/app.declaration';
import type { DynamoDbLocal } from '../../infra/local/dynamodb-local';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { laneOf, startOutboxStream } from '../../infra/local/outbox-stream';
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

test("with lanes (the dispatcher's parallelization factor), cases go side by side, each case's records in the order written, and a lane that fails holds up its own cases only, skipping none", async () => {
  const lanes = 4;
  const dispatcher = functions.find((declaration) => declaration.name === 'dispatch-outbox')!;
  expect(dispatcher.concurrentBatchesPerShard).toBe(10);
  const { streamArn } = await ensureTable(client, 'loket-lanes');
  const cases = Array.from({ length: 12 }, (_, i) => `CASE#lanes-${i}`);
  const laneOfCase = (pk: string) => laneOf({ dynamodb: { Keys: { PK: { S: pk } } } }, lanes);
  // The case whose second record fails (at least twice, and until the other lanes are through) (behind records of its lane's other cases), and the cases that share no lane with it.
  const failing = cases[0]!;
  const elsewhere = cases.filter((pk) => laneOfCase(pk) !== laneOfCase(failing));
  expect(elsewhere.length).toBeGreaterThan(0);
  expect(elsewhere.length).toBeLessThan(cases.length - 1); // it shares its lane with another case

  const deliveredAt = new Map<string, number>(); // `${PK} ${SK}` → when it was first delivered
  const order = new Map<string, string[]>(); // PK → SKs in the order delivered
  let failures = 0;
  const failureCap = 60;
  const elsewhereDone = () => elsewhere.every((pk) => deliveredAt.has(`${pk} OUTBOX#4`));
  let inFlight = 0;
  let mostInFlight = 0;
  const poller = startOutboxStream({
    client: streams,
    streamArn,
    records: dispatcher.streamRecords,
    concurrentBatches: lanes,
    backoffMs: 100,
    maxBackoffMs: 200,
    pollMs: 20,
    deliver: async (event) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        // The failing case's first batch takes long: all else is written meanwhile, so that its failing record
        // comes in a later batch behind records of its lane's other cases, which must not come again.
        const slow = event.Records.some((record) => record.dynamodb!.Keys!.PK!.S === failing && record.dynamodb!.Keys!.SK!.S === 'OUTBOX#1');
        await new Promise((resolve) => setTimeout(resolve, slow ? 600 : 30));
        for (const record of event.Records) {
          const pk = record.dynamodb!.Keys!.PK!.S!;
          const sk = record.dynamodb!.Keys!.SK!.S!;
          // It fails for as long as the cases of the other lanes are not all delivered (at most `failureCap` times):
          // if the lanes held each other up, they could not be, and the cap would be reached.
          if (pk === failing && sk === 'OUTBOX#2' && (failures < 2 || !elsewhereDone()) && failures < failureCap) {
            failures += 1;
            return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
          }
          if (!deliveredAt.has(`${pk} ${sk}`)) deliveredAt.set(`${pk} ${sk}`, performance.now());
          order.set(pk, [...(order.get(pk) ?? []), sk]);
        }
        return { batchItemFailures: [] };
      } finally {
        inFlight -= 1;
      }
    },
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 500)); // the poller reads from LATEST once it has started
    for (let n = 1; n <= 4; n++) {
      for (const pk of cases) {
        await client.send(new PutItemCommand({ TableName: 'loket-lanes', Item: { PK: { S: pk }, SK: { S: `OUTBOX#${n}` }, entity: { S: 'outbox' } } }));
      }
    }
    for (let waited = 0; waited < 20_000 && deliveredAt.size < cases.length * 4; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await poller.stop();
  }

  expect(deliveredAt.size).toBe(cases.length * 4);
  expect(failures).toBeGreaterThanOrEqual(2);
  expect(failures).toBeLessThan(failureCap);
  // In order per case, and each once: a failed batch comes again from its failed record, not from before it.
  for (const pk of cases) expect(order.get(pk)).toEqual(['OUTBOX#1', 'OUTBOX#2', 'OUTBOX#3', 'OUTBOX#4']);
  expect(mostInFlight).toBeGreaterThan(1);
  // While the failing case's lane waited and backed off, the cases in other lanes got all their records.
  const failingFirst = deliveredAt.get(`${failing} OUTBOX#2`)!;
  for (const pk of elsewhere) expect(deliveredAt.get(`${pk} OUTBOX#4`)!).toBeLessThan(failingFirst);
}, 60_000);
