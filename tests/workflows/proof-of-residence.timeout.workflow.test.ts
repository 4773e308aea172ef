import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * Its own file, because a stack is one per process (handlers keep their clients, as a warm
 * Lambda does): here the time scale turns the task's ten-day timeout into under a second.
 */
let stack: TestStack;
let sfn: SFNClient;

beforeAll(async () => {
  // 1e-5: the execution's own timeout (its 20 days) comes seconds, not a fraction of one, after the task's expiry, so slow steps on a loaded machine do not reach it first.
  stack = await startTestStack({ timeScale: 1e-5 });
  sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
}, 60_000);

afterAll(async () => {
  sfn?.destroy();
  await stack?.stop();
});

test('a clerk who does not act in time lets the case expire and cancels the task', async () => {
  const portal = await stack.token({ tenant: '44021', roles: ['portal'] });
  const clerk = await stack.token({ tenant: '44021', roles: ['clerk'] });
  const submitted = await stack.call('POST', '/v1/cases', {
    token: portal,
    body: { type: 'proof-of-residence', applicant: { insz: '17073003384' }, data: {} },
  });
  expect(submitted.status).toBe(201);
  const closed = (
    await eventually(() => stack.call('GET', `/v1/cases/${submitted.body.id}`, { token: portal }), (r) => r.body?.status?.final === true)
  ).body;
  expect(closed.status.code).toBe('expired');
  expect(closed.openTasks).toEqual([]);

  const cancelled = await stack.call('GET', '/v1/tasks?status=cancelled', { token: clerk });
  expect(cancelled.body.items.map((t: { caseId: string }) => t.caseId)).toContain(submitted.body.id);

  const executionArn = `${stack.stateMachineArns['proof-of-residence']!.replace(':stateMachine:', ':execution:')}:${submitted.body.id}`;
  const execution = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (e) => e.status !== 'RUNNING');
  expect(execution.status).toBe('SUCCEEDED');
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  const entered = events.map((e) => e.stateEnteredEventDetails?.name).filter(Boolean);
  expect(entered).toEqual(expect.arrayContaining(['VerifyResidence', 'RecordExpired']));
});
