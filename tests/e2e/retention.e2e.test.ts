import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoArchiveSchedule } from '../../functions/adapters/dynamodb/archive.schedule';
import { dynamoCaseDestruction } from '../../functions/adapters/dynamodb/case.destruction';
import { dynamoCaseReads } from '../../functions/adapters/dynamodb/case.reads';
import { dynamoCaseStore } from '../../functions/adapters/dynamodb/case.store';
import { hmacAuditSeal } from '../../functions/adapters/audit-seal';
import { hmacPseudonyms } from '../../functions/adapters/pseudonyms';
import { keys } from '../../functions/adapters/table-keys';
import { catalogue } from '../../functions/catalogue/catalogue';
import { verifyChain } from '../../functions/domain/audit';
import { verifyTrail } from '../../functions/domain/audit-trail';
import { brusselsDate } from '../../functions/domain/calendar';
import { addYears } from '../../functions/domain/retention';
import type { CaseFiles } from '../../functions/ports/retention.port';
import type { RetentionReport } from '../../functions/use-cases/apply-retention';
import { applyRetention } from '../../functions/use-cases/apply-retention';
import { devAuditSealKey, devPseudonymKey } from '../../infra/local/dev-keys';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { allTaskRoles, driveToFinal } from '../support/case-driver';
import type { ApiResponse, TestStack } from '../support/test-stack';
import { startTestStack } from '../support/test-stack';

/*
 * Retention on the local stack: cases are closed through the API now; the job then runs on
 * DynamoDB Local and the S3-compatible store with a clock set years ahead (the scaled clock),
 * through the same use case and adapters as its Lambda. The dry run goes through the Lambda's
 * handler itself. proof-of-residence keeps its cases 5 years, resident-parking-permit 2 (both
 * destroyed), change-of-address 30 (kept for the archive).
 */
let stack: TestStack;
let portal: string;
let worker: string;
let documents: DynamoDBDocumentClient;
let s3: S3Client;
let files: CaseFiles;
let invokeHandler: (event: unknown) => Promise<RetentionReport>;

const today = brusselsDate(new Date());
/** Noon in Brussels (in winter and in summer) of the day `years` after today. */
const yearsAhead = (years: number) => new Date(`${addYears(today, years)}T10:30:00Z`);

const cases: Record<'proof' | 'parking' | 'address', string> = { proof: '', parking: '', address: '' };
const numbers: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001 });
  [portal, worker] = await Promise.all([
    stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' }),
    stack.token({ tenant: '44021', roles: allTaskRoles, subject: 'worker@gent' }),
  ]);
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: localRegion, credentials: localCredentials }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  s3 = new S3Client({ endpoint: stack.s3Endpoint, forcePathStyle: true, region: localRegion, credentials: localCredentials });
  // Both read the bucket's name from the environment the stack set, as on Lambda.
  ({ caseFiles: files } = await import('../../functions/adapters/document.store'));
  const { handler } = await import('../../functions/operations/apply-retention.handler');
  invokeHandler = (event) => handler(event, { functionName: 'loket-apply-retention', awsRequestId: 'test' } as Context) as Promise<RetentionReport>;
}, 60_000);

afterAll(async () => {
  documents?.destroy();
  s3?.destroy();
  await stack?.stop();
});

/** The job with its production adapters, on a clock set to `now`. */
function job(now: Date) {
  const store = dynamoCaseStore(documents, stack.tableName, hmacPseudonyms(devPseudonymKey), hmacAuditSeal(devAuditSealKey), { schemasUrl: `${stack.apiUrl}/v1/events/schemas` });
  return applyRetention({
    cases: store,
    outbox: store,
    schedule: dynamoArchiveSchedule(documents, stack.tableName),
    destruction: dynamoCaseDestruction(documents, stack.tableName),
    files,
    clock: { now: () => now },
    telemetry: { warn: () => undefined },
  })({ dryRun: false });
}

const history = (caseId: string) => dynamoCaseReads(documents, stack.tableName, hmacPseudonyms(devPseudonymKey)).history(caseId);
const item = async (key: Record<string, unknown>) => (await documents.send(new GetCommand({ TableName: stack.tableName, Key: key, ConsistentRead: true }))).Item;
const filesOf = async (caseId: string) =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: stack.documentsBucket, Prefix: `documents/44021/${caseId}/` }))).Contents ?? []).map((object) => object.Key);

/** Every item of the table, in key order (a test may scan; the app never does). */
async function wholeTable(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: stack.tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort((a, b) => (`${a.PK}|${a.SK}` < `${b.PK}|${b.SK}` ? -1 : 1));
}

/** The table once the workflows and the dispatcher stopped writing. */
async function settledTable(): Promise<Record<string, unknown>[]> {
  let previous = JSON.stringify(await wholeTable());
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = JSON.stringify(await wholeTable());
    if (current === previous) return JSON.parse(current) as Record<string, unknown>[];
    previous = current;
  }
}

const expectProblem = (response: ApiResponse, status: number) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
};

async function submit(body: unknown, idempotencyKey: string): Promise<string> {
  const response = await stack.call('POST', '/v1/cases', { token: portal, body, headers: { 'idempotency-key': idempotencyKey } });
  expect(response.status).toBe(201);
  numbers[response.body.id] = response.body.number;
  return response.body.id as string;
}

async function withdrawn(body: unknown, idempotencyKey: string): Promise<string> {
  const id = await submit(body, idempotencyKey);
  const response = await stack.call('POST', `/v1/cases/${id}/withdraw`, { token: portal, body: { reason: 'No longer needed' } });
  expect(response.status).toBe(200);
  return id;
}

describe('retention on the local stack, with a scaled clock', () => {
  test('closing cases gives them their archive action and date, and puts them in the archive schedule', async () => {
    // Someone living in Aalst asks Gent: a clerk verifies the residence (a task), then the certificate is issued.
    cases.proof = await submit({ type: 'proof-of-residence', applicant: { insz: '17073003384' }, data: {} }, 'retention-proof');
    expect((await driveToFinal(stack, cases.proof, { portal, worker }, { outcomes: { 'verify-residence': 'approve' } })).steps).toEqual(['verify-residence=approve']);
    cases.parking = await withdrawn({ type: 'resident-parking-permit', applicant: { insz: '85073003328' }, data: { licensePlate: '1-ABC-234', zone: 'Centrum' } }, 'retention-parking');
    cases.address = await withdrawn(
      {
        type: 'change-of-address',
        applicant: { insz: '17073003384' },
        data: { newAddress: { street: 'Nieuwstraat 12', postalCode: '9000', municipality: 'Gent' }, movingDate: '2026-11-15' },
      },
      'retention-address',
    );

    const proof = await item(keys.case(cases.proof));
    const closedOn = brusselsDate(new Date(String(proof?.closedAt)));
    expect(proof).toMatchObject({ status: 'issued', retention: { action: 'destroy', years: 5, dueOn: addYears(closedOn, 5) } });
    expect(proof).toMatchObject({ GSI7PK: `ARCHIVE#${addYears(closedOn, 5).slice(0, 7)}`, GSI7SK: `44021#${addYears(closedOn, 5)}#${cases.proof}` });
    expect(await item(keys.case(cases.parking))).toMatchObject({ retention: { action: 'destroy', years: 2 } });
    expect(await item(keys.case(cases.address))).toMatchObject({ retention: { action: 'keep', years: 30 } });
    expect(await filesOf(cases.proof)).toHaveLength(1);
    expect(await item(keys.caseNumber(numbers[cases.proof]!))).toMatchObject({ caseId: cases.proof, idempotencyKey: 'retention-proof' });
  }, 60_000);

  test('the dry run, through the Lambda handler, lists what would go and changes nothing', async () => {
    // More items than one transaction takes: the destruction must span several.
    for (let n = 0; n < 120; n++) {
      await documents.send(
        new PutCommand({
          TableName: stack.tableName,
          Item: { ...keys.messageWait(cases.proof, `extra-${n}`), entity: 'message-wait', caseId: cases.proof, name: `extra-${n}`, since: new Date().toISOString(), token: `t-${n}` },
        }),
      );
    }
    const before = await settledTable();

    const now = await invokeHandler({ dryRun: true });
    const ahead = await invokeHandler({ dryRun: true, asOf: addYears(today, 6) });

    expect(now).toMatchObject({ dryRun: true, asOf: today, destroyed: [], transferDue: [], failed: [] });
    expect(ahead.destroyed.map((destroyed) => destroyed.id)).toEqual([cases.parking, cases.proof]);
    expect(ahead.destroyed[1]).toMatchObject({
      type: { key: 'proof-of-residence', version: catalogue.find('proof-of-residence')!.version },
      items: { cases: 1, tasks: 1, messageWaits: 120, outboxItems: 0, caseNumbers: 1, idempotencyKeys: 1, documents: 1 },
    });
    expect(ahead.transferDue).toEqual([]);
    expect(await wholeTable()).toEqual(before);
    expect(await filesOf(cases.proof)).toHaveLength(1);
    await expect(invokeHandler({ dryRun: false, asOf: addYears(today, 6) })).rejects.toThrow();
    await expect(invokeHandler({ dryrun: true })).rejects.toThrow();
    expect(await wholeTable()).toEqual(before);
  }, 60_000);

  test('three years on, the parking permit is destroyed with a tombstone whose chain verifies; the others stay', async () => {
    const trail = await history(cases.parking);
    const proofBefore = await item(keys.case(cases.proof));

    const report = await job(yearsAhead(3));

    expect(report).toMatchObject({ dryRun: false, failed: [], incomplete: false, transferDue: [] });
    expect(report.destroyed.map((destroyed) => destroyed.id)).toEqual([cases.parking]);
    expect(await item(keys.case(cases.parking))).toBeUndefined();
    expect(await item(keys.caseNumber(numbers[cases.parking]!))).toBeUndefined();
    expect(await item(keys.idempotency('44021', 'retention-parking'))).toBeUndefined();
    const events = await history(cases.parking);
    expect(events.slice(0, -1)).toEqual(trail);
    expect(events.at(-1)).toMatchObject({
      action: 'case.destroyed',
      actor: { kind: 'system', component: 'apply-retention' },
      details: { tenant: '44021', rule: { type: { key: 'resident-parking-permit' }, action: 'destroy', years: 2 }, destroyed: { cases: 1, caseNumbers: 1, idempotencyKeys: 1 }, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
    });
    expect(verifyChain(events)).toBe(true);
    // The case went with the head on its item: its trail verifies up to its sealed tombstone.
    expect(await verifyTrail({ caseId: cases.parking, events, stored: 'destroyed' }, hmacAuditSeal(devAuditSealKey).verify)).toEqual({ verified: true });
    expect(await verifyTrail({ caseId: cases.parking, events: events.slice(0, -1), stored: 'destroyed' }, hmacAuditSeal(devAuditSealKey).verify)).toMatchObject({ verified: false, reason: 'missing' });
    expect(JSON.stringify(events)).not.toContain('85073003328');
    expect(JSON.stringify(events)).not.toContain('1-ABC-234');
    expect(await item(keys.case(cases.proof))).toEqual(proofBefore);
    expect(await item(keys.retentionProgress)).toMatchObject({ month: addYears(today, 3).slice(0, 7) });

    const gone = await stack.call('GET', `/v1/cases/${cases.parking}`, { token: portal });
    expectProblem(gone, 404);
  }, 60_000);

  test('six years on, the proof of residence goes with its task, its 120 waits, its number, its Idempotency-Key and its document', async () => {
    const report = await job(yearsAhead(6));

    expect(report.destroyed.map((destroyed) => destroyed.id)).toEqual([cases.proof]);
    expect(await item(keys.case(cases.proof))).toBeUndefined();
    expect(await filesOf(cases.proof)).toEqual([]);
    expect(await item(keys.caseNumber(numbers[cases.proof]!))).toBeUndefined();
    expect(await item(keys.idempotency('44021', 'retention-proof'))).toBeUndefined();
    const { Items: partition = [] } = await documents.send(
      new QueryCommand({ TableName: stack.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.case(cases.proof).PK }, ConsistentRead: true }),
    );
    // Its tasks lay in its partition too: only the trail is left there.
    expect(new Set(partition.map((stored) => stored.entity))).toEqual(new Set(['audit']));
    const events = await history(cases.proof);
    expect(events.at(-1)).toMatchObject({ action: 'case.destroyed', details: { destroyed: { tasks: 1, messageWaits: 120, documents: 1 } } });
    expect(verifyChain(events)).toBe(true);
    expect(JSON.stringify(events)).not.toContain('17073003384');
    expect((await stack.call('GET', `/v1/cases/${cases.address}`, { token: portal })).status).toBe(200);
  }, 60_000);

  test('thirty-one years on, the change of address is kept and marked for transfer to the archive; a rerun is a no-op', async () => {
    const report = await job(yearsAhead(31));

    expect(report).toMatchObject({ destroyed: [], failed: [] });
    expect(report.transferDue.map((due) => due.id)).toEqual([cases.address]);
    const kept = await item(keys.case(cases.address));
    expect(kept).toMatchObject({ status: 'withdrawn', retention: { action: 'keep', transferDueSince: yearsAhead(31).toISOString() } });
    expect(kept?.GSI7PK).toBeUndefined();
    expect(verifyChain(await history(cases.address))).toBe(true);
    expect((await stack.call('GET', `/v1/cases/${cases.address}`, { token: portal })).status).toBe(200);
    expect((await stack.call('GET', `/v1/cases/${cases.address}/history`, { token: portal })).body).toMatchObject({ verified: true });

    const before = await wholeTable();
    const again = await job(yearsAhead(31));
    expect(again).toMatchObject({ destroyed: [], transferDue: [], failed: [], incomplete: false });
    expect(await wholeTable()).toEqual(before);
  }, 60_000);
});
