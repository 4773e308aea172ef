import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { functions } from '../../functions/app.declaration';
import { localCredentials, localRegion } from '../../infra/local/local-network';
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
  tokens = [
    await stack.token({ tenant: '44021', roles: ['portal'] }),
    await stack.token({ tenant: '44021', roles: ['clerk'] }),
    await stack.token({ tenant: '41002', roles: ['portal', 'clerk', 'operator', 'designer'] }),
    await stack.token({ tenant: '99999', roles: ['portal'] }),
    await stack.token({ tenant: '44021', roles: [] }),
    await stack.token({ tenant: '44021', roles: ['portal'], expiresIn: Math.floor(Date.now() / 1000) - 10 }),
    'not-a-token',
    '',
  ];
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

const routes = functions.flatMap((fn) => fn.routes ?? []);
const idLike = fc.oneof(
  fc.constant('01ARZ3NDEKTSV4RRFFQ69G5FAV'),
  fc.stringMatching(/^[0-9A-Z]{26}$/),
  fc.string({ maxLength: 40 }).map(encodeURIComponent).filter((s) => s.length > 0 && !s.includes('%2F')),
  fc.constant('proof-of-residence'),
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const badInsz = fc.oneof(fc.constant('85073003327'), fc.stringMatching(/^\d{11}$/), fc.string({ maxLength: 15 }), fc.integer());
const submissionLike = fc.record(
  {
    type: fc.oneof(fc.constant('proof-of-residence'), fc.constant('resident-parking-permit'), fc.string(), fc.integer()),
    applicant: fc.oneof(fc.record({ insz: badInsz }), fc.record({ kbo: fc.string() }), jsonValue),
    data: fc.oneof(fc.record({ language: fc.string(), purpose: fc.oneof(fc.string({ maxLength: 300 }), fc.integer()) }), jsonValue),
    extra: jsonValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  jsonValue.map((value) => JSON.stringify(value)),
  submissionLike.map((value) => JSON.stringify(value)),
  fc.record({ outcome: fc.oneof(fc.string(), fc.integer()), days: fc.oneof(fc.integer(), fc.string()), reason: fc.oneof(fc.string(), fc.constant('')), name: fc.string() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.constantFrom('', '{', '{"type":', 'null', '[]', '"text"', '\u0000', 'x'.repeat(100_000)),
  fc.string({ maxLength: 200 }),
);
const request = fc.record({
  route: fc.constantFrom(...routes),
  id: idLike,
  token: fc.nat({ max: 7 }),
  body,
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8', ''),
  query: fc.array(fc.tuple(fc.constantFrom('status', 'type', 'applicant', 'limit', 'cursor', 'role', 'x'), fc.string({ maxLength: 30 })), { maxLength: 3 }),
  idempotencyKey: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
});

test('200 generated malformed requests: no 5xx and nothing written', async () => {
  const before = await itemCount();
  const statuses: number[] = [];
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const path = r.route.path.replace(/\{[^}]+\}/g, r.id);
      const query = new URLSearchParams(r.query).toString();
      const response = await fetch(`${stack.apiUrl}${path}${query ? `?${query}` : ''}`, {
        method: r.route.method,
        headers: {
          ...(tokens[r.token] ? { authorization: `Bearer ${tokens[r.token]}` } : {}),
          ...(r.contentType ? { 'content-type': r.contentType } : {}),
          ...(r.idempotencyKey !== undefined && /^[\x20-\x7e]*$/.test(r.idempotencyKey) ? { 'idempotency-key': r.idempotencyKey } : {}),
        },
        body: r.route.method === 'GET' ? undefined : r.body,
      });
      await response.arrayBuffer();
      statuses.push(response.status);
      return response.status < 500;
    }),
    { numRuns: 200, seed: 20261128 },
  );
  expect(statuses.filter((status) => status >= 500)).toEqual([]);
  expect(statuses.some((status) => status === 400)).toBe(true);
  expect(statuses.some((status) => status === 401)).toBe(true);
  expect(await itemCount()).toBe(before);
});
