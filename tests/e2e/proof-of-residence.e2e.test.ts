import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SignJWT } from 'jose';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { devAudience, devIssuer, generateDevSigningKey, signDevToken } from '../../infra/local/dev-keys';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

const livesInGent = '85073003328';
const livesInAalst = '17073003384';

let stack: TestStack;
let portalGent: string;
let clerkGent: string;
let portalAalst: string;
let clerkAalst: string;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001 });
  [portalGent, clerkGent, portalAalst, clerkAalst] = await Promise.all([
    stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' }),
    stack.token({ tenant: '44021', roles: ['clerk'], subject: 'clerk@gent' }),
    stack.token({ tenant: '41002', roles: ['portal'], subject: 'portal@aalst' }),
    stack.token({ tenant: '41002', roles: ['clerk'], subject: 'clerk@aalst' }),
  ]);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const submit = (token: string, insz: string, data: Record<string, unknown> = {}) =>
  stack.call('POST', '/v1/cases', { token, body: { type: 'proof-of-residence', applicant: { insz }, data } });

const caseOf = (token: string, id: string) => stack.call('GET', `/v1/cases/${id}`, { token });

const finalCase = async (token: string, id: string) =>
  (await eventually(() => caseOf(token, id), (response) => response.body?.status?.final === true)).body;

async function openTaskFor(caseId: string) {
  const response = await eventually(
    () => stack.call('GET', '/v1/tasks', { token: clerkGent }),
    (r) => Array.isArray(r.body?.items) && r.body.items.some((task: { caseId: string }) => task.caseId === caseId),
  );
  return response.body.items.find((task: { caseId: string }) => task.caseId === caseId);
}

/**
 * What a submission writes, and nothing else does: cases, case numbers, Idempotency-Key records and
 * the number counters' values. Earlier tests' workflows go on writing (statuses, outbox items, the
 * processing log) while these tests run, so counting every item raced them; none of them makes a
 * case, a number or a key record.
 */
async function submissionWrites(): Promise<Record<string, number>> {
  const client = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: localRegion, credentials: localCredentials });
  const found = { cases: 0, caseNumbers: 0, idempotencyRecords: 0, numbersGiven: 0 };
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: stack.tableName, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      const pk = item.PK?.S ?? '';
      if (item.entity?.S === 'case') found.cases += 1;
      if (pk.startsWith('CASENO#')) found.caseNumbers += 1;
      if (pk.startsWith('IDEMPOTENCY#')) found.idempotencyRecords += 1;
      if (pk.startsWith('COUNTER#')) found.numbersGiven += Number(item.last?.N ?? 0);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  client.destroy();
  return found;
}

async function executionCount(): Promise<number> {
  const client = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
  const { executions = [] } = await client.send(
    new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArns['proof-of-residence'] }),
  );
  client.destroy();
  return executions.length;
}

describe('the public edge', () => {
  test('health answers without a token', async () => {
    const response = await stack.call('GET', '/v1/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok' });
  });

  test('a protected route without a token is 401, as the JWT authorizer answers', async () => {
    const response = await stack.call('GET', '/v1/transaction-types');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  test('a tampered token is 401', async () => {
    const [header, payload, signature] = portalGent.split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, tenant: '41002' })).toString('base64url');
    const response = await stack.call('GET', '/v1/transaction-types', { token: `${header}.${forged}.${signature}` });
    expect(response.status).toBe(401);
  });

  test('a token signed by another key, for another audience, or expired is 401', async () => {
    const { key: strangerKey } = await generateDevSigningKey('stranger');
    const stranger = await signDevToken(strangerKey, { tenant: '44021', roles: ['portal'] });
    const wrongAudience = await stack.token({ tenant: '44021', roles: ['portal'], audience: 'another-api' });
    const expired = await new SignJWT({ tenant: '44021', roles: ['portal'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'loket-dev' })
      .setSubject('late')
      .setIssuer(devIssuer)
      .setAudience(devAudience)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 600)
      .sign(stack.signingKey.privateKey);
    for (const token of [stranger, wrongAudience, expired]) {
      expect((await stack.call('GET', '/v1/transaction-types', { token })).status).toBe(401);
    }
  });

  test('an unknown route is 404', async () => {
    expect((await stack.call('GET', '/v1/nothing-here', { token: portalGent })).status).toBe(404);
  });
});

describe('the catalogue', () => {
  test('lists proof-of-residence with its titles', async () => {
    const response = await stack.call('GET', '/v1/transaction-types', { token: portalGent });
    expect(response.status).toBe(200);
    expect(response.body.items.map((type: { key: string }) => type.key)).toContain('proof-of-residence');
  });

  test('shows one type with its input schema, statuses in both languages and an example', async () => {
    const response = await stack.call('GET', '/v1/transaction-types/proof-of-residence', { token: portalGent });
    expect(response.status).toBe(200);
    expect(response.body.inputSchema.properties).toHaveProperty('purpose');
    expect(response.body.statuses.find((s: { code: string }) => s.code === 'issued').citizenText).toEqual({
      nl: expect.any(String),
      en: expect.any(String),
    });
    expect(response.body.example.applicant).toEqual({ insz: livesInGent });
  });

  test('an unknown type is a 404 problem', async () => {
    const response = await stack.call('GET', '/v1/transaction-types/no-such-type', { token: portalGent });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('proof of residence, end to end', () => {
  test('a resident of the tenant gets the certificate straight through', async () => {
    const response = await submit(portalGent, livesInGent, { purpose: 'school registration', language: 'en' });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/cases/${response.body.id}`);
    expect(response.body.number).toMatch(/^44021-\d{4}-\d{6}$/);
    expect(response.body.status.code).toBe('submitted');

    const closed = await finalCase(portalGent, response.body.id);
    expect(closed.status.code).toBe('issued');
    expect(closed.decision).toMatchObject({ outcome: 'issued', decidedBy: 'system:population-register' });
    expect(closed.documents[0]).toMatchObject({ kind: 'certificate', language: 'en', reference: closed.number });
    expect(closed.documents[0].text.nl).toContain('Voorbeeldstraat 1, 9000 Gent');
    expect(closed.openTasks).toEqual([]);
    await eventually(
      async () => stack.events.filter((e) => (e.detail as { caseId: string }).caseId === closed.id),
      (events) => events.length === 1,
    );
    expect(stack.events.find((e) => (e.detail as { caseId: string }).caseId === closed.id)).toMatchObject({
      source: 'loket.cases',
      detailType: 'CaseClosed.v1',
      detail: { status: 'issued', tenant: '44021', type: 'proof-of-residence' },
    });
  });

  test('the status text follows Accept-Language, Dutch by default', async () => {
    const { body } = await submit(portalGent, livesInGent);
    const dutch = await caseOf(portalGent, body.id);
    const english = await stack.call('GET', `/v1/cases/${body.id}`, { token: portalGent, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(dutch.body.status.text).not.toEqual(english.body.status.text);
    expect(english.body.status.text).toMatch(/[a-z]/);
  });

  test('someone living elsewhere waits for a clerk, who approves', async () => {
    const { body: submitted } = await submit(portalGent, livesInAalst);
    const task = await openTaskFor(submitted.id);
    expect(task).toMatchObject({ caseId: submitted.id, name: 'verify-residence', role: 'clerk', outcomes: ['approve', 'reject'] });
    expect(Date.parse(task.dueAt)).toBeGreaterThan(Date.now());
    expect(task).not.toHaveProperty('token');
    expect((await caseOf(portalGent, submitted.id)).body.status.code).toBe('under-review');

    const completed = await stack.call('POST', `/v1/tasks/${task.id}/complete`, {
      token: clerkGent,
      body: { outcome: 'approve', reason: 'Moved last week; registration pending' },
    });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', completion: { outcome: 'approve', by: 'clerk@gent' } });

    const closed = await finalCase(portalGent, submitted.id);
    expect(closed.status.code).toBe('issued');
    expect(closed.decision).toMatchObject({ decidedBy: 'clerk@gent', reason: 'Moved last week; registration pending' });

    // A retry of the same completion by the same clerk is answered the same; another completion is a conflict.
    const again = await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerkGent, body: { outcome: 'approve' } });
    expect(again.status).toBe(200);
    expect(again.body.completion).toMatchObject({ outcome: 'approve' });
    const other = await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerkGent, body: { outcome: 'reject' } });
    expect(other.status).toBe(409);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
  });

  test('a clerk who rejects closes the case as rejected', async () => {
    const { body: submitted } = await submit(portalGent, livesInAalst);
    const task = await openTaskFor(submitted.id);
    const completed = await stack.call('POST', `/v1/tasks/${task.id}/complete`, {
      token: clerkGent,
      body: { outcome: 'reject', reason: 'Not living here' },
    });
    expect(completed.status).toBe(200);
    const closed = await finalCase(portalGent, submitted.id);
    expect(closed.status.code).toBe('rejected');
    expect(closed.decision).toMatchObject({ outcome: 'rejected', decidedBy: 'clerk@gent', reason: 'Not living here' });
    expect(closed.documents).toEqual([]);
  });

  test('an outcome the task does not allow is a 400 naming the field, and the task stays open', async () => {
    const { body: submitted } = await submit(portalGent, livesInAalst);
    const task = await openTaskFor(submitted.id);
    const response = await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerkGent, body: { outcome: 'maybe' } });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'outcome' })]);
    expect((await openTaskFor(submitted.id)).status).toBe('open');
  });
});

describe('the issued document', () => {
  /** Downloads as a client would: the body is bytes, not JSON. */
  const download = async (token: string, caseId: string, reference: string) => {
    const response = await fetch(`${stack.apiUrl}/v1/cases/${caseId}/documents/${encodeURIComponent(reference)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  test('is a PDF in the document store whose SHA-256 the case records, for whoever may read the case', async () => {
    const { body: submitted } = await submit(portalGent, livesInGent, { purpose: 'school registration' });
    const closed = await finalCase(portalGent, submitted.id);
    const [document] = closed.documents;
    expect(document.file).toEqual({
      key: `documents/44021/${closed.id}/${closed.number}.pdf`,
      contentType: 'application/pdf',
      size: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    for (const token of [portalGent, clerkGent]) {
      const pdf = await download(token, closed.id, document.reference);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="${closed.number}.pdf"`);
      expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.bytes.length).toBe(document.file.size);
      expect(createHash('sha256').update(pdf.bytes).digest('hex')).toBe(document.file.sha256);
    }
  });

  test("another tenant, an unknown reference or a case without documents is a 404", async () => {
    const { body: submitted } = await submit(portalGent, livesInGent);
    const closed = await finalCase(portalGent, submitted.id);
    const reference = closed.documents[0].reference;
    const foreign = await download(portalAalst, closed.id, reference);
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toBe('application/problem+json');
    expect((await download(clerkAalst, closed.id, reference)).status).toBe(404);
    expect((await download(portalGent, closed.id, '44021-1999-000001')).status).toBe(404);

    const { body: waiting } = await submit(portalGent, livesInAalst);
    expect((await download(portalGent, waiting.id, waiting.number)).status).toBe(404);
  });
});

describe('tenants and roles', () => {
  test("another tenant's case is a 404, exactly like a missing one", async () => {
    const { body: submitted } = await submit(portalGent, livesInGent);
    const foreign = await caseOf(portalAalst, submitted.id);
    const missing = await caseOf(portalAalst, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.body.detail).toBe(missing.body.detail.replace('01ARZ3NDEKTSV4RRFFQ69G5FAV', submitted.id));
  });

  test("another tenant's task is invisible and cannot be completed", async () => {
    const { body: submitted } = await submit(portalGent, livesInAalst);
    const task = await openTaskFor(submitted.id);
    const inbox = await stack.call('GET', '/v1/tasks', { token: clerkAalst });
    expect(inbox.body.items.map((t: { id: string }) => t.id)).not.toContain(task.id);
    const response = await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerkAalst, body: { outcome: 'approve' } });
    expect(response.status).toBe(404);
  });

  test('a clerk may not submit and a portal may not work tasks', async () => {
    expect((await submit(clerkGent, livesInGent)).status).toBe(403);
    expect((await stack.call('GET', '/v1/tasks', { token: portalGent })).status).toBe(403);
  });
});

describe('bad input changes nothing', () => {
  const cases: Array<[string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, string | undefined, number?]> = [
    ['an INSZ with wrong check digits', { body: { type: 'proof-of-residence', applicant: { insz: '85073003327' }, data: {} } }, 'applicant.insz'],
    ['an unknown type', { body: { type: 'dog-licence', applicant: { insz: livesInGent }, data: {} } }, 'type'],
    ['data outside the schema', { body: { type: 'proof-of-residence', applicant: { insz: livesInGent }, data: { language: 'fr' } } }, 'data.language'],
    ['an unknown field', { body: { type: 'proof-of-residence', applicant: { insz: livesInGent }, data: {}, tenant: '41002' } }, 'tenant'],
    ['a business for a citizen-only type', { body: { type: 'proof-of-residence', applicant: { kbo: '0123456749' }, data: {} } }, 'applicant'],
    ['malformed JSON', { rawBody: '{"type": "proof-of-residence",' }, undefined],
    ['a wrong content type', { rawBody: 'type=proof-of-residence', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, undefined, 415],
    ['an oversized body', { rawBody: JSON.stringify({ type: 'proof-of-residence', applicant: { insz: livesInGent }, data: { purpose: 'x'.repeat(70_000) } }) }, undefined, 413],
  ];

  test.each(cases)('%s is a 4xx problem and writes nothing', async (_name, request, path, status = 400) => {
    const writtenBefore = await submissionWrites();
    const executionsBefore = await executionCount();
    const response = await stack.call('POST', '/v1/cases', { token: portalGent, ...request });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    if (path) expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await submissionWrites()).toEqual(writtenBefore);
    expect(await executionCount()).toBe(executionsBefore);
  });
});
