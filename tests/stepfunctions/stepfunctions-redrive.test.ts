import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { errorNameOf, fn, startLocalStepFunctions, waitFor, type LocalStepFunctions } from './local-stepfunctions.fixture';

/** With timeScale 0.001 an execution TimeoutSeconds of 100 lasts 0.1 s. */
const TIME_SCALE = 0.001;

let env: LocalStepFunctions;
const tokens: string[] = [];

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const { events } = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events ?? [];
}

const describeExecution = (executionArn: string) => env.sfn.send(new DescribeExecutionCommand({ executionArn }));
const redrive = (executionArn: string, clientToken?: string) => env.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken }));
const nextToken = (count: number) => waitFor(() => (tokens.length >= count ? tokens[count - 1] : undefined));

/** A Lambda that fails until `healed` is called, as a step does until an outage is over; then it answers once `answered` settles. */
function flakyLambda(name: string): { healed: (answered?: Promise<void>) => void } {
  let healthy: Promise<void> | undefined;
  env.lambdas.set(fn(name), async (payload) => {
    if (!healthy) throw Object.assign(new Error('register unavailable'), { name: 'Register.Unavailable' });
    await healthy;
    return { looked: payload };
  });
  return { healed: (answered = Promise.resolve()) => (healthy = answered) };
}

/** Looks up in the register with the context's redrive count, then ends. */
function lookupDefinition(lambdaName: string): object {
  return {
    StartAt: 'Lookup',
    States: {
      Lookup: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: fn(lambdaName), Payload: { 'caseId.$': '$.caseId', 'redriveCount.$': '$$.Execution.RedriveCount' } },
        OutputPath: '$.Payload',
        End: true,
      },
    },
  };
}

beforeAll(async () => {
  env = await startLocalStepFunctions(TIME_SCALE);
  env.lambdas.set(fn('hand-out-token'), async (payload) => {
    tokens.push((payload as { token: string }).token);
    return { accepted: true };
  });
});

afterAll(async () => {
  await env.close();
});

describe('redriving a failed execution', () => {
  test('runs it again under the same ARN with its input, counts the redrive and continues its history', async () => {
    const register = flakyLambda('register-after-outage');
    const arn = await env.createMachine('redrive-failed', lookupDefinition('register-after-outage'));
    const executionArn = await env.start(arn, { caseId: 'c-1' }, 'case-c-1');
    const failed = await env.waitUntilDone(executionArn);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Register.Unavailable', redriveCount: 0, redriveStatus: 'REDRIVABLE' });

    let answer!: () => void;
    register.healed(new Promise((resolve) => (answer = resolve)));
    const { redriveDate } = await redrive(executionArn);

    expect(redriveDate).toBeInstanceOf(Date);
    const running = await describeExecution(executionArn);
    expect(running).toMatchObject({ status: 'RUNNING', redriveCount: 1, redriveDate, redriveStatus: 'NOT_REDRIVABLE' });
    expect(running.stopDate).toBeUndefined();
    expect(running.error).toBeUndefined();
    answer();
    const done = await env.waitUntilDone(executionArn);
    expect(done).toMatchObject({
      executionArn,
      status: 'SUCCEEDED',
      startDate: failed.startDate,
      redriveCount: 1,
      redriveDate,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven.',
    });
    expect(done.error).toBeUndefined();
    expect(JSON.parse(done.output!)).toEqual({ looked: { caseId: 'c-1', redriveCount: 1 } });

    const events = await history(executionArn);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'ExecutionStarted')).toHaveLength(1);
    const redriven = types.indexOf('ExecutionRedriven');
    expect(types[redriven - 1]).toBe('ExecutionFailed');
    expect(events[redriven]).toMatchObject({ executionRedrivenEventDetails: { redriveCount: 1 } });
    expect(types.slice(redriven + 1)).toEqual([
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  test('a succeeded or running execution is not redrivable, and an unknown one does not exist', async () => {
    env.lambdas.set(fn('quick'), async () => ({ ok: true }));
    const quick = await env.createMachine('redrive-succeeded', { StartAt: 'Quick', States: { Quick: { Type: 'Task', Resource: fn('quick'), End: true } } });
    const succeeded = await env.start(quick);
    await env.waitUntilDone(succeeded);
    const waiting = await env.createMachine('redrive-running', {
      StartAt: 'Wait',
      States: {
        Wait: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: fn('hand-out-token'), Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 3600,
          End: true,
        },
      },
    });
    const before = tokens.length;
    const running = await env.start(waiting);
    await nextToken(before + 1);

    expect(await errorNameOf(redrive(succeeded))).toBe('ExecutionNotRedrivable');
    expect(await errorNameOf(redrive(running))).toBe('ExecutionNotRedrivable');
    expect(await describeExecution(running)).toMatchObject({
      status: 'RUNNING',
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is RUNNING and cannot be redriven.',
    });
    expect(await errorNameOf(redrive('arn:aws:states:eu-west-1:000000000000:execution:redrive-running:nope'))).toBe('ExecutionDoesNotExist');
    expect(await errorNameOf(redrive('not-an-arn'))).toBe('InvalidArn');
    expect((await history(running)).some((event) => event.type === 'ExecutionRedriven')).toBe(false);
    await env.sfn.send(new StopExecutionCommand({ executionArn: running }));
  });

  test('a repeated client token answers the same redrive instead of redriving again', async () => {
    const register = flakyLambda('register-idempotent');
    const arn = await env.createMachine('redrive-idempotent', lookupDefinition('register-idempotent'));
    const executionArn = await env.start(arn, { caseId: 'c-2' });
    await env.waitUntilDone(executionArn);
    register.healed();

    const first = await redrive(executionArn, 'operator-click-1');
    const again = await redrive(executionArn, 'operator-click-1');

    expect(again.redriveDate).toEqual(first.redriveDate);
    expect(await env.waitUntilDone(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect((await history(executionArn)).filter((event) => event.type === 'ExecutionRedriven')).toHaveLength(1);
    expect(await errorNameOf(redrive(executionArn, 'operator-click-2'))).toBe('ExecutionNotRedrivable');
  });

  test('runs the definition the execution started on, even after UpdateStateMachine', async () => {
    const register = flakyLambda('register-updated');
    const arn = await env.createMachine('redrive-updated', lookupDefinition('register-updated'));
    const executionArn = await env.start(arn, { caseId: 'c-3' });
    await env.waitUntilDone(executionArn);
    await env.sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify({ StartAt: 'No', States: { No: { Type: 'Fail', Error: 'New.Definition' } } }) }),
    );
    register.healed();

    await redrive(executionArn);

    expect(await env.waitUntilDone(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  });

  test('an execution of a deleted state machine is not redrivable', async () => {
    flakyLambda('register-deleted');
    const arn = await env.createMachine('redrive-deleted', lookupDefinition('register-deleted'));
    const executionArn = await env.start(arn, { caseId: 'c-4' });
    await env.waitUntilDone(executionArn);
    await env.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));

    expect(await describeExecution(executionArn)).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'State machine is in DELETING status.' });
    expect(await errorNameOf(redrive(executionArn))).toBe('ExecutionNotRedrivable');
  });
});

describe('redriving stopped and timed-out executions', () => {
  test('a stopped execution waiting for a callback waits again with a new token; the old token stays closed', async () => {
    const arn = await env.createMachine('redrive-aborted', {
      StartAt: 'Decide',
      States: {
        Decide: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: fn('hand-out-token'), Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 3600,
          End: true,
        },
      },
    });
    const before = tokens.length;
    const executionArn = await env.start(arn, { caseId: 'c-5' });
    const oldToken = await nextToken(before + 1);
    await env.sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stopped' }));
    expect(await describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', redriveStatus: 'REDRIVABLE' });

    await redrive(executionArn);
    const newToken = await nextToken(before + 2);

    expect(newToken).not.toBe(oldToken);
    expect(await errorNameOf(env.sfn.send(new SendTaskSuccessCommand({ taskToken: oldToken, output: '"stale"' })))).toBe('TaskTimedOut');
    expect(await describeExecution(executionArn)).toMatchObject({ status: 'RUNNING', redriveCount: 1 });
    await env.sfn.send(new SendTaskSuccessCommand({ taskToken: newToken, output: '"granted"' }));
    expect(await env.waitUntilDone(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"granted"', redriveCount: 1 });
    const types = (await history(executionArn)).map((event) => event.type);
    expect(types.indexOf('ExecutionRedriven')).toBe(types.indexOf('ExecutionAborted') + 1);
  });

  test('a stopped run still finishing its task cannot touch the redriven run', async () => {
    let calls = 0;
    const releases: (() => void)[] = [];
    env.lambdas.set(fn('slow-then-quick'), async () => {
      calls += 1;
      if (calls === 1) await new Promise<void>((resolve) => releases.push(resolve));
      return { call: calls };
    });
    const arn = await env.createMachine('redrive-overlap', {
      StartAt: 'Slow',
      States: {
        Slow: { Type: 'Task', Resource: fn('slow-then-quick'), Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3, IntervalSeconds: 1 }], Next: 'Decide' },
        Decide: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: fn('hand-out-token'), Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 3600,
          End: true,
        },
      },
    });
    const executionArn = await env.start(arn);
    await waitFor(() => (releases.length === 1 ? true : undefined));
    await env.sfn.send(new StopExecutionCommand({ executionArn }));
    const before = tokens.length;

    await redrive(executionArn);
    const token = await nextToken(before + 1);
    releases[0]!();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(tokens).toHaveLength(before + 1);
    expect(calls).toBe(2);
    await env.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    expect(await env.waitUntilDone(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    const types = (await history(executionArn)).map((event) => event.type);
    expect(types.filter((type) => type === 'TaskStateEntered')).toHaveLength(3);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  test('a timed-out execution can be redriven', async () => {
    // The first call answers only once the execution has timed out and the test lets it go: no timer outlives the test.
    let slow = true;
    let letGo = () => {};
    const heldUntilLetGo = new Promise<void>((resolve) => (letGo = resolve));
    env.lambdas.set(fn('slow-register'), async () => {
      if (slow) await heldUntilLetGo;
      return { ok: true };
    });
    const arn = await env.createMachine('redrive-timed-out', {
      TimeoutSeconds: 100,
      StartAt: 'Lookup',
      States: { Lookup: { Type: 'Task', Resource: fn('slow-register'), End: true } },
    });
    const executionArn = await env.start(arn);
    expect(await env.waitUntilDone(executionArn)).toMatchObject({ status: 'TIMED_OUT', redriveStatus: 'REDRIVABLE' });
    slow = false;
    letGo();

    await redrive(executionArn);

    expect(await env.waitUntilDone(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"ok":true}', redriveCount: 1 });
  });
});

describe('listing redriven executions', () => {
  test('redriveFilter keeps the redriven or the never redriven executions; items carry the redrive count', async () => {
    const register = flakyLambda('register-listed');
    const arn = await env.createMachine('redrive-listed', lookupDefinition('register-listed'));
    const redriven = await env.start(arn, { caseId: 'c-6' }, 'redriven');
    await env.waitUntilDone(redriven);
    const untouched = await env.start(arn, { caseId: 'c-7' }, 'untouched');
    await env.waitUntilDone(untouched);
    register.healed();
    await redrive(redriven);
    await env.waitUntilDone(redriven);

    const list = async (redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN') =>
      (await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, redriveFilter }))).executions ?? [];

    expect((await list('REDRIVEN')).map((item) => item.name)).toEqual(['redriven']);
    expect((await list('NOT_REDRIVEN')).map((item) => item.name)).toEqual(['untouched']);
    expect(await list()).toEqual([
      expect.objectContaining({ name: 'untouched', status: 'FAILED', redriveCount: 0 }),
      expect.objectContaining({ name: 'redriven', status: 'SUCCEEDED', redriveCount: 1, redriveDate: expect.any(Date) }),
    ]);
  });
});
