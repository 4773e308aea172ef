import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * The README's runbook (Operations: "Finding stuck and failed cases", "Recovering them"),
 * exercised on the local stack with exactly the API calls it documents, by an operator's token.
 */

const livesInGent = '85073003328';
let stack: TestStack;
let portal: string;
let operator: string;
/** While set, the issue-certificate step fails with this error, before it runs (a bug, fixed since). */
let issueFault: string | undefined;

beforeAll(async () => {
  stack = await startTestStack({
    timeScale: 0.001,
    maxWaitSeconds: 1,
    s3ErrorRate: 0,
    reconcileIntervalMs: 500,
    injectFault: (functionName) => {
      if (!functionName.includes('issue-certificate')) return;
      if (issueFault) throw Object.assign(new Error('the certificate template could not be read'), { name: issueFault });
    },
  });
  [portal, operator] = await Promise.all([
    stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' }),
    stack.token({ tenant: '44021', roles: ['operator'], subject: 'operator@provincie' }),
  ]);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const submit = async () => {
  const response = await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz: livesInGent }, data: { purpose: 'school registration' } } });
  expect(response.status).toBe(201);
  return response.body.id as string;
};
const caseOf = async (id: string) => (await stack.call('GET', `/v1/cases/${id}`, { token: operator })).body;
const historyOf = async (id: string) => (await stack.call('GET', `/v1/cases/${id}/history`, { token: operator })).body;
const finalStatusOf = async (id: string, timeoutMs = 60_000) => (await eventually(() => caseOf(id), (found) => found?.status?.final === true, timeoutMs)).status.code as string;

/** The README's "find" step: the operator's attention list. */
const attentionList = async () => (await stack.call('GET', '/v1/operations/cases?attention=true', { token: operator })).body.items as Array<{ id: string; attention: { reason: string } }>;

describe('the runbook, on the local stack', () => {
  test('a case whose step keeps failing on the document store (S3) stays open, is found on the attention list, redriven once S3 is back, and issued', async () => {
    stack.s3Faults!.errorRate = 1;
    const id = await submit();
    // Find: the reconciler flags the open case whose execution failed.
    const listed = await eventually(attentionList, (items) => items.some((item) => item.id === id), 90_000);
    const entry = listed.find((item) => item.id === id)!;
    // The step's retries gave up on a TransientError: the execution failed at that step, the case is open.
    expect(entry.attention.reason).toBe('execution failed (TransientError)');
    expect((await caseOf(id)).status.final).toBe(false);

    // Recover: fix the cause, then POST /v1/cases/{id}/redrive with a reason.
    stack.s3Faults!.errorRate = 0;
    const redriven = await stack.call('POST', `/v1/cases/${id}/redrive`, { token: operator, body: { reason: 'The document store was unavailable; it is back' } });
    expect(redriven.status).toBe(202);
    expect(await finalStatusOf(id)).toBe('issued');
    await eventually(attentionList, (items) => !items.some((item) => item.id === id));
    const closed = await caseOf(id);
    expect(closed.attention).toBeUndefined();
    const history = await historyOf(id);
    expect(history.verified).toBe(true);
    expect(history.items.map((event: { action: string }) => event.action)).toEqual(expect.arrayContaining(['case.needs-attention', 'case.redriven']));
    expect(history.items.find((event: { action: string }) => event.action === 'case.redriven')).toMatchObject({
      reason: 'The document store was unavailable; it is back',
      details: { execution: 'failed', attentionCleared: 'execution failed (TransientError)' },
    });
  }, 180_000);

  test('a case closed failed by mistake is found by status, reopened with a reason, and reaches its final status on a new execution', async () => {
    // A bug in the step (a TypeError is the case's own failure to the workflow): the catch closes the case 'failed'.
    issueFault = 'TypeError';
    const id = await submit();
    expect(await finalStatusOf(id)).toBe('failed');
    issueFault = undefined;

    // Find: closed cases are not on the attention list; they are listed by status.
    expect((await attentionList()).some((item) => item.id === id)).toBe(false);
    const failed = await stack.call('GET', '/v1/cases?status=failed', { token: operator });
    expect(failed.status).toBe(200);
    expect(failed.body.items.map((item: { id: string }) => item.id)).toContain(id);

    // Recover: POST /v1/cases/{id}/reopen with a reason.
    const reopened = await stack.call('POST', `/v1/cases/${id}/reopen`, { token: operator, body: { reason: 'The certificate template was broken; fixed in release 42' } });
    expect(reopened.status).toBe(202);
    // The register confirms the residence: the case was `submitted` when its issuing step failed.
    expect(reopened.body.status).toMatchObject({ code: 'submitted', final: false });
    expect(await finalStatusOf(id)).toBe('issued');

    const history = await historyOf(id);
    expect(history.verified).toBe(true);
    expect(history.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'case.reopened', reason: 'The certificate template was broken; fixed in release 42', details: expect.objectContaining({ from: 'failed', to: 'submitted', execution: `${id}-2` }) }),
      ]),
    );
    const statuses = history.items.filter((event: { action: string }) => event.action === 'case.status-changed').map((event: { details: { to: string } }) => event.details.to);
    expect(statuses.slice(-1)).toEqual(['issued']);

    // Only a case closed `failed` reopens.
    const again = await stack.call('POST', `/v1/cases/${id}/reopen`, { token: operator, body: { reason: 'again' } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  }, 180_000);

  test('reopening needs the operator role and a reason, and writes nothing otherwise', async () => {
    const id = await submit();
    await finalStatusOf(id);
    const before = (await historyOf(id)).items.length;
    expect((await stack.call('POST', `/v1/cases/${id}/reopen`, { token: portal, body: { reason: 'x' } })).status).toBe(403);
    const noReason = await stack.call('POST', `/v1/cases/${id}/reopen`, { token: operator, body: {} });
    expect(noReason.status).toBe(400);
    expect((await historyOf(id)).items.length).toBe(before);
  }, 120_000);
});
