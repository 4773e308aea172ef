import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hmacAuditSeal } from '../../functions/adapters/audit-seal';
import { dynamoCaseReads } from '../../functions/adapters/dynamodb/case.reads';
import { dynamoCaseStore } from '../../functions/adapters/dynamodb/case.store';
import { moveTaskItems } from '../../functions/adapters/dynamodb/task-items.migration';
import { hmacPseudonyms } from '../../functions/adapters/pseudonyms';
import { keys } from '../../functions/adapters/table-keys';
import { systemActor } from '../../functions/domain/actor';
import { genesisHash, hashOf } from '../../functions/domain/audit';
import { verifyTrail } from '../../functions/domain/audit-trail';
import type { Case } from '../../functions/domain/case';
import { DomainError } from '../../functions/domain/errors';
import { catalogue } from '../../functions/catalogue/catalogue';
import { afterStatus, statusBeforeWaiting } from '../../functions/use-cases/record-status';
import { devAuditSealKey, devPseudonymKey } from '../../infra/local/dev-keys';
import type { DynamoDbLocal } from '../../infra/local/dynamodb-local';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { ensureTable } from '../../infra/local/table.setup';
import { aCase, aTask, settableClock, testUlid } from '../support/in-memory-ports';

/*
 * The DynamoDB case store's change with parts (CaseChange.then), on DynamoDB Local: a waiting
 * step's status and its task are one transaction, each with its own audit event, chained and
 * sealed in order, and a guard of the second part that fails is a conflict, with nothing written.
 */
let dynamodbLocal: DynamoDbLocal;
let raw: DynamoDBClient;
let documents: DynamoDBDocumentClient;
const tableName = 'loket-case-store';
const seal = hmacAuditSeal(devAuditSealKey);
const pseudonyms = hmacPseudonyms(devPseudonymKey);
const now = '2026-11-10T09:00:00.000Z';
const statusOf = statusBeforeWaiting({ catalogue, clock: settableClock(now) });

beforeAll(async () => {
  dynamodbLocal = await startDynamoDbLocal({ port: 0 });
  raw = new DynamoDBClient({ endpoint: dynamodbLocal.endpoint, region: localRegion, credentials: localCredentials });
  // As functions/commons/dynamodb.client makes it for the functions.
  documents = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTable(raw, tableName);
}, 60_000);

afterAll(async () => {
  raw?.destroy();
  await dynamodbLocal?.stop();
});

const store = () => dynamoCaseStore(documents, tableName, pseudonyms, seal, { schemasUrl: 'https://api.example/v1/events/schemas' });

async function submitted(n: number) {
  const subject = aCase({ id: testUlid(n), sequence: n, typeKey: 'resident-parking-permit', now: new Date('2026-11-09T10:00:00Z'), dueAt: new Date('2026-11-30T22:59:59.999Z') });
  await store().create(subject, { action: 'case.submitted', actor: systemActor('test'), at: subject.createdAt });
  return subject;
}

test('a status and the task a waiting step opens are one write: the case one version on, two audit events chained and sealed in order, the trail verified', async () => {
  const subject = await submitted(1);
  const task = aTask(subject, { id: testUlid(101), name: 'review-permit', token: 'step-token', now: new Date(now), dueAt: new Date('2026-11-20T22:59:59.999Z') });
  await store().change(subject.id, (read) => {
    const status = statusOf(read, { status: 'under-review', step: 'create-task' });
    return {
      change: afterStatus(status, { case: status!.case, audit: { action: 'task.created', actor: systemActor('create-task'), at: now, details: { taskId: task.id } }, tasks: [{ task, expect: 'new' }] }),
      result: () => undefined,
    };
  });

  const stored = await store().getAudited(subject.id);
  expect(stored?.case).toMatchObject({ status: 'under-review', version: subject.version + 1 });
  const events = await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id);
  expect(events.map((event) => [event.sequence, event.action])).toEqual([
    [1, 'case.submitted'],
    [2, 'case.status-changed'],
    [3, 'task.created'],
  ]);
  expect(events[2]!.previousStateDigest).toBe(events[1]!.stateDigest);
  expect(events[2]!.previousSeal).toBe(events[1]!.seal);
  expect(stored?.head?.sequence).toBe(3);
  expect(await verifyTrail({ caseId: subject.id, events, stored: stored! }, seal.verify)).toEqual({ verified: true });
  expect(await store().getTask(task.id)).toMatchObject({ id: task.id, status: 'open', token: 'step-token' });
  // Both parts' events went to the outbox in the same write: the status change's first.
  const { Items = [] } = await documents.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :outbox)', ExpressionAttributeValues: { ':pk': keys.case(subject.id).PK, ':outbox': keys.outboxPrefix } }),
  );
  const types = Items.map((item) => (item.effect as { event?: { type?: string } }).event?.type);
  expect(types.indexOf('be.loket.case.status-changed.v1')).toBeGreaterThanOrEqual(0);
  expect(types.indexOf('be.loket.case.status-changed.v1')).toBeLessThan(types.indexOf('be.loket.case.task-created.v1'));
}, 60_000);

test("a guard of the second part that fails (the task was handled meanwhile) is a conflict, and neither part is written", async () => {
  const subject = await submitted(2);
  const task = aTask(subject, { id: testUlid(102), name: 'review-permit', token: 'step-token', now: new Date(now), dueAt: new Date('2026-11-20T22:59:59.999Z') });
  await store().change(subject.id, (read) => ({ change: { case: read, audit: { action: 'task.created', actor: systemActor('create-task'), at: now, details: { taskId: task.id } }, tasks: [{ task, expect: 'new' }] }, result: () => undefined }));
  const before = await store().getAudited(subject.id);

  const refused = await store()
    .change(subject.id, (read) => {
      const status = statusOf(read, { status: 'under-review', step: 'create-task' });
      // Expects the task as it was before a token it does not have: someone else reissued it.
      const reissued = { task: { ...task, token: 'new-token' }, expect: { ...task, token: 'another-token' } };
      return { change: afterStatus(status, { case: status!.case, audit: { action: 'task.reissued', actor: systemActor('create-task'), at: now, details: { taskId: task.id } }, tasks: [reissued] }), result: () => undefined };
    })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(refused).toBeInstanceOf(DomainError);
  expect((refused as DomainError).kind).toBe('conflict');
  expect(await store().getAudited(subject.id)).toEqual(before);
  expect(await store().getTask(task.id)).toMatchObject({ token: 'step-token' });
}, 60_000);

/** The audit items of a case as the table holds them, in their order, without their keys. */
async function auditItems(caseId: string): Promise<Array<Record<string, unknown>>> {
  const { Items = [] } = await documents.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)', ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':audit': keys.auditPrefix }, ConsistentRead: true }),
  );
  return Items;
}

const noted = (action: string) => (read: Case) => ({ change: { case: { ...read, updatedAt: now }, audit: { action, actor: systemActor('test'), at: now } }, result: () => undefined });

test("an audit event's item leaves out what the event before it holds (its hash, its seal, the state it left): the trail reads back whole and verifies", async () => {
  const subject = await submitted(3);
  await store().change(subject.id, noted('case.noted'));
  await store().change(subject.id, noted('case.noted-again'));

  const items = await auditItems(subject.id);
  expect(items).toHaveLength(3);
  for (const item of items) {
    expect(item).not.toHaveProperty('previousHash');
    expect(item).not.toHaveProperty('previousSeal');
    expect(item).not.toHaveProperty('previousStateDigest');
  }
  const events = await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id);
  expect(events[0]!.previousHash).toBe(genesisHash);
  expect(events[0]).not.toHaveProperty('previousSeal');
  expect(events[0]).not.toHaveProperty('previousStateDigest');
  for (const [index, event] of events.entries()) {
    expect(hashOf(event)).toBe(event.hash);
    if (index === 0) continue;
    const previous = events[index - 1]!;
    expect(event).toMatchObject({ previousHash: previous.hash, previousSeal: previous.seal, previousStateDigest: previous.stateDigest });
  }
  expect(await verifyTrail({ caseId: subject.id, events, stored: (await store().getAudited(subject.id))! }, seal.verify)).toEqual({ verified: true });
}, 60_000);

test('a change that finds the case edited outside the app keeps the state it found on its item, and the trail shows where', async () => {
  const subject = await submitted(4);
  await documents.send(new UpdateCommand({ TableName: tableName, Key: keys.case(subject.id), UpdateExpression: 'SET #status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':status': 'granted' } }));
  await store().change(subject.id, noted('case.noted'));

  const [, second] = await auditItems(subject.id);
  expect(second).toHaveProperty('previousStateDigest');
  const events = await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id);
  expect(events[1]!.previousStateDigest).not.toBe(events[0]!.stateDigest);
  expect(await verifyTrail({ caseId: subject.id, events, stored: (await store().getAudited(subject.id))! }, seal.verify)).toEqual({ verified: false, firstBadSequence: 2, reason: 'state' });
}, 60_000);

test('a trail written whole, every event with its links (as before items left them out), reads back as it was and verifies', async () => {
  const subject = await submitted(5);
  await store().change(subject.id, noted('case.noted'));
  const events = await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id);
  for (const event of events) {
    await documents.send(new PutCommand({ TableName: tableName, Item: { ...keys.auditEvent(subject.id, event.sequence), entity: 'audit', ...event } }));
  }
  expect(await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id)).toEqual(events);
  await store().change(subject.id, noted('case.noted-again'));
  const longer = await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id);
  expect(longer.slice(0, 2)).toEqual(events);
  expect(await verifyTrail({ caseId: subject.id, events: longer, stored: (await store().getAudited(subject.id))! }, seal.verify)).toEqual({ verified: true });
}, 60_000);

test('a change chained onto a head forged on the case item: the trail breaks at that change (its item names the links of the forged head, which are not those of the event before it)', async () => {
  const subject = await submitted(6);
  await documents.send(
    new UpdateCommand({ TableName: tableName, Key: keys.case(subject.id), UpdateExpression: 'SET auditHead.#hash = :forged', ExpressionAttributeNames: { '#hash': 'hash' }, ExpressionAttributeValues: { ':forged': 'f'.repeat(64) } }),
  );
  await store().change(subject.id, noted('case.noted'));

  const events = await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id);
  expect(events[1]!.previousHash).toBe(events[0]!.hash);
  expect(await verifyTrail({ caseId: subject.id, events, stored: (await store().getAudited(subject.id))! }, seal.verify)).toEqual({ verified: false, firstBadSequence: 2, reason: 'hash' });
}, 60_000);

test("a change keeps the applicant index key its case item has, without asking for the applicant's pseudonym again (on AWS a KMS request in every function that changes the case)", async () => {
  const asked: string[] = [];
  const counting = { of: (identifier: string) => (asked.push(identifier), pseudonyms.of(identifier)) };
  const countingStore = dynamoCaseStore(documents, tableName, counting, seal, { schemasUrl: 'https://api.example/v1/events/schemas' });
  const subject = aCase({ id: testUlid(7), sequence: 7, typeKey: 'resident-parking-permit', now: new Date('2026-11-09T10:00:00Z'), dueAt: new Date('2026-11-30T22:59:59.999Z') });
  await countingStore.create(subject, { action: 'case.submitted', actor: systemActor('test'), at: subject.createdAt });
  expect(asked).toHaveLength(1);
  await countingStore.change(subject.id, noted('case.noted'));
  expect(asked).toHaveLength(1);
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: keys.case(subject.id) }));
  expect(Item?.GSI2PK).toBe(`TENANT#${subject.tenant}#APPLICANT#${await pseudonyms.of(asked[0]!)}`);
  expect(await verifyTrail({ caseId: subject.id, events: await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id), stored: (await store().getAudited(subject.id))! }, seal.verify)).toEqual({ verified: true });
}, 60_000);

test('a change that corrects the applicant writes the index key of the corrected one', async () => {
  const subject = await submitted(8);
  await store().change(subject.id, (read) => ({ change: { case: { ...read, applicant: { insz: '17073003384' } }, audit: { action: 'case.applicant-corrected', actor: systemActor('test'), at: now } }, result: () => undefined }));
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: keys.case(subject.id) }));
  expect(Item?.GSI2PK).toBe(`TENANT#${subject.tenant}#APPLICANT#${await pseudonyms.of('17073003384')}`);
}, 60_000);

/** A client that notes each request it sends, by command, and what each asked. */
function countedClient() {
  const sent: string[] = [];
  const asked: Array<Record<string, unknown>> = [];
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodbLocal.endpoint, region: localRegion, credentials: localCredentials }), { marshallOptions: { removeUndefinedValues: true } });
  client.middlewareStack.add((next, context) => (args) => (sent.push(String(context.commandName)), asked.push(args.input as Record<string, unknown>), next(args)), { step: 'initialize' });
  return { sent, asked, client };
}

/** A store whose client notes the requests it sends. */
function countingStore() {
  const { sent, asked, client } = countedClient();
  return { sent, asked, store: dynamoCaseStore(client, tableName, pseudonyms, seal, { schemasUrl: 'https://api.example/v1/events/schemas' }) };
}

/** Opens `task` on the case in one change, as a waiting step does. */
async function opened(subject: Case, task: ReturnType<typeof aTask>) {
  await store().change(subject.id, (read) => ({ change: { case: read, audit: { action: 'task.created', actor: systemActor('create-task'), at: now, details: { taskId: task.id } }, tasks: [{ task, expect: 'new' }] }, result: () => undefined }));
}

test("a case's page is one request: the case with its waits and its tasks, each as it is now, and nothing else of its partition", async () => {
  const subject = await submitted(9);
  const first = aTask(subject, { id: testUlid(901), name: 'review-permit', token: 'token-1', now: new Date(now), dueAt: new Date('2026-11-20T22:59:59.999Z') });
  const second = aTask(subject, { id: testUlid(902), name: 'review-permit', token: 'token-2', now: new Date(now), dueAt: new Date('2026-11-21T22:59:59.999Z') });
  await opened(subject, first);
  await opened(subject, second);
  await store().change(subject.id, (read) => ({
    change: { case: read, audit: { action: 'message.awaited', actor: systemActor('test'), at: now }, awaitMessage: { caseId: subject.id, name: 'payment', since: now, token: 'wait-token' } },
    result: () => undefined,
  }));
  const { sent, asked, store: counting } = countingStore();
  const page = await counting.getWithTasksAndWaits(subject.id);
  expect(sent).toEqual(['QueryCommand']);
  await counting.tasksOfCase(subject.id);
  // Both read the table itself, consistently: a task written a moment ago is in them (no index that may lag).
  for (const input of asked) expect([input.IndexName, input.ConsistentRead]).toEqual([undefined, true]);
  expect(page?.case).toMatchObject({ id: subject.id, version: subject.version + 3 });
  expect(page?.tasks).toEqual([first, second]);
  expect(page?.waits).toEqual([{ caseId: subject.id, name: 'payment', since: now, token: 'wait-token' }]);
  // The outbox items and the audit trail share the partition; neither is read with the page.
  expect(await store().pendingOf(subject.id)).not.toEqual([]);
  expect(await countingStore().store.getWithTasksAndWaits(testUlid(999))).toBeUndefined();
}, 60_000);

test("a task is found by its id alone (its case looked up, then the task read as it is now) and by its case; under another case it is not found", async () => {
  const subject = await submitted(10);
  const other = await submitted(11);
  const task = aTask(subject, { id: testUlid(1001), name: 'review-permit', token: 'token-1', now: new Date(now), dueAt: new Date('2026-11-20T22:59:59.999Z') });
  await opened(subject, task);
  const { sent, store: counting } = countingStore();
  expect(await counting.getTask(task.id)).toEqual(task);
  expect(sent).toEqual(['QueryCommand', 'GetItemCommand']);
  expect(await counting.taskOfCase(subject.id, task.id)).toEqual(task);
  expect(sent).toHaveLength(3);
  expect(await store().taskOfCase(other.id, task.id)).toBeUndefined();
  const missing = countingStore();
  expect(await missing.store.getTask(testUlid(1002))).toBeUndefined();
  // The index is asked three times, 100 and 200 ms apart, before the task is taken not to exist.
  expect(missing.sent).toEqual(['QueryCommand', 'QueryCommand', 'QueryCommand']);
  expect(await store().tasksOfCase(subject.id)).toEqual([task]);
  expect(await store().tasksOfCase(other.id)).toEqual([]);
}, 60_000);

test('a table kept from before tasks moved into their cases: the next start moves each task there, whole and once, and leaves none behind', async () => {
  const subject = await submitted(12);
  const task = aTask(subject, { id: testUlid(1201), name: 'review-permit', token: 'token-1', now: new Date(now), dueAt: new Date('2026-11-20T22:59:59.999Z') });
  const claimed = { ...task, status: 'claimed' as const, assignee: 'clerk@gent' };
  // As the earlier version wrote it: its own partition, its case's tasks in GSI2.
  const former = { ...keys.formerTask(claimed.id), GSI1PK: `TENANT#${claimed.tenant}#TASKS#${claimed.role}#claimed`, GSI1SK: `${claimed.dueAt}#${claimed.id}`, GSI2PK: `CASE#${subject.id}#TASKS`, GSI2SK: `${claimed.createdAt}#${claimed.id}`, entity: 'task', ...claimed };
  await documents.send(new PutCommand({ TableName: tableName, Item: former }));
  expect(await store().getTask(claimed.id)).toBeUndefined();

  await ensureTable(raw, tableName);
  expect(await store().getTask(claimed.id)).toEqual(claimed);
  expect((await store().getWithTasksAndWaits(subject.id))?.tasks).toEqual([claimed]);
  expect((await documents.send(new GetCommand({ TableName: tableName, Key: keys.formerTask(claimed.id) }))).Item).toBeUndefined();
  // In the inbox as before.
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: keys.task(subject.id, claimed.id) }));
  expect([Item?.GSI1PK, Item?.GSI1SK, Item?.GSI2PK]).toEqual([former.GSI1PK, former.GSI1SK, undefined]);
  // The table is marked: a later start reads the mark, not the table.
  const { sent, client } = countedClient();
  expect(await moveTaskItems(client, tableName)).toEqual({ moved: 0, left: 0 });
  expect(sent).toEqual(['GetItemCommand']);
  expect((await documents.send(new GetCommand({ TableName: tableName, Key: keys.migrated('task-items') }))).Item).toMatchObject({ moved: 1 });
}, 60_000);

test('a task rewritten (claimed) is rewritten in the inbox (GSI1) only: its entry by id (keys-only GSI5) keeps its keys, and GSI2 holds no task', async () => {
  const subject = await submitted(13);
  const task = aTask(subject, { id: testUlid(1301), name: 'review-permit', token: 'token-1', now: new Date(now), dueAt: new Date('2026-11-20T22:59:59.999Z') });
  await opened(subject, task);
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: keys.task(subject.id, task.id) }));
  const { ConsumedCapacity } = await documents.send(
    new PutCommand({ TableName: tableName, Item: { ...Item, status: 'claimed', assignee: 'clerk@gent', GSI1PK: `TENANT#${task.tenant}#TASKS#${task.role}#claimed` }, ReturnConsumedCapacity: 'INDEXES' }),
  );
  expect(Object.keys(ConsumedCapacity?.GlobalSecondaryIndexes ?? {})).toEqual(['GSI1']);
}, 60_000);

test('a task the move finds already at its new place is left where it was, counted, and the table is not marked: the next run tries again', async () => {
  await documents.send(new DeleteCommand({ TableName: tableName, Key: keys.migrated('task-items') }));
  const subject = await submitted(14);
  const task = aTask(subject, { id: testUlid(1401), name: 'review-permit', token: 'token-1', now: new Date(now), dueAt: new Date('2026-11-20T22:59:59.999Z') });
  await opened(subject, task);
  await documents.send(new PutCommand({ TableName: tableName, Item: { ...keys.formerTask(task.id), entity: 'task', ...task } }));
  expect(await moveTaskItems(documents, tableName)).toEqual({ moved: 0, left: 1 });
  expect((await documents.send(new GetCommand({ TableName: tableName, Key: keys.formerTask(task.id) }))).Item).toMatchObject({ id: task.id });
  expect((await documents.send(new GetCommand({ TableName: tableName, Key: keys.migrated('task-items') }))).Item).toBeUndefined();
  await documents.send(new DeleteCommand({ TableName: tableName, Key: keys.formerTask(task.id) }));
}, 60_000);

test('a task created a moment ago that its index does not show yet is found once it does', async () => {
  const subject = await submitted(15);
  const task = aTask(subject, { id: testUlid(1501), name: 'review-permit', token: 'token-1', now: new Date(now), dueAt: new Date('2026-11-20T22:59:59.999Z') });
  await opened(subject, task);
  const { sent, client } = countedClient();
  // As an index that lags behind the table answers: the first query finds no entry.
  let lagging = true;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const answer = await next(args);
      if (context.commandName !== 'QueryCommand' || !lagging) return answer;
      lagging = false;
      return { ...answer, output: { ...answer.output, Items: [], Count: 0 } as typeof answer.output };
    },
    { step: 'initialize' },
  );
  const lagged = dynamoCaseStore(client, tableName, pseudonyms, seal, { schemasUrl: 'https://api.example/v1/events/schemas' });
  expect(await lagged.getTask(task.id)).toEqual(task);
  expect(sent).toEqual(['QueryCommand', 'QueryCommand', 'GetItemCommand']);
}, 60_000);

test('a change from the case as just read writes without reading it again; a case the store did not hand out, or another case, is read as before', async () => {
  const subject = await submitted(16);
  const { sent, store: counting } = countingStore();
  const read = (await counting.get(subject.id))!;
  sent.length = 0;
  await counting.change(subject.id, noted('case.noted'), { from: read });
  expect(sent).toEqual(['TransactWriteItemsCommand']);

  sent.length = 0;
  await counting.change(subject.id, noted('case.noted-again'), { from: { ...read } });
  expect(sent).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);

  const other = await submitted(17);
  const page = (await counting.getWithTasksAndWaits(other.id))!;
  sent.length = 0;
  await counting.change(subject.id, noted('case.noted-a-third-time'), { from: page.case });
  expect(sent).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
  expect((await counting.get(subject.id))!.version).toBe(3);
  expect((await counting.get(other.id))!.version).toBe(0);
  const events = await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id);
  expect(events.map((event) => event.action)).toEqual(['case.submitted', 'case.noted', 'case.noted-again', 'case.noted-a-third-time']);
  expect(await verifyTrail({ caseId: subject.id, events, stored: (await store().getAudited(subject.id))! }, seal.verify)).toEqual({ verified: true });
}, 60_000);

test('a change from a case that changed since it was read decides again on the case as it is now, and chains onto its trail', async () => {
  const subject = await submitted(18);
  const { sent, store: counting } = countingStore();
  const read = (await counting.get(subject.id))!;
  await store().change(subject.id, noted('case.noted-elsewhere'));
  const decided: number[] = [];
  sent.length = 0;
  await counting.change(subject.id, (current) => (decided.push(current.version), noted('case.noted')(current)), { from: read });
  expect(decided).toEqual([0, 1]);
  expect(sent).toEqual(['TransactWriteItemsCommand', 'GetItemCommand', 'TransactWriteItemsCommand']);
  expect((await counting.get(subject.id))!.version).toBe(2);
  const events = await dynamoCaseReads(documents, tableName, pseudonyms).history(subject.id);
  expect(events.map((event) => event.action)).toEqual(['case.submitted', 'case.noted-elsewhere', 'case.noted']);
  expect(await verifyTrail({ caseId: subject.id, events, stored: (await store().getAudited(subject.id))! }, seal.verify)).toEqual({ verified: true });
}, 60_000);
