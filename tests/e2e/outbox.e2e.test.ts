import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { ListExecutionsCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import type { StepFunctionsFaultProxy } from '../../infra/local/stepfunctions-fault.proxy';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * A request commits its change and the effect on the workflow in one transaction (an outbox
 * item); the dispatcher, fed by the table's stream, and the reconciler, on its timer, deliver
 * it. Step Functions failing after the commit must neither fail the request nor lose the effect.
 */
const livesInGent = '85073003328';
const livesInAalst = '17073003384';

let stack: TestStack;
let faults: StepFunctionsFaultProxy;
let sfn: SFNClient;
let portal: string;
let clerk: string;
let operator: string;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001, stepFunctionsFaults: true, reconcileIntervalMs: 500, logLevel: 'ERROR' });
  faults = stack.stepFunctionsFaults!;
  sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
  [portal, clerk, operator] = await Promise.all([
    stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' }),
    stack.token({ tenant: '44021', roles: ['clerk'], subject: 'clerk@gent' }),
    stack.token({ tenant: '44021', roles: ['operator'], subject: 'operator@gent' }),
  ]);
}, 60_000);

afterEach(() => faults.faults.clear());

afterAll(async () => {
  sfn?.destroy();
  await stack?.stop();
});

const submit = (insz: string) => stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz }, data: {} } });
const caseOf = async (id: string) => (await stack.call('GET', `/v1/cases/${id}`, { token: portal })).body;
const finalCase = (id: string) => eventually(() => caseOf(id), (current) => current?.status?.final === true, 30_000);
const faultedCount = (operation: string) => faults.faulted[operation] ?? 0;
/** Until the functions have met the fault at least `times` more times than `before`. */
const faultMet = (operation: string, before: number, times = 1) => eventually(async () => faultedCount(operation), (count) => count >= before + times, 20_000);

async function openTaskFor(caseId: string) {
  const response = await eventually(
    () => stack.call('GET', '/v1/tasks', { token: clerk }),
    (r) => Array.isArray(r.body?.items) && r.body.items.some((task: { caseId: string }) => task.caseId === caseId),
  );
  return response.body.items.find((task: { caseId: string }) => task.caseId === caseId);
}

async function executionsOf(caseId: string) {
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArns['proof-of-residence'] }));
  return executions.filter((execution) => execution.name === caseId);
}

describe('a request commits even when Step Functions fails after it', () => {
  test('a completion answers 200 while SendTaskSuccess is throttled, and the workflow gets the outcome once it passes', async () => {
    const { body: submitted } = await submit(livesInAalst);
    const task = await openTaskFor(submitted.id);
    const before = faultedCount('SendTaskSuccess');
    faults.faults.set('SendTaskSuccess', 'throttle');

    const completed = await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome: 'approve', reason: 'Seen at the desk' } });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', completion: { outcome: 'approve' } });
    // The dispatcher tried, was throttled (the SDK's own retries included) and is delivering the same record again.
    await faultMet('SendTaskSuccess', before, 4);
    expect((await caseOf(submitted.id)).status.final).toBe(false);

    faults.faults.delete('SendTaskSuccess');
    const closed = await finalCase(submitted.id);
    expect(closed.status.code).toBe('issued');
    expect(closed.decision).toMatchObject({ decidedBy: 'clerk@gent', reason: 'Seen at the desk' });
  }, 60_000);

  test('a submission answers 201 while StartExecution is throttled, and its workflow starts once it passes', async () => {
    const before = faultedCount('StartExecution');
    faults.faults.set('StartExecution', 'throttle');

    const submitted = await submit(livesInGent);
    expect(submitted.status).toBe(201);
    await faultMet('StartExecution', before, 4);
    expect(await executionsOf(submitted.body.id)).toEqual([]);
    expect((await caseOf(submitted.body.id)).status.final).toBe(false);

    faults.faults.delete('StartExecution');
    const closed = await finalCase(submitted.body.id);
    expect(closed.status.code).toBe('issued');
    expect(await executionsOf(submitted.body.id)).toHaveLength(1);
  }, 60_000);
});

describe('the reconciler', () => {
  test('starts the execution of an open case that has none (its start was acknowledged, then lost)', async () => {
    const before = faultedCount('StartExecution');
    faults.faults.set('StartExecution', 'forget');
    const submitted = await submit(livesInAalst);
    expect(submitted.status).toBe(201);
    await faultMet('StartExecution', before);
    expect(await executionsOf(submitted.body.id)).toEqual([]);

    // The outbox item counts as delivered: only the reconciler can find that the execution is missing.
    faults.faults.delete('StartExecution');
    const task = await openTaskFor(submitted.body.id);
    expect(await executionsOf(submitted.body.id)).toEqual([expect.objectContaining({ status: 'RUNNING' })]);
    const completed = await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome: 'approve' } });
    expect(completed.status).toBe(200);
    expect((await finalCase(submitted.body.id)).status.code).toBe('issued');
  }, 60_000);

  test('flags an open case whose execution was stopped outside Loket as needing attention', async () => {
    const { body: submitted } = await submit(livesInAalst);
    await openTaskFor(submitted.id);
    const [execution] = await executionsOf(submitted.id);
    await sfn.send(new StopExecutionCommand({ executionArn: execution!.executionArn, cause: 'stopped in the console' }));

    const flagged = await eventually(() => caseOf(submitted.id), (current) => current?.attention !== undefined, 20_000);
    expect(flagged.status.final).toBe(false);
    expect(flagged.attention).toMatchObject({ reason: expect.stringContaining('aborted') });

    const history = await stack.call('GET', `/v1/cases/${submitted.id}/history`, { token: operator });
    expect(history.status).toBe(200);
    expect(history.body.verified).toBe(true);
    const flags = history.body.items.filter((event: { action: string }) => event.action === 'case.needs-attention');
    // Flagged once, however often the reconciler has run since.
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ actor: { kind: 'system' } });

    const listed = await stack.call('GET', '/v1/operations/cases?attention=true', { token: operator });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(submitted.id);
  }, 60_000);
});
