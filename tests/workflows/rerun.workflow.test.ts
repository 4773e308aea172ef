import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { allTaskRoles } from '../support/case-driver';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * A workflow that is started again for a case (after a crash of the local engine, or a
 * redrive on AWS) must not undo or repeat what the case already went through: statuses it
 * reached are not entered again, answered tasks are not asked again, received messages are
 * not awaited again.
 */
let stack: TestStack;
let sfn: SFNClient;
let portal: string;
let worker: string;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.01, maxWaitSeconds: 0.05 });
  sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
  portal = await stack.token({ tenant: '44021', roles: ['portal'] });
  worker = await stack.token({ tenant: '44021', roles: allTaskRoles });
}, 60_000);

afterAll(async () => {
  sfn?.destroy();
  await stack?.stop();
});

const getCase = async (id: string) => (await stack.call('GET', `/v1/cases/${id}`, { token: portal })).body;
const until = (id: string, done: (c: any) => boolean) => eventually(() => getCase(id), done);

/** Loses the case's execution and starts the workflow again under another name, with the input submission gave it. */
async function rerun(typeKey: string, current: any): Promise<void> {
  const stateMachineArn = stack.stateMachineArns[typeKey]!;
  await sfn.send(new StopExecutionCommand({ executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${current.id}` }));
  const input = { caseId: current.id, tenant: '44021', type: typeKey, applicant: current.applicant, data: current.data };
  await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `${current.id}-rerun`, input: JSON.stringify(input) }));
}

/** The re-run workflow has reached the task again and handed it its new token. */
const reissued = (id: string) =>
  eventually(
    () => stack.call('GET', `/v1/cases/${id}/history`, { token: portal }),
    (r) => r.body.items.some((e: { action: string }) => e.action === 'task.reissued'),
  );

const complete = async (taskId: string, outcome: string) =>
  expect((await stack.call('POST', `/v1/tasks/${taskId}/complete`, { token: worker, body: { outcome } })).status).toBe(200);

test('a paid parking permit under review is not asked to pay again and goes on to granted', async () => {
  const { body } = await stack.call('POST', '/v1/cases', {
    token: portal,
    body: { type: 'resident-parking-permit', applicant: { insz: '85073003328' }, data: { licensePlate: '1-ABC-234' } },
  });
  await until(body.id, (c) => c.awaitingMessages.length === 1);
  await stack.call('POST', `/v1/cases/${body.id}/messages`, { token: portal, body: { name: 'payment-received', data: { amount: 35, reference: 'PAY-R' } } });
  const reviewing = await until(body.id, (c) => c.openTasks.length === 1);
  const firstTask = reviewing.openTasks[0];

  await rerun('resident-parking-permit', reviewing);
  await reissued(body.id);
  const resumed = await getCase(body.id);
  expect(resumed.status.code).toBe('under-review');
  expect(resumed.awaitingMessages).toEqual([]);
  expect(resumed.openTasks[0].id).toBe(firstTask.id);

  await complete(firstTask.id, 'approve');
  const closed = await until(body.id, (c) => c.status.final);
  expect(closed.status.code).toBe('granted');
  expect(closed.statusHistory.map((s: { status: string }) => s.status)).toEqual(['submitted', 'awaiting-payment', 'under-review', 'granted']);
});

test('an event permit whose advice was given is not sent for advice again', async () => {
  const { body } = await stack.call('POST', '/v1/cases', {
    token: portal,
    body: { type: 'event-permit', applicant: { kbo: '0999000129' }, data: { eventName: 'Rerun', location: 'Gent', date: '2027-06-12', expectedVisitors: 100 } },
  });
  const advising = await until(body.id, (c) => c.openTasks.length === 3);
  for (const task of advising.openTasks) await complete(task.id, 'no-objection');
  const deciding = await until(body.id, (c) => c.status.code === 'awaiting-decision' && c.openTasks.length === 1);

  await rerun('event-permit', deciding);
  await reissued(body.id);
  const resumed = await getCase(body.id);
  expect(resumed.openTasks[0].name).toBe('college-decision');
  await complete(resumed.openTasks[0].id, 'grant');
  const closed = await until(body.id, (c) => c.status.final);
  expect(closed.status.code).toBe('granted');
  const history = await stack.call('GET', `/v1/cases/${body.id}/history`, { token: portal });
  expect(history.body.verified).toBe(true);
  expect(history.body.items.filter((e: { action: string }) => e.action === 'task.created')).toHaveLength(4);
});
