import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { freshInsz } from '../support/identities';
import { knownMalformedRequests, malformedRequest, malformedRequestTokens, sendMalformedRequest, type MalformedRequestTargets } from '../support/malformed-requests';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * Generated malformed requests against every route: wrong types, missing and extra fields,
 * huge and empty bodies, broken JSON, bad identifiers, forged, expired and foreign tokens.
 * None may answer 5xx, and none may write anything.
 */
let stack: TestStack;
let tokens: string[];
let targets: MalformedRequestTargets;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001 });
  tokens = await malformedRequestTokens(stack.token);
  // A case waiting for its payment and an open task, so that bad messages and completions reach the checks that once failed.
  const portal = await stack.token({ tenant: '44021', roles: ['portal'] });
  const parking = await stack.call('POST', '/v1/cases', {
    token: portal,
    body: { type: 'resident-parking-permit', applicant: { insz: '85073003328' }, data: { licensePlate: '1-ABC-234', zone: 'Centrum' } },
  });
  const proof = await stack.call('POST', '/v1/cases', {
    token: portal,
    body: { type: 'proof-of-residence', applicant: { insz: freshInsz() }, data: { purpose: 'school registration', language: 'nl' } },
  });
  await eventually(() => stack.call('GET', `/v1/cases/${parking.body.id}`, { token: portal }), (read) => read.body.awaitingMessages?.length > 0);
  const withTask = await eventually(() => stack.call('GET', `/v1/cases/${proof.body.id}`, { token: portal }), (read) => read.body.openTasks?.length > 0);
  targets = { caseId: parking.body.id, taskId: withTask.body.openTasks[0].id };
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

/**
 * The item count once the work of earlier changes has settled: the dispatcher, the fan-out and the deliveries
 * write and delete items for changes committed before (events, deliveries, the overview's access records),
 * whenever they get to them. Settled: the same count three seconds apart.
 */
async function settledItemCount(): Promise<number> {
  let previous = await itemCount();
  for (let round = 0; round < 20; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const current = await itemCount();
    if (current === previous) return current;
    previous = current;
  }
  return previous;
}

test('200 generated malformed requests: no 5xx and nothing written', async () => {
  const before = await settledItemCount();
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

test('the requests that once answered 500 (issue 11, S4 and S7): each refused with its 4xx, and nothing written', async () => {
  const before = await settledItemCount();
  const answered: { name: string; status: number }[] = [];
  for (const known of knownMalformedRequests()) {
    answered.push({ name: known.name, status: await sendMalformedRequest(stack.apiUrl, tokens, known.request, targets) });
  }
  expect(answered).toEqual(knownMalformedRequests().map((known) => ({ name: known.name, status: known.expected })));
  expect(await itemCount()).toBe(before);
}, 120_000);

test('a CORS preflight is answered 404 with no Access-Control header, as the OpenAPI document states (x-cors)', async () => {
  for (const path of ['/v1/cases', `/v1/cases/${targets.caseId}`, '/v1/health']) {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.gent.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    await response.arrayBuffer();
    expect({ path, status: response.status }).toEqual({ path, status: 404 });
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  }
  const read = await fetch(`${stack.apiUrl}/v1/health`, { headers: { origin: 'https://portal.gent.example' } });
  expect(read.status).toBe(200);
  expect(read.headers.get('access-control-allow-origin')).toBeNull();
});
