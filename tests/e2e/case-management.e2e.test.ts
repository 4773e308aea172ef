import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { keys } from '../../functions/adapters/table-keys';
import { catalogue } from '../../functions/catalogue/catalogue';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { caseHistorySchema, caseSearchPageSchema, caseViewSchema, taskPageSchema, taskViewSchema } from '../../functions/api/api.schemas';
import { freshInsz } from '../support/identities';
import type { ApiResponse, TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

const livesInGent = '85073003328';

let stack: TestStack;
let portal: string;
let clerk: string;
let otherClerk: string;
let portalAalst: string;
let clerkAalst: string;
let clerkAndPolice: string;
let designer: string;
let operator: string;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001 });
  [portal, clerk, otherClerk, portalAalst, clerkAalst, clerkAndPolice, designer, operator] = await Promise.all([
    stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' }),
    stack.token({ tenant: '44021', roles: ['clerk'], subject: 'an@gent' }),
    stack.token({ tenant: '44021', roles: ['clerk'], subject: 'bert@gent' }),
    stack.token({ tenant: '41002', roles: ['portal'], subject: 'portal@aalst' }),
    stack.token({ tenant: '41002', roles: ['clerk'], subject: 'clerk@aalst' }),
    stack.token({ tenant: '44021', roles: ['clerk', 'police'], subject: 'carla@gent' }),
    stack.token({ tenant: '44021', roles: ['designer'], subject: 'designer@gent' }),
    stack.token({ tenant: '44021', roles: ['operator'], subject: 'operator@gent' }),
  ]);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const proofOfResidence = (insz: string, data: Record<string, unknown> = {}) => ({ type: 'proof-of-residence', applicant: { insz }, data });
const parkingPermit = (insz = livesInGent) => ({ type: 'resident-parking-permit', applicant: { insz }, data: { licensePlate: '1-ABC-234' } });

const submit = (body: unknown, headers: Record<string, string> = {}, token = portal) => stack.call('POST', '/v1/cases', { token, body, headers });
const getCase = (id: string, token = portal) => stack.call('GET', `/v1/cases/${id}`, { token });
const inStatus = (id: string, status: string) =>
  eventually(() => getCase(id), (r) => r.body?.status?.code === status).then((r) => r.body);

/** Waits until a parking permit awaits its payment, and checks that the read that shows the status shows the wait. */
const awaitingPayment = async (id: string) => {
  const shown = await eventually(() => getCase(id), (r) => r.body?.status?.code === 'awaiting-payment');
  // The waiting step records its status in the write that opens its wait: a read that shows the one shows the other.
  expect(shown.body.awaitingMessages.map((wait: { name: string }) => wait.name)).toContain('payment-received');
  return shown.body;
};

async function openTaskOf(caseId: string, token = clerk) {
  const inbox = await eventually(
    () => stack.call('GET', '/v1/tasks?limit=100', { token }),
    (r) => r.body?.items?.some((t: { caseId: string }) => t.caseId === caseId),
  );
  return inbox.body.items.find((t: { caseId: string }) => t.caseId === caseId);
}

/** Searches a tenant's cases by applicant, with the number in the body as the API requires. */
function searchByApplicant(applicant: string, token: string, filters: Record<string, unknown> = {}) {
  return stack.call('POST', '/v1/cases/search', { token, body: { applicant, ...filters } });
}

const expectProblem = (response: ApiResponse, status: number) => {
  expect({ status: response.status, body: response.body }).toMatchObject({ status });
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
};

/**
 * Belgian public holidays, listed by hand (Easter Sunday 2026: 5 April, 2027: 28 March,
 * 2028: 16 April; Easter Monday, Ascension = Easter + 39 and Whit Monday = Easter + 50 follow),
 * so that the expected due date does not come from the code under test.
 */
const belgianPublicHolidays: Readonly<Record<number, readonly string[]>> = {
  2026: ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-07-21', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25'],
  2027: ['2027-01-01', '2027-03-29', '2027-05-01', '2027-05-06', '2027-05-17', '2027-07-21', '2027-08-15', '2027-11-01', '2027-11-11', '2027-12-25'],
  2028: ['2028-01-01', '2028-04-17', '2028-05-01', '2028-05-25', '2028-06-05', '2028-07-21', '2028-08-15', '2028-11-01', '2028-11-11', '2028-12-25'],
};

const brusselsFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Brussels',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The local date (YYYY-MM-DD) and wall-clock time (HH:MM:SS) in Brussels at an instant. */
function brusselsWallClock(instant: Date): { date: string; time: string } {
  const part = (type: Intl.DateTimeFormatPartTypes) => brusselsFormat.formatToParts(instant).find((p) => p.type === type)!.value;
  return { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}:${part('second')}` };
}

/** The date of the n-th Monday-to-Friday, non-holiday date after `isoDate`. */
function nthWorkingDayAfter(isoDate: string, n: number): string {
  let date = isoDate;
  for (let counted = 0; counted < n; ) {
    date = new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const holidays = belgianPublicHolidays[Number(date.slice(0, 4))];
    if (!holidays) throw new Error(`list the public holidays of ${date.slice(0, 4)} in this test`);
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.includes(date)) counted += 1;
  }
  return date;
}

describe('submission', () => {
  test('a retry with the same Idempotency-Key and body returns the same case', async () => {
    const body = proofOfResidence(freshInsz());
    const first = await submit(body, { 'idempotency-key': 'retry-1' });
    const again = await submit(body, { 'idempotency-key': 'retry-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const found = await searchByApplicant(body.applicant.insz, portal);
    expect(found.body.items).toHaveLength(1);
  });

  test('the same key with a different body is a 422 and creates nothing', async () => {
    const insz = freshInsz();
    expect((await submit(proofOfResidence(insz), { 'idempotency-key': 'retry-2' })).status).toBe(201);
    const other = await submit(proofOfResidence(insz, { purpose: 'something else' }), { 'idempotency-key': 'retry-2' });
    expectProblem(other, 422);
    expect((await searchByApplicant(insz, portal)).body.items).toHaveLength(1);
  });

  test('the same key in another tenant is another request', async () => {
    const gent = await submit(proofOfResidence(freshInsz()), { 'idempotency-key': 'shared-key' });
    const aalst = await submit(proofOfResidence(freshInsz()), { 'idempotency-key': 'shared-key' }, portalAalst);
    expect(aalst.status).toBe(201);
    expect(aalst.body.id).not.toBe(gent.body.id);
  });

  test('50 concurrent requests with one key create exactly one case', async () => {
    const body = proofOfResidence(freshInsz());
    const responses = await Promise.all(Array.from({ length: 50 }, () => submit(body, { 'idempotency-key': 'storm' })));
    expect(responses.map((r) => r.status).filter((s) => s >= 500)).toEqual([]);
    const ids = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect((await searchByApplicant(body.applicant.insz, portal)).body.items).toHaveLength(1);
  });

  test('concurrent submissions get unique numbers of the tenant and year', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => submit(proofOfResidence(freshInsz()))));
    const numbers = responses.map((r) => r.body.number as string);
    expect(new Set(numbers).size).toBe(20);
    for (const number of numbers) expect(number).toMatch(/^44021-\d{4}-\d{6}$/);
  });

  test('an invalid Idempotency-Key is a 400', async () => {
    expectProblem(await submit(proofOfResidence(freshInsz()), { 'idempotency-key': 'has spaces in it' }), 400);
  });

  test.each([
    ['proof-of-residence', 5, () => proofOfResidence(freshInsz())],
    // 15 working days always span at least 21 calendar days, so counting calendar days cannot pass on any weekday.
    ['resident-parking-permit', 15, () => parkingPermit()],
  ] as const)('the legal deadline of %s counts %i working days in Brussels, skipping weekends and public holidays', async (key, days, request) => {
    const type = await stack.call('GET', `/v1/transaction-types/${key}`, { token: portal });
    expect(type.body.legalDeadline).toEqual({ days, kind: 'working' });
    const { status, body } = await submit(request());
    expect(status).toBe(201);
    const due = new Date(body.dueAt);
    expect(brusselsWallClock(due)).toEqual({ date: nthWorkingDayAfter(brusselsWallClock(new Date(body.createdAt)).date, days), time: '23:59:59' });
    expect(due.getUTCMilliseconds()).toBe(999);
  });
});

describe('search', () => {
  let applicant: string;
  const ids: string[] = [];

  beforeAll(async () => {
    applicant = freshInsz();
    for (let i = 0; i < 5; i++) ids.push((await submit(proofOfResidence(applicant))).body.id);
  });

  test('pages through an applicant’s cases with a cursor, in a stable order, to the last page', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await searchByApplicant(applicant, clerk, { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((item: { id: string }) => item.id));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  test('filters by status and type through their indexes', async () => {
    const permit = await submit(parkingPermit());
    expect(permit.status).toBe(201);
    const byType = await stack.call('GET', '/v1/cases?type=resident-parking-permit&limit=100', { token: clerk });
    expect(byType.status).toBe(200);
    const found: { id: string; type: { key: string } }[] = byType.body.items;
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((c) => c.id)).toContain(permit.body.id);
    expect(found.map((c) => c.id)).not.toEqual(expect.arrayContaining([ids[0]]));
    expect(found.every((c) => c.type.key === 'resident-parking-permit')).toBe(true);
    // A list carries no personal data (and so writes no access record): the number is one GET away.
    expect(found.find((c) => c.id === permit.body.id)).toMatchObject({ applicantKind: 'citizen' });
    expect(JSON.stringify(byType.body)).not.toMatch(/"applicant"|"data"/);
    expect(JSON.stringify(byType.body)).not.toContain(livesInGent);
    await eventually(
      () => searchByApplicant(applicant, clerk, { status: 'under-review' }),
      (r) => r.body.items.length === 5,
    );
    const byStatus = await stack.call('GET', '/v1/cases?status=under-review&limit=100', { token: clerk });
    expect(byStatus.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(ids));
    expect(JSON.stringify(byStatus.body)).not.toContain(applicant);
    const dueDates = byStatus.body.items.map((c: { dueAt: string }) => c.dueAt);
    expect([...dueDates].sort()).toEqual(dueDates);
  });

  test('pages through all of a tenant’s cases in order of submission, each once, with its status as it is now (GSI5 holds keys only)', async () => {
    const seen: Array<{ id: string; createdAt: string; status: { code: string } }> = [];
    let cursor: string | undefined;
    do {
      const response = await stack.call('GET', `/v1/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: clerk });
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.items);
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((item) => item.id)).size).toBe(seen.length);
    expect(seen.map((item) => item.id)).toEqual(expect.arrayContaining(ids));
    expect(seen.map((item) => `${item.createdAt}#${item.id}`)).toEqual(seen.map((item) => `${item.createdAt}#${item.id}`).sort());
    for (const id of ids) {
      const read = await stack.call('GET', `/v1/cases/${id}`, { token: clerk });
      expect(seen.find((item) => item.id === id)?.status.code).toBe(read.body.status.code);
    }
  });

  test('a status change rewrites the summary copies of GSI1 and GSI2 but not the keys-only GSI4 and GSI5 (DynamoDB reports each index it wrote)', async () => {
    const dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: localRegion, credentials: localCredentials });
    try {
      const Key = { PK: { S: keys.case(ids[0]!).PK }, SK: { S: 'CASE' } };
      const { Item } = await dynamodb.send(new GetItemCommand({ TableName: stack.tableName, Key, ConsistentRead: true }));
      // The case item written back whole, as the store writes it, with its status and time changed and the same index keys.
      const changed = { ...Item!, status: { S: 'status-probe' }, updatedAt: { S: new Date().toISOString() } };
      const { ConsumedCapacity } = await dynamodb.send(new PutItemCommand({ TableName: stack.tableName, Item: changed, ReturnConsumedCapacity: 'INDEXES' }));
      const written = Object.keys(ConsumedCapacity?.GlobalSecondaryIndexes ?? {}).sort();
      expect(written).toEqual(expect.arrayContaining(['GSI1', 'GSI2']));
      expect(written).not.toContain('GSI4');
      expect(written).not.toContain('GSI5');
      await dynamodb.send(new PutItemCommand({ TableName: stack.tableName, Item: Item! }));
    } finally {
      dynamodb.destroy();
    }
  });

  test('another tenant sees none of them', async () => {
    const response = await searchByApplicant(applicant, portalAalst);
    expect(response.body.items).toEqual([]);
  });

  test('a tampered cursor, or one used by another tenant or with other filters, is a 400', async () => {
    const first = await searchByApplicant(applicant, portal, { limit: 2 });
    const cursor: string = first.body.nextCursor;
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    expectProblem(await searchByApplicant(applicant, portal, { limit: 2, cursor: tampered }), 400);
    expectProblem(await searchByApplicant(applicant, portalAalst, { limit: 2, cursor }), 400);
    expectProblem(await stack.call('GET', `/v1/cases?limit=2&cursor=${cursor}`, { token: portal }), 400);
  });

  test.each(['limit=0', 'limit=101', 'limit=abc', 'status=NOT!', 'applicant=12345678901', 'colour=red'])('%s is a 400', async (query) => {
    expectProblem(await stack.call('GET', `/v1/cases?${query}`, { token: portal }), 400);
  });

  test('a national number in the URL is refused, and points to the search in the body', async () => {
    const response = await stack.call('GET', `/v1/cases?applicant=${applicant}`, { token: portal });
    expectProblem(response, 400);
    expect(response.body.errors).toEqual([
      { path: 'applicant', message: 'a national or enterprise number never goes in a URL: search by applicant with POST /v1/cases/search' },
    ]);
  });

  test.each([{ applicant: '12345678901' }, {}, { applicant: '85073003328', limit: 0 }, { applicant: '85073003328', colour: 'red' }])(
    'searching by applicant with %j is a 400',
    async (body) => {
      expectProblem(await stack.call('POST', '/v1/cases/search', { token: portal, body }), 400);
    },
  );
});

describe('history', () => {
  test('records who did what, when and why, in a verified hash chain', async () => {
    const { body } = await submit(proofOfResidence(livesInGent), { 'x-audit-reason': 'Requested at the desk' });
    await inStatus(body.id, 'issued');
    const history = await stack.call('GET', `/v1/cases/${body.id}/history`, { token: operator });
    expect(history.status).toBe(200);
    expect(history.body.verified).toBe(true);
    // The submission records the workflow version the case is to run on, so its start changes nothing.
    expect(history.body.items.map((e: { sequence: number }) => e.sequence)).toEqual([1, 2]);
    expect(history.body.items[0]).toMatchObject({
      action: 'case.submitted',
      actor: { kind: 'user', subject: 'portal@gent', tenant: '44021', roles: ['portal'] },
      reason: 'Requested at the desk',
      details: { type: { key: 'proof-of-residence', version: catalogue.find('proof-of-residence')!.version }, versionArn: expect.stringMatching(/:stateMachine:loket-proof-of-residence:\d+$/) },
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(history.body.items[1]).toMatchObject({ action: 'case.status-changed', actor: { kind: 'system' }, details: { to: 'issued' } });
  });

  test("another tenant's history is a 404", async () => {
    const { body } = await submit(proofOfResidence(freshInsz()));
    expect((await stack.call('GET', `/v1/cases/${body.id}/history`, { token: portalAalst })).status).toBe(404);
  });
});

describe('tasks', () => {
  test('a clerk claims a task; another clerk can neither claim nor complete it', async () => {
    const { body } = await submit(proofOfResidence(freshInsz()));
    const task = await openTaskOf(body.id);
    const claimed = await stack.call('POST', `/v1/tasks/${task.id}/claim`, { token: clerk });
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'claimed', assignee: 'an@gent' });
    expect((await stack.call('POST', `/v1/tasks/${task.id}/claim`, { token: clerk })).status).toBe(200);
    expectProblem(await stack.call('POST', `/v1/tasks/${task.id}/claim`, { token: otherClerk }), 409);
    expectProblem(await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: otherClerk, body: { outcome: 'approve' } }), 409);
    expect((await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome: 'approve' } })).status).toBe(200);
    await inStatus(body.id, 'issued');
  });

  test("a clerk of another tenant cannot claim a task: 404, and the task stays open for the tenant's clerks", async () => {
    const { body } = await submit(proofOfResidence(freshInsz()));
    const task = await openTaskOf(body.id);
    expectProblem(await stack.call('POST', `/v1/tasks/${task.id}/claim`, { token: clerkAalst }), 404);
    expectProblem(await stack.call('POST', `/v1/tasks/${task.id}/claim`, { token: clerkAalst }), 404);
    const missing = await stack.call('POST', '/v1/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV/claim', { token: clerkAalst });
    expectProblem(missing, 404);
    expect((await openTaskOf(body.id)).status).toBe('open');
    expect((await openTaskOf(body.id)).assignee).toBeUndefined();
    const history = await stack.call('GET', `/v1/cases/${body.id}/history`, { token: operator });
    expect(history.body.items.map((e: { action: string }) => e.action)).not.toContain('task.claimed');
    const claimed = await stack.call('POST', `/v1/tasks/${task.id}/claim`, { token: clerk });
    expect({ status: claimed.status, body: claimed.body }).toMatchObject({ status: 200, body: { status: 'claimed', assignee: 'an@gent' } });
  });

  test('of 50 concurrent completions by 50 clerks exactly one succeeds and the rest are 409', async () => {
    const { body } = await submit(proofOfResidence(freshInsz()));
    const task = await openTaskOf(body.id);
    const clerks = await Promise.all(Array.from({ length: 50 }, (_, i) => stack.token({ tenant: '44021', roles: ['clerk'], subject: `clerk-${i}@gent` })));
    const responses = await Promise.all(
      clerks.map((token, i) => stack.call('POST', `/v1/tasks/${task.id}/complete`, { token, body: { outcome: i % 2 ? 'approve' : 'reject' } })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const winner = responses.find((r) => r.status === 200)!.body.completion.outcome;
    const closed = await eventually(() => getCase(body.id), (r) => r.body.status.final);
    expect(closed.body.status.code).toBe(winner === 'approve' ? 'issued' : 'rejected');
    const history = await stack.call('GET', `/v1/cases/${body.id}/history`, { token: clerk });
    expect(history.body.verified).toBe(true);
    expect(history.body.items.filter((e: { action: string }) => e.action === 'task.completed')).toHaveLength(1);
  });

  test('one clerk’s completion sent 20 times at once is answered 200 each time and recorded once', async () => {
    const { body } = await submit(proofOfResidence(freshInsz()));
    const task = await openTaskOf(body.id);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome: 'approve' } })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    const closed = await eventually(() => getCase(body.id), (r) => r.body.status.final);
    expect(closed.body.status.code).toBe('issued');
    const history = await stack.call('GET', `/v1/cases/${body.id}/history`, { token: clerk });
    expect(history.body.items.filter((e: { action: string }) => e.action === 'task.completed')).toHaveLength(1);
  });

  test('the inbox pages by due date with a cursor', async () => {
    for (let i = 0; i < 3; i++) await submit(proofOfResidence(freshInsz()));
    await eventually(() => stack.call('GET', '/v1/tasks?limit=100', { token: clerk }), (r) => r.body.items.length >= 3);
    const first = await stack.call('GET', '/v1/tasks?limit=2', { token: clerk });
    expect(first.body.items).toHaveLength(2);
    const second = await stack.call('GET', `/v1/tasks?limit=2&cursor=${first.body.nextCursor}`, { token: clerk });
    expect(second.status).toBe(200);
    const dueDates = [...first.body.items, ...second.body.items].map((t: { dueAt: string }) => t.dueAt);
    expect([...dueDates].sort()).toEqual(dueDates);
    expect(new Set([...first.body.items, ...second.body.items].map((t: { id: string }) => t.id)).size).toBe(first.body.items.length + second.body.items.length);
  });

  test('an inbox cursor used by another tenant, or with another role, status or limit, or tampered, is a 400', async () => {
    for (let i = 0; i < 3; i++) await submit(proofOfResidence(freshInsz()));
    await eventually(() => stack.call('GET', '/v1/tasks?limit=100', { token: clerk }), (r) => r.body.items.length >= 3);
    const first = await stack.call('GET', '/v1/tasks?limit=2', { token: clerk });
    const cursor: string = first.body.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    expect((await stack.call('GET', `/v1/tasks?limit=2&cursor=${cursor}`, { token: clerk })).status).toBe(200);

    expectProblem(await stack.call('GET', `/v1/tasks?limit=2&cursor=${cursor}`, { token: clerkAalst }), 400);
    expectProblem(await stack.call('GET', `/v1/tasks?limit=2&status=open&cursor=${cursor}`, { token: clerk }), 400);
    expectProblem(await stack.call('GET', `/v1/tasks?limit=3&cursor=${cursor}`, { token: clerk }), 400);
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    expectProblem(await stack.call('GET', `/v1/tasks?limit=2&cursor=${tampered}`, { token: clerk }), 400);

    // A cursor of the inbox of every role held (clerk and police) does not page the clerk role alone.
    const bothRoles = await stack.call('GET', '/v1/tasks?limit=2', { token: clerkAndPolice });
    expect(bothRoles.body.nextCursor).toEqual(expect.any(String));
    expectProblem(await stack.call('GET', `/v1/tasks?limit=2&role=clerk&cursor=${bothRoles.body.nextCursor}`, { token: clerkAndPolice }), 400);
    expectProblem(await stack.call('GET', `/v1/tasks?limit=2&role=police&cursor=${bothRoles.body.nextCursor}`, { token: clerkAndPolice }), 400);
  });
});

describe('lifecycle', () => {
  test('the applicant withdraws: tasks cancelled, execution stopped, and a second withdrawal is a 409', async () => {
    const { body } = await submit(proofOfResidence(freshInsz()));
    const task = await openTaskOf(body.id);
    const withdrawn = await stack.call('POST', `/v1/cases/${body.id}/withdraw`, { token: portal, body: { reason: 'No longer needed' } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toMatchObject({ code: 'withdrawn', final: true });
    const inbox = await stack.call('GET', '/v1/tasks?status=cancelled&limit=100', { token: clerk });
    expect(inbox.body.items.map((t: { id: string }) => t.id)).toContain(task.id);
    const sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
    const executionArn = `${stack.stateMachineArns['proof-of-residence']!.replace(':stateMachine:', ':execution:')}:${body.id}`;
    // The stop goes through the outbox, a moment after the answer.
    await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (execution) => execution.status === 'ABORTED');
    sfn.destroy();
    expectProblem(await stack.call('POST', `/v1/cases/${body.id}/withdraw`, { token: portal, body: { reason: 'again' } }), 409);
    expectProblem(await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome: 'approve' } }), 409);
  });

  test('suspension stops the clock and resuming moves the due date; a type without suspension refuses it', async () => {
    const { body } = await submit(parkingPermit());
    await inStatus(body.id, 'awaiting-payment');
    const suspended = await stack.call('POST', `/v1/cases/${body.id}/suspend`, { token: clerk, body: { reason: 'Waiting for proof of vehicle ownership' } });
    expect(suspended.status).toBe(200);
    expectProblem(await stack.call('POST', `/v1/cases/${body.id}/suspend`, { token: clerk, body: { reason: 'twice' } }), 409);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const resumed = await stack.call('POST', `/v1/cases/${body.id}/resume`, { token: clerk, body: { reason: 'Ownership shown' } });
    expect(resumed.status).toBe(200);
    expect(Date.parse(resumed.body.dueAt) - Date.parse(body.dueAt)).toBeGreaterThanOrEqual(1000);
    expectProblem(await stack.call('POST', `/v1/cases/${body.id}/resume`, { token: clerk, body: { reason: 'twice' } }), 409);

    const other = await submit(proofOfResidence(freshInsz()));
    expectProblem(await stack.call('POST', `/v1/cases/${other.body.id}/suspend`, { token: clerk, body: { reason: 'x' } }), 409);
  });

  test('an extension adds working days, at most what the type allows, once', async () => {
    const { body } = await submit(parkingPermit());
    expectProblem(await stack.call('POST', `/v1/cases/${body.id}/extend`, { token: clerk, body: { days: 16, reason: 'too long' } }), 400);
    const extended = await stack.call('POST', `/v1/cases/${body.id}/extend`, { token: clerk, body: { days: 5, reason: 'Complex file' } });
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.body.dueAt)).toBeGreaterThan(Date.parse(body.dueAt) + 5 * 24 * 3600 * 1000);
    expectProblem(await stack.call('POST', `/v1/cases/${body.id}/extend`, { token: clerk, body: { days: 1, reason: 'again' } }), 409);
  });

  test('a message reaches the step that waits for it; one nobody waits for is a 409', async () => {
    const { body } = await submit(parkingPermit());
    await awaitingPayment(body.id);
    expectProblem(await stack.call('POST', `/v1/cases/${body.id}/messages`, { token: portal, body: { name: 'documents-supplied', data: {} } }), 400);
    expectProblem(await stack.call('POST', `/v1/cases/${body.id}/messages`, { token: portal, body: { name: 'payment-received', data: { amount: 'lots' } } }), 400);
    const paid = await stack.call('POST', `/v1/cases/${body.id}/messages`, {
      token: portal,
      body: { name: 'payment-received', data: { amount: 35, reference: 'PAY-123' } },
    });
    expect(paid.status).toBe(202);
    await inStatus(body.id, 'under-review');
    expectProblem(
      await stack.call('POST', `/v1/cases/${body.id}/messages`, { token: portal, body: { name: 'payment-received', data: { amount: 35, reference: 'PAY-123' } } }),
      409,
    );
    const task = await openTaskOf(body.id);
    expect(task.name).toBe('review-permit');
    await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome: 'approve' } });
    const granted = await inStatus(body.id, 'granted');
    expect(granted.documents[0]).toMatchObject({ kind: 'permit' });
    expect(granted.documents[0].text.nl).toContain('1-ABC-234');
  });

  test('a message for a type that declares no such message is a 400; one for a closed case is a 409', async () => {
    const residence = await submit(proofOfResidence(livesInGent));
    const payment = { name: 'payment-received', data: { amount: 35, reference: 'PAY-9' } };
    expectProblem(await stack.call('POST', `/v1/cases/${residence.body.id}/messages`, { token: portal, body: payment }), 400);
    const permit = await submit(parkingPermit());
    await inStatus(permit.body.id, 'awaiting-payment');
    await stack.call('POST', `/v1/cases/${permit.body.id}/withdraw`, { token: portal, body: { reason: 'Sold the car' } });
    expectProblem(await stack.call('POST', `/v1/cases/${permit.body.id}/messages`, { token: portal, body: payment }), 409);
  });
});

describe('the contract', () => {
  test('responses match the schemas the OpenAPI document publishes', async () => {
    const { body } = await submit(proofOfResidence(freshInsz()), { 'x-audit-reason': 'contract' });
    expect(caseViewSchema.safeParse(body).error).toBeUndefined();
    const task = await openTaskOf(body.id);
    expect(taskViewSchema.safeParse(task).error).toBeUndefined();
    const full = await getCase(body.id);
    expect(caseViewSchema.safeParse(full.body).error).toBeUndefined();
    expect(caseHistorySchema.safeParse((await stack.call('GET', `/v1/cases/${body.id}/history`, { token: portal })).body).error).toBeUndefined();
    expect(caseSearchPageSchema.safeParse((await stack.call('GET', '/v1/cases?limit=3', { token: portal })).body).error).toBeUndefined();
    expect(taskPageSchema.safeParse((await stack.call('GET', '/v1/tasks?limit=3', { token: clerk })).body).error).toBeUndefined();
  });
});

describe('roles', () => {
  test.each([
    ['designer reads the catalogue', () => stack.call('GET', '/v1/transaction-types', { token: designer }), 200],
    ['designer may not read cases', () => stack.call('GET', '/v1/cases', { token: designer }), 403],
    ['operator reads cases', () => stack.call('GET', '/v1/cases', { token: operator }), 200],
    ['operator may not submit', () => submit(proofOfResidence(freshInsz()), {}, operator), 403],
  ])('%s', async (_name, call, status) => {
    expect((await call()).status).toBe(status);
  });

  /**
   * Each lifecycle route, for each role, on a real case in a state where the action would
   * succeed (a parking permit awaiting payment; suspended first for resume), so that a role
   * wrongly allowed shows as a 2xx rather than hiding behind a 404 or 409.
   */
  const lifecycle = {
    extend: { body: { days: 5, reason: 'Complex file' }, suspended: false },
    suspend: { body: { reason: 'Waiting for proof of vehicle ownership' }, suspended: false },
    resume: { body: { reason: 'Ownership shown' }, suspended: true },
    withdraw: { body: { reason: 'No longer needed' }, suspended: false },
    messages: { body: { name: 'payment-received', data: { amount: 35, reference: 'PAY-ROLES' } }, suspended: false },
  } as const;
  const tokenOf = { portal: () => portal, clerk: () => clerk, operator: () => operator, designer: () => designer };
  type Role = keyof typeof tokenOf;
  const expectations: [keyof typeof lifecycle, Role, number][] = [
    ['extend', 'clerk', 200],
    ['extend', 'portal', 403],
    ['extend', 'operator', 403],
    ['extend', 'designer', 403],
    ['suspend', 'clerk', 200],
    ['suspend', 'portal', 403],
    ['suspend', 'operator', 403],
    ['suspend', 'designer', 403],
    ['resume', 'clerk', 200],
    ['resume', 'portal', 403],
    ['resume', 'operator', 403],
    ['resume', 'designer', 403],
    ['withdraw', 'portal', 200],
    ['withdraw', 'clerk', 403],
    ['withdraw', 'operator', 403],
    ['withdraw', 'designer', 403],
    ['messages', 'portal', 202],
    ['messages', 'clerk', 403],
    ['messages', 'operator', 403],
    ['messages', 'designer', 403],
  ];

  test.each(expectations)('POST /v1/cases/{id}/%s as %s is a %i', async (action, role, expected) => {
    const { body } = await submit(parkingPermit());
    await awaitingPayment(body.id); // the case is still only once both writes of the waiting step are in
    if (lifecycle[action].suspended) {
      const suspended = await stack.call('POST', `/v1/cases/${body.id}/suspend`, { token: clerk, body: { reason: 'set-up' } });
      expect({ status: suspended.status, body: suspended.body }).toMatchObject({ status: 200 });
    }
    const before = (await getCase(body.id)).body;
    const response = await stack.call('POST', `/v1/cases/${body.id}/${action}`, { token: tokenOf[role](), body: lifecycle[action].body });
    if (expected === 403) {
      expectProblem(response, 403);
      const after = (await getCase(body.id)).body;
      expect(after).toMatchObject({ version: before.version, status: before.status, dueAt: before.dueAt, extensions: before.extensions });
      expect(after.suspendedSince).toBe(before.suspendedSince);
    } else {
      expect({ status: response.status, body: response.body }).toMatchObject({ status: expected });
    }
  });

  test.each(['portal', 'operator', 'designer'] as const)('the %s role may not claim or complete a task, which stays open', async (role) => {
    const { body } = await submit(proofOfResidence(freshInsz()));
    const task = await openTaskOf(body.id);
    expectProblem(await stack.call('POST', `/v1/tasks/${task.id}/claim`, { token: tokenOf[role]() }), 403);
    expectProblem(await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: tokenOf[role](), body: { outcome: 'approve' } }), 403);
    expect(await openTaskOf(body.id)).toMatchObject({ id: task.id, status: 'open' });
  });
});
