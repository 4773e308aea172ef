import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DescribeExecutionCommand, DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * Its own file, because a stack is one per process. A day lasts 0.86 s here: the parking
 * permit's 30-day payment window 26 s, its 14-day review 12 s, its execution timeout
 * (139 days) 2 min. At 1e-6 (a day of 86 ms) the late payment's 6-day margin was half a
 * second, and on a loaded machine the window closed first (a 409).
 */
const timeScale = 1e-5;
const dayMs = 86_400_000 * timeScale;
let stack: TestStack;
let sfn: SFNClient;

beforeAll(async () => {
  stack = await startTestStack({ timeScale });
  sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
}, 60_000);

afterAll(async () => {
  sfn?.destroy();
  await stack?.stop();
});

test('a case suspended while its workflow waits as long as its timers allow is not timed out: it ends in its own final status', async () => {
  const portal = await stack.token({ tenant: '44021', roles: ['portal'] });
  const clerk = await stack.token({ tenant: '44021', roles: ['clerk'] });
  const submitted = await stack.call('POST', '/v1/cases', {
    token: portal,
    body: { type: 'resident-parking-permit', applicant: { insz: '85073003328' }, data: { licensePlate: '1-ABC-234', zone: 'Centrum' } },
  });
  expect(submitted.status).toBe(201);
  const id = submitted.body.id as string;
  const startedAt = Date.now();
  await eventually(() => stack.call('GET', `/v1/cases/${id}`, { token: portal }), (r) => r.body?.status?.code === 'awaiting-payment');
  expect((await stack.call('POST', `/v1/cases/${id}/suspend`, { token: clerk, body: { reason: 'waiting for the applicant' } })).status).toBe(200);

  // The payment arrives late in its window, and the review is then left to expire: the longest the workflow waits.
  await new Promise((resolve) => setTimeout(resolve, 24 * dayMs));
  const paid = await stack.call('POST', `/v1/cases/${id}/messages`, { token: portal, body: { name: 'payment-received', data: { amount: 25, reference: 'late' } } });
  expect(paid.status).toBeLessThan(300);
  const closed = (await eventually(() => stack.call('GET', `/v1/cases/${id}`, { token: portal }), (r) => r.body?.status?.final === true, 60_000)).body;
  expect(closed.status.code).toBe('expired');

  const executionArn = `${stack.stateMachineArns['resident-parking-permit']!.replace(':stateMachine:', ':execution:')}:${id}`;
  const execution = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (e) => e.status !== 'RUNNING');
  expect(execution.status).toBe('SUCCEEDED');
  // It ran the workflow's longest course, suspended throughout, inside the execution's timeout.
  const ranDays = (Date.now() - startedAt) / dayMs;
  expect(ranDays).toBeGreaterThan(24 + 14);
  const { definition } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.stateMachineArns['resident-parking-permit']! }));
  const timeoutDays = (JSON.parse(definition!) as { TimeoutSeconds: number }).TimeoutSeconds / 86_400;
  expect(timeoutDays).toBe(139);
  expect(ranDays).toBeLessThan(timeoutDays);
}, 150_000);
