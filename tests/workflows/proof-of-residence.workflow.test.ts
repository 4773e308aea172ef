import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

const livesInGent = '85073003328';
const livesInAalst = '17073003384';

interface Fault {
  readonly functionName: string;
  /** How many more invocations fail; -1 fails for ever. */
  remaining: number;
  readonly error: string;
}

/** Faults by case id; a fault armed before a submission binds to the first case that calls its function. */
const faults = new Map<string, Fault>();
let armed: Fault | undefined;
/** How many times each step function was invoked for each case, failed attempts included. */
const invocations = new Map<string, number>();
const invocationsOf = (caseId: string, functionName: string) => invocations.get(`${caseId} ${functionName}`) ?? 0;

function injectFault(functionName: string, payload: unknown): void {
  const caseId = (payload as { caseId?: string } | undefined)?.caseId;
  if (!caseId) return;
  const name = functionName.slice(functionName.lastIndexOf(':loket-') + ':loket-'.length);
  invocations.set(`${caseId} ${name}`, invocationsOf(caseId, name) + 1);
  if (armed && functionName.endsWith(`:loket-${armed.functionName}`) && !faults.has(caseId)) {
    faults.set(caseId, armed);
    armed = undefined;
  }
  const fault = faults.get(caseId);
  if (!fault || !functionName.endsWith(`:loket-${fault.functionName}`) || fault.remaining === 0) return;
  fault.remaining -= 1;
  const error = new Error(`injected ${fault.error}`);
  error.name = fault.error;
  throw error;
}

/** Runs every path of the proof-of-residence workflow on the local engine, through the API a portal uses. */
describe('proof-of-residence workflow', () => {
  let stack: TestStack;
  let sfn: SFNClient;
  let portal: string;
  let clerk: string;

  beforeAll(async () => {
    stack = await startTestStack({ timeScale: 1e-3, injectFault });
    sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
    portal = await stack.token({ tenant: '44021', roles: ['portal'] });
    clerk = await stack.token({ tenant: '44021', roles: ['clerk'], subject: 'clerk@gent' });
  }, 60_000);

  afterAll(async () => {
    sfn?.destroy();
    await stack?.stop();
  });

  async function submit(insz: string, fault?: Fault) {
    armed = fault ? { ...fault } : undefined;
    const response = await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz }, data: {} } });
    expect(response.status).toBe(201);
    return response.body as { id: string };
  }

  const finalCase = async (id: string) =>
    (await eventually(() => stack.call('GET', `/v1/cases/${id}`, { token: portal }), (r) => r.body?.status?.final === true)).body;

  async function settledExecution(caseId: string) {
    const executionArn = `${stack.stateMachineArns['proof-of-residence']!.replace(':stateMachine:', ':execution:')}:${caseId}`;
    // The outbox starts the execution shortly after the submission: until then it does not exist.
    const execution = await eventually(
      () => sfn.send(new DescribeExecutionCommand({ executionArn })).catch(() => undefined),
      (e) => e !== undefined && e.status !== 'RUNNING',
    ).then((e) => e!);
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    return { execution, events };
  }

  /**
   * The states an execution entered. The current version takes no moved cases, so its executions
   * begin at the workflow's own start, without the migration entry (functions/domain/migration).
   */
  const enteredStates = (events: HistoryEvent[]) => events.map((e) => e.stateEnteredEventDetails?.name).filter((name): name is string => name !== undefined);

  test('straight through: register confirms residence, certificate issued', async () => {
    const submitted = await submit(livesInGent);
    const closed = await finalCase(submitted.id);
    expect(closed.status.code).toBe('issued');
    // The Choice's rule wrote the register's decision as the review the certificate step takes (version 2).
    expect(closed.decision).toMatchObject({ outcome: 'issued', decidedBy: 'system:population-register', reason: "The population register confirms the applicant's residence." });
    const { execution, events } = await settledExecution(submitted.id);
    expect(execution.status).toBe('SUCCEEDED');
    expect(enteredStates(events)).toEqual(['LookUpApplicant', 'ResidesInTenant', 'IssueCertificate']);
  });

  test.each([
    ['approve', 'issued'],
    ['reject', 'rejected'],
  ])('a clerk who completes the task with %s closes the case as %s', async (outcome, status) => {
    const submitted = await submit(livesInAalst);
    const inbox = await eventually(
      () => stack.call('GET', '/v1/tasks', { token: clerk }),
      (r) => r.body.items.some((t: { caseId: string }) => t.caseId === submitted.id),
    );
    const task = inbox.body.items.find((t: { caseId: string }) => t.caseId === submitted.id);
    expect((await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome } })).status).toBe(200);
    expect((await finalCase(submitted.id)).status.code).toBe(status);
    const { execution, events } = await settledExecution(submitted.id);
    expect(execution.status).toBe('SUCCEEDED');
    expect(enteredStates(events)).toContain(outcome === 'approve' ? 'IssueCertificate' : 'RecordRejected');
  });

  test('a transient Lambda failure of a step is retried and the case still completes', async () => {
    const submitted = await submit(livesInGent, { functionName: 'look-up-person', remaining: 2, error: 'Lambda.ServiceException' });
    expect((await finalCase(submitted.id)).status.code).toBe('issued');
    const { execution, events } = await settledExecution(submitted.id);
    expect(execution.status).toBe('SUCCEEDED');
    // The Retry stays within the state: entered once, the same path as without the fault.
    expect(enteredStates(events)).toEqual(['LookUpApplicant', 'ResidesInTenant', 'IssueCertificate']);
    // Two attempts failed with the injected error, and the third answered.
    const failedAttempts = events
      .map((e) => e.taskFailedEventDetails?.error ?? e.lambdaFunctionFailedEventDetails?.error)
      .filter((error): error is string => error !== undefined);
    expect(failedAttempts).toEqual(['Lambda.ServiceException', 'Lambda.ServiceException']);
    expect(invocationsOf(submitted.id, 'look-up-person')).toBe(3);
    expect(faults.get(submitted.id)?.remaining).toBe(0);
  });

  const currentStatus = async (id: string) => (await stack.call('GET', `/v1/cases/${id}`, { token: portal })).body.status.code as string;

  test('a step that still fails with a transient error after its retries fails the execution there and leaves the case open; a redrive completes it', async () => {
    // One attempt and four retries fail; a sixth attempt would answer.
    const submitted = await submit(livesInGent, { functionName: 'issue-certificate', remaining: 5, error: 'TransientError' });
    const { execution, events } = await settledExecution(submitted.id);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('TransientError');
    // Failed at the step itself: no failure path ran, so the case is open where it was.
    expect(enteredStates(events)).toEqual(['LookUpApplicant', 'ResidesInTenant', 'IssueCertificate']);
    expect(events.at(-1)?.type).toBe('ExecutionFailed');
    expect(await currentStatus(submitted.id)).toBe('submitted');
    expect(invocationsOf(submitted.id, 'issue-certificate')).toBe(5);

    await sfn.send(new RedriveExecutionCommand({ executionArn: execution.executionArn }));
    expect((await finalCase(submitted.id)).status.code).toBe('issued');
    const redriven = await eventually(
      () => sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn })),
      (e) => e.status !== 'RUNNING',
    );
    expect(redriven.status).toBe('SUCCEEDED');
    expect(redriven.redriveCount).toBe(1);
  });

  test('a Lambda service error that outlasts the retries leaves the case open too', async () => {
    const submitted = await submit(livesInGent, { functionName: 'issue-certificate', remaining: -1, error: 'Lambda.ServiceException' });
    const { execution, events } = await settledExecution(submitted.id);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Lambda.ServiceException');
    expect(enteredStates(events)).not.toContain('RecordFailed');
    expect(await currentStatus(submitted.id)).toBe('submitted');
  });

  test('a step that refuses the case closes it as failed, and the case view and the audit trail name the state, the error and its cause', async () => {
    const submitted = await submit(livesInGent, { functionName: 'issue-certificate', remaining: -1, error: 'DomainError' });
    const closed = await finalCase(submitted.id);
    expect(closed.status.code).toBe('failed');
    expect(closed.failure).toEqual({ state: 'IssueCertificate', error: 'DomainError', cause: 'injected DomainError' });
    const { execution, events } = await settledExecution(submitted.id);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('CaseFailed');
    expect(enteredStates(events)).toEqual(expect.arrayContaining(['IssueCertificate', 'RecordFailed', 'CaseFailed']));
    // Refused once: a case error is not retried.
    expect(invocationsOf(submitted.id, 'issue-certificate')).toBe(1);
    const history = await stack.call('GET', `/v1/cases/${submitted.id}/history`, { token: portal });
    const failed = history.body.items.find((e: { details?: { to?: string } }) => e.details?.to === 'failed');
    expect(failed.details).toMatchObject({ failedState: 'IssueCertificate', error: 'DomainError', cause: 'injected DomainError' });
  });
});
