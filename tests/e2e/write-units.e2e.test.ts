import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { writeUnitsOf } from '../../bench/cost-model';
import type { StoredItem } from '../../bench/cost-model';
import { tableDefinition } from '../../infra/table.definition';
import type { DynamoDbLocal } from '../../infra/local/dynamodb-local';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { ensureTable } from '../../infra/local/table.setup';

/*
 * The bench's write model (bench/cost-model.ts, writeUnitsOf) against DynamoDB Local, on the
 * project's own table and indexes: for single writes it must bill what DynamoDB Local reports,
 * table and each index alike (its item sizes and index rules are DynamoDB's). For transactions
 * DynamoDB Local's figures are not what AWS bills; the last test pins that, so that the bench's
 * own computation of them goes once the emulator is right.
 */
let dynamodbLocal: DynamoDbLocal;
let client: DynamoDBClient;
const tableName = 'loket-write-units';

beforeAll(async () => {
  dynamodbLocal = await startDynamoDbLocal({ port: 0 });
  client = new DynamoDBClient({ endpoint: dynamodbLocal.endpoint, region: localRegion, credentials: localCredentials });
  await ensureTable(client, tableName);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await dynamodbLocal?.stop();
});

const s = (value: string): AttributeValue => ({ S: value });
const key = (id: string) => ({ PK: s(`CASE#${id}`), SK: s('CASE') });
/** A case-like item: its summary in GSI1 (by status) and GSI2, a filler that only the table holds. */
const caseItem = (id: string, status: string, filler: number): Record<string, AttributeValue> => ({
  ...key(id),
  GSI1PK: s(`TENANT#44021#CASES#${status}`),
  GSI1SK: s(`2026-12-01#${id}`),
  GSI2PK: s('TENANT#44021#APPLICANT#p1'),
  GSI2SK: s(`2026-11-01#${id}`),
  id: s(id),
  status: s(status),
  data: s('x'.repeat(filler)),
});

const read = async (id: string) => (await client.send(new GetItemCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }))).Item as StoredItem | undefined;

/** What DynamoDB Local reports, as the model's shape. */
function reported(consumed: ConsumedCapacity | undefined) {
  const indexes = Object.fromEntries(Object.entries(consumed?.GlobalSecondaryIndexes ?? {}).map(([name, units]) => [name, units.CapacityUnits]));
  return { table: consumed?.Table?.CapacityUnits, indexes };
}

/** A single write, and what the model bills for it from the item before and after. */
async function compare(id: string, write: () => Promise<{ ConsumedCapacity?: ConsumedCapacity }>) {
  const before = await read(id);
  const { ConsumedCapacity } = await write();
  const after = await read(id);
  return { modelled: writeUnitsOf(before, after, tableDefinition, tableDefinition.globalSecondaryIndexes, { transactional: false }), reported: reported(ConsumedCapacity) };
}

describe('single writes: the model bills what DynamoDB Local reports', () => {
  const put = (item: Record<string, AttributeValue>) => () => client.send(new PutItemCommand({ TableName: tableName, Item: item, ReturnConsumedCapacity: 'INDEXES' }));

  test.each([
    ['a new item of 0.5 KB, into two indexes', 'a', 400, 1],
    ['a new item just under 1 KB', 'b', 880, 1],
    ['a new item just over 1 KB', 'c', 900, 2],
    ['a new item of 2.5 KB (the indexes copy only its summary)', 'd', 2500, 3],
  ])('%s', async (_, id, filler, units) => {
    const { modelled, reported } = await compare(id, put(caseItem(id, 'submitted', filler)));
    expect(reported.table).toBe(units);
    expect(modelled).toEqual(reported);
  });

  test('a replacement that moves the item in one index and changes its copy in the other', async () => {
    await put(caseItem('e', 'submitted', 2500))();
    const { modelled, reported } = await compare('e', put(caseItem('e', 'granted', 300)));
    expect(modelled.indexes).toEqual({ GSI1: 2, GSI2: 1 });
    expect(modelled).toEqual(reported);
  });

  test('an update of what no index copies, and one of what they do', async () => {
    await put(caseItem('f', 'submitted', 1500))();
    const unprojected = await compare('f', () => client.send(new UpdateItemCommand({ TableName: tableName, Key: key('f'), UpdateExpression: 'SET #d = :d', ExpressionAttributeNames: { '#d': 'data' }, ExpressionAttributeValues: { ':d': s('y'.repeat(200)) }, ReturnConsumedCapacity: 'INDEXES' })));
    expect(unprojected.modelled).toEqual({ table: 2, indexes: {} });
    expect(unprojected.modelled).toEqual(unprojected.reported);
    const projected = await compare('f', () => client.send(new UpdateItemCommand({ TableName: tableName, Key: key('f'), UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': s('under-review') }, ReturnConsumedCapacity: 'INDEXES' })));
    expect(projected.modelled.indexes).toEqual({ GSI1: 1, GSI2: 1 });
    expect(projected.modelled).toEqual(projected.reported);
  });

  test('a delete', async () => {
    await put(caseItem('g', 'submitted', 1500))();
    const { modelled, reported } = await compare('g', () => client.send(new DeleteItemCommand({ TableName: tableName, Key: key('g'), ReturnConsumedCapacity: 'INDEXES' })));
    expect(modelled).toEqual({ table: 2, indexes: { GSI1: 1, GSI2: 1 } });
    expect(modelled).toEqual(reported);
  });
});

test("transactions: DynamoDB Local's figures are not AWS's (two units an item per started KB), so the bench computes them", async () => {
  const small = (id: string) => ({ Put: { TableName: tableName, Item: { PK: s(`X#${id}`), SK: s('X'), data: s('x'.repeat(100)) } } });
  const one = await client.send(new TransactWriteItemsCommand({ TransactItems: [small('1')], ReturnConsumedCapacity: 'INDEXES' }));
  const six = await client.send(new TransactWriteItemsCommand({ TransactItems: ['2', '3', '4', '5', '6', '7'].map(small), ReturnConsumedCapacity: 'INDEXES' }));
  const modelled = (items: number) => items * writeUnitsOf(undefined, small('1').Put.Item as StoredItem, tableDefinition, [], { transactional: true }).table;
  expect([modelled(1), modelled(6)]).toEqual([2, 12]);
  // If this fails, DynamoDB Local bills transactions as AWS does now: the bench can take its figures again.
  expect([one.ConsumedCapacity?.[0]?.CapacityUnits, six.ConsumedCapacity?.[0]?.CapacityUnits]).toEqual([4, 4]);
});
