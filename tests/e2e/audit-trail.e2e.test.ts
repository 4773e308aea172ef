import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { auditEventsOf } from '../../functions/adapters/dynamodb/case-items';
import { keys } from '../../functions/adapters/table-keys';
import type { AuditEvent } from '../../functions/domain/audit';
import { genesisHash, hashOf } from '../../functions/domain/audit';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * Someone who can write the table, but does not hold the audit seal's key, edits it with a
 * plain DynamoDB client: every edit is found by GET /v1/cases/{id}/history, which names the
 * first bad position.
 */
const livesInAalst = '17073003384';

let stack: TestStack;
let dynamodb: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let portal: string;
let clerk: string;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001, logLevel: 'ERROR' });
  [portal, clerk] = await Promise.all([
    stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' }),
    stack.token({ tenant: '44021', roles: ['clerk'], subject: 'clerk@gent' }),
  ]);
  dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: localRegion, credentials: localCredentials });
  documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
}, 60_000);

afterAll(async () => {
  dynamodb?.destroy();
  await stack?.stop();
});

const history = async (caseId: string) => {
  const response = await stack.call('GET', `/v1/cases/${caseId}/history`, { token: portal });
  expect(response.status).toBe(200);
  return response.body as { verified: boolean; firstBadSequence?: number; fault?: string; items: AuditEvent[] };
};

async function openTaskOf(caseId: string): Promise<{ id: string }> {
  const response = await eventually(
    () => stack.call('GET', '/v1/tasks', { token: clerk }),
    (r) => Array.isArray(r.body?.items) && r.body.items.some((task: { caseId: string; status: string }) => task.caseId === caseId && task.status === 'open'),
  );
  return response.body.items.find((task: { caseId: string }) => task.caseId === caseId);
}

const finalStatus = (caseId: string) =>
  eventually(
    () => stack.call('GET', `/v1/cases/${caseId}`, { token: portal }),
    (r) => r.body?.status?.final === true,
    30_000,
  );

/** A proof of residence someone living elsewhere asked for: a clerk approves it, and it is issued. */
async function decidedCase(): Promise<{ id: string; events: AuditEvent[] }> {
  const { body } = await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz: livesInAalst }, data: {} } });
  const task = await openTaskOf(body.id);
  await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome: 'approve', reason: 'Lease shown' }, headers: { 'x-audit-reason': 'At the counter' } });
  await finalStatus(body.id);
  const trail = await history(body.id);
  expect(trail.verified).toBe(true);
  expect(trail.items.length).toBeGreaterThanOrEqual(4);
  return { id: body.id, events: trail.items };
}

const auditKey = (caseId: string, sequence: number) => ({ PK: { S: keys.auditEvent(caseId, sequence).PK }, SK: { S: keys.auditEvent(caseId, sequence).SK } });
const caseKey = (caseId: string) => ({ PK: { S: keys.case(caseId).PK }, SK: { S: keys.case(caseId).SK } });

async function storedEvents(caseId: string): Promise<AuditEvent[]> {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: stack.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
      ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':audit': keys.auditPrefix },
      ConsistentRead: true,
    }),
  );
  // Whole: an item leaves out the links the event before it holds (auditPut), which a forger reading the table puts back too.
  return auditEventsOf(Items);
}

/** Writes events back under the sequence they claim, as a forger with table access can. */
async function putEvents(events: readonly AuditEvent[], at: (event: AuditEvent, index: number) => number = (event) => event.sequence): Promise<void> {
  for (const [index, event] of events.entries()) {
    await documents.send(new PutCommand({ TableName: stack.tableName, Item: { ...event, ...keys.auditEvent(event.caseId, at(event, index)), entity: 'audit' } }));
  }
}

describe('an audit trail edited outside the app does not verify, and names where', () => {
  test('the newest event deleted', async () => {
    const { id, events } = await decidedCase();
    await dynamodb.send(new DeleteItemCommand({ TableName: stack.tableName, Key: auditKey(id, events.length) }));
    expect(await history(id)).toMatchObject({ verified: false, firstBadSequence: events.length, fault: 'missing' });
  }, 60_000);

  test('the last event rewritten with a forged actor', async () => {
    const { id, events } = await decidedCase();
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: stack.tableName,
        Key: auditKey(id, events.length),
        UpdateExpression: 'SET actor = :forged',
        ExpressionAttributeValues: { ':forged': { M: { kind: { S: 'user' }, subject: { S: 'mayor@gent' }, tenant: { S: '44021' }, roles: { L: [{ S: 'clerk' }] } } } },
      }),
    );
    expect(await history(id)).toMatchObject({ verified: false, firstBadSequence: events.length, fault: 'hash' });
  }, 60_000);

  test('an event rewritten with every hash after it recomputed, and the head on the case moved along', async () => {
    const { id } = await decidedCase();
    const events = await storedEvents(id);
    const rewritten: AuditEvent[] = [];
    for (const [index, event] of events.entries()) {
      const previous = rewritten[index - 1];
      const { hash: _hash, ...content } = index === 1 ? { ...event, actor: { kind: 'system' as const, component: 'forger' } } : event;
      const relinked = { ...content, previousHash: previous?.hash ?? genesisHash };
      rewritten.push({ ...relinked, hash: index === 0 ? event.hash : hashOf(relinked) });
    }
    await putEvents(rewritten);
    const last = rewritten.at(-1)!;
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: stack.tableName,
        Key: caseKey(id),
        UpdateExpression: 'SET auditHead.#hash = :hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ExpressionAttributeValues: { ':hash': { S: last.hash } },
      }),
    );
    expect(await history(id)).toMatchObject({ verified: false, firstBadSequence: 2, fault: 'seal' });
  }, 60_000);

  test('two events swapped', async () => {
    const { id } = await decidedCase();
    const events = await storedEvents(id);
    await putEvents([events[2]!, events[1]!], (_, index) => index + 2);
    expect(await history(id)).toMatchObject({ verified: false, firstBadSequence: 2, fault: 'sequence' });
  }, 60_000);

  test.each([
    ['the applicant', 'SET #attribute = :value', 'applicant', { M: { insz: { S: '85073003328' } } }],
    ["the decision's decidedBy", 'SET decision.#attribute = :value', 'decidedBy', { S: 'mayor@gent' }],
    ['the status', 'SET #attribute = :value', 'status', { S: 'refused' }],
    ['an added attribute', 'SET #attribute = :value', 'note', { S: 'added later' }],
    ["the status index's key", 'SET #attribute = :value', 'GSI1PK', { S: 'TENANT#44021#CASES#refused' }],
  ] as const)('the case item edited: %s', async (_, expression, attribute, value) => {
    const { id, events } = await decidedCase();
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: stack.tableName,
        Key: caseKey(id),
        UpdateExpression: expression,
        ExpressionAttributeNames: { '#attribute': attribute },
        ExpressionAttributeValues: { ':value': value as AttributeValue },
      }),
    );
    expect(await history(id)).toMatchObject({ verified: false, firstBadSequence: events.length, fault: 'case' });
  }, 60_000);

  test('a head forged without the key: it names a longer trail', async () => {
    const { id, events } = await decidedCase();
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: stack.tableName,
        Key: caseKey(id),
        UpdateExpression: 'SET auditHead.#sequence = :sequence',
        ExpressionAttributeNames: { '#sequence': 'sequence' },
        ExpressionAttributeValues: { ':sequence': { N: String(events.length + 1) } },
      }),
    );
    expect(await history(id)).toMatchObject({ verified: false, firstBadSequence: events.length + 1, fault: 'missing' });
  }, 60_000);

  test('the case edited while it waits, then changed by the app: found at the change that carried the edit on', async () => {
    const { body } = await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz: livesInAalst }, data: {} } });
    const task = await openTaskOf(body.id);
    const before = await history(body.id);
    expect(before.verified).toBe(true);
    await dynamodb.send(
      new UpdateItemCommand({ TableName: stack.tableName, Key: caseKey(body.id), UpdateExpression: 'SET applicant = :value', ExpressionAttributeValues: { ':value': { M: { insz: { S: '85073003328' } } } } }),
    );
    await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome: 'approve' } });
    await finalStatus(body.id);
    expect(await history(body.id)).toMatchObject({ verified: false, firstBadSequence: before.items.length + 1, fault: 'state' });
  }, 60_000);
});

test('a completion keeps both reasons: X-Audit-Reason as the reason for the action, the body’s reason as the motivation; the decision has the motivation', async () => {
  const { id, events } = await decidedCase();
  expect(events.find((event) => event.action === 'task.completed')).toMatchObject({ reason: 'At the counter', details: { outcome: 'approve', motivation: 'Lease shown' } });
  expect((await stack.call('GET', `/v1/cases/${id}`, { token: portal })).body.decision).toMatchObject({ reason: 'Lease shown' });
}, 60_000);
