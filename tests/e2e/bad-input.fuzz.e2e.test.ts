import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { malformedRequest, malformedRequestTokens, sendMalformedRequest } from '../support/malformed-requests';
import type { TestStack } from '../support/test-stack';
import { startTestStack } from '../support/test-stack';

/*
 * Generated malformed requests against every route: wrong types, missing and extra fields,
 * huge and empty bodies, broken JSON, bad identifiers, forged, expired and foreign tokens.
 * None may answer 5xx, and none may write anything.
 */
let stack: TestStack;
let tokens: string[];

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001 });
  tokens = await malformedRequestTokens(stack.token);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function itemCount(): Promise<number> {
  const client = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: localRegion, credentials: localCredentials });
  const { Count = 0 } = await client.send(new ScanCommand({ TableName: stack.tableName, Select: 'COUNT' }));
  client.destroy();
  return Count;
}

test('200 generated malformed requests: no 5xx and nothing written', async () => {
  const before = await itemCount();
  const statuses: number[] = [];
  await fc.assert(
    fc.asyncProperty(malformedRequest, async (r) => {
      const status = await sendMalformedRequest(stack.apiUrl, tokens, r);
      statuses.push(status);
      return status < 500;
    }),
    { numRuns: 200, seed: 20261128 },
  );
  expect(statuses.filter((status) => status >= 500)).toEqual([]);
  expect(statuses.some((status) => status === 400)).toBe(true);
  expect(statuses.some((status) => status === 401)).toBe(true);
  expect(await itemCount()).toBe(before);
});
