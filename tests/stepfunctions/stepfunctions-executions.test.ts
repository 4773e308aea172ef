import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { errorNameOf, fn, startLocalStepFunctions, waitFor, type LocalStepFunctions } from './local-stepfunctions.fixture';

/** With timeScale 0.001 a definition's 3600 s task timeout lasts 3.6 s and a 100 s one 0.1 s. */
const TIME_SCALE = 0.001;

const unhandledRejections: unknown[] = [];
const onUnhandledRejection = (reason: unknown) => unhandledRejections.push(reason);
let env: LocalStepFunctions;
const tokens: string[] = [];

/** A callback task whose Lambda hands its token to the test through `tokens`. */
function callbackTask(name: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: { FunctionName: fn('hand-out-token'), Payload: { 'token.$': '$$.Task.Token', step: name } },
    TimeoutSeconds: 3600,
    ...extra,
  };
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const { events } = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events ?? [];
}

const nextToken = (count: number) => waitFor(() => (tokens.length >= count ? tokens[count - 1] : undefined));

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandledRejection);
  env = await startLocalStepFunctions(TIME_SCALE);
  env.lambdas.set(fn('hand-out-token'), async (payload) => {
    tokens.push((payload as { token: string }).token);
    return { accepted: true };
  });
});

afterAll(async () => {
  await env.close();
  process.off('unhandledRejection', onUnhandledRejection);
});

describe('task tokens', () => {
  test('parallel branches waiting at once get distinct tokens; SendTaskSuccess resumes each with its output', async () => {
    const arn = await env.createMachine('parallel-advice', {
      StartAt: 'Advice',
      States: {
        Advice: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Police', States: { Police: callbackTask('police', { End: true }) } },
            { StartAt: 'College', States: { College: callbackTask('college', { End: true }) } },
          ],
          End: true,
        },
      },
    });
    const before = tokens.length;
    const executionArn = await env.start(arn, { caseId: 'c-1' });
    await nextToken(before + 2);
    const [first, second] = tokens.slice(before) as [string, string];

    expect(first).not.toBe(second);
    expect(first).not.toMatch(/placeholder|loket-sfn-task-token/);
    const steps = env.invocations.slice(-2).map((invocation) => (invocation.payload as { step: string }).step);
    expect(steps.sort()).toEqual(['college', 'police']);
    for (const token of [first, second]) {
      const step = env.invocations.find((invocation) => (invocation.payload as { token: string }).token === token)!;
      await env.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ advice: (step.payload as { step: string }).step }) }));
    }
    const done = await env.waitUntilDone(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual([{ advice: 'police' }, { advice: 'college' }]);
    expect(await errorNameOf(env.sfn.send(new SendTaskSuccessCommand({ taskToken: first, output: '{}' })))).toBe('TaskTimedOut');
    const events = await history(executionArn);
    expect(events.filter((event) => event.type === 'TaskSubmitted')).toHaveLength(2);
    expect(events.filter((event) => event.type === 'TaskSucceeded').map((event) => event.taskSucceededEventDetails?.output).sort()).toEqual([
      '{"advice":"college"}',
      '{"advice":"police"}',
    ]);
  });

  test('malformed, unknown and invalid callbacks are refused with the AWS error names', async () => {
    const arn = await env.createMachine('callback-errors', {
      StartAt: 'Wait',
      States: { Wait: callbackTask('wait', { End: true }) },
    });
    const before = tokens.length;
    const executionArn = await env.start(arn);
    const token = await nextToken(before + 1);
    const unknown = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);

    expect(await errorNameOf(env.sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })))).toBe('InvalidToken');
    expect(await errorNameOf(env.sfn.send(new SendTaskSuccessCommand({ taskToken: unknown, output: '{}' })))).toBe('TaskDoesNotExist');
    expect(await errorNameOf(env.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })))).toBe('InvalidOutput');
    await env.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await env.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"done"' }));

    expect(await env.waitUntilDone(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });
  });

  test('SendTaskFailure fails the waiting state with that error, so a Catch on it takes over', async () => {
    const arn = await env.createMachine('clerk-rejects', {
      StartAt: 'Verify',
      States: {
        Verify: callbackTask('verify', {
          Catch: [
            { ErrorEquals: ['States.Timeout'], Next: 'TimedOut' },
            { ErrorEquals: ['Clerk.Rejected'], ResultPath: '$.rejection', Next: 'Rejected' },
          ],
          End: true,
        }),
        TimedOut: { Type: 'Fail', Error: 'Unexpected' },
        Rejected: { Type: 'Pass', End: true },
      },
    });
    const before = tokens.length;
    const executionArn = await env.start(arn, { caseId: 'c-2' });
    const token = await nextToken(before + 1);

    await env.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Clerk.Rejected', cause: 'documents missing' }));
    const done = await env.waitUntilDone(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ caseId: 'c-2', rejection: { Error: 'Clerk.Rejected', Cause: 'documents missing' } });
    const failed = (await history(executionArn)).find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'Clerk.Rejected', cause: 'documents missing' });
  });

  test('a retried callback state gets a new token for each attempt', async () => {
    const arn = await env.createMachine('retried-callback', {
      StartAt: 'Ask',
      States: { Ask: callbackTask('ask', { Retry: [{ ErrorEquals: ['Try.Again'], IntervalSeconds: 1, MaxAttempts: 1 }], End: true }) },
    });
    const before = tokens.length;
    const executionArn = await env.start(arn);
    const firstAttempt = await nextToken(before + 1);
    await env.sfn.send(new SendTaskFailureCommand({ taskToken: firstAttempt, error: 'Try.Again' }));
    const secondAttempt = await nextToken(before + 2);
    await env.sfn.send(new SendTaskSuccessCommand({ taskToken: secondAttempt, output: '{"second":true}' }));

    expect(secondAttempt).not.toBe(firstAttempt);
    expect(await env.waitUntilDone(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"second":true}' });
  });
});

describe('timeouts, heartbeats and retries', () => {
  test('a task exceeding its scaled TimeoutSeconds fails with States.Timeout, which States.TaskFailed does not catch', async () => {
    env.lambdas.set(fn('never-answers'), () => new Promise(() => undefined));
    const arn = await env.createMachine('slow-task', {
      StartAt: 'Slow',
      States: {
        Slow: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('never-answers'), Payload: {} },
          TimeoutSeconds: 100,
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'WrongCatcher' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' },
          ],
          End: true,
        },
        WrongCatcher: { Type: 'Fail', Error: 'WrongCatcher' },
        TimedOut: { Type: 'Fail', Error: 'Case.TimedOut', Cause: 'no answer in time' },
      },
    });

    const done = await env.waitUntilDone(await env.start(arn));

    expect(done).toMatchObject({ status: 'FAILED', error: 'Case.TimedOut' });
    const events = await history(done.executionArn!);
    const timedOut = events.find((event) => event.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'States.Timeout' });
    // Measured on the engine's own clock, from its history, so that a loaded machine's polling does not count:
    // 100 s scaled to 100 ms, not the unscaled 100 s.
    const scheduledAt = events.find((event) => event.type === 'TaskScheduled')!.timestamp!.getTime();
    expect(timedOut!.timestamp!.getTime() - scheduledAt).toBeGreaterThanOrEqual(100 - 20);
    expect(timedOut!.timestamp!.getTime() - scheduledAt).toBeLessThan(2000);
  });

  test('a callback without heartbeats times out; its token is then refused with TaskTimedOut', async () => {
    // 0.1 s between heartbeats against a 60 s task timeout: a timeout seen within waitUntilDone's 5 s is the heartbeat's.
    const arn = await env.createMachine('heartbeat-missed', {
      StartAt: 'Wait',
      States: { Wait: callbackTask('heartbeat', { HeartbeatSeconds: 100, TimeoutSeconds: 60_000, End: true }) },
    });
    const before = tokens.length;
    const executionArn = await env.start(arn);
    const token = await nextToken(before + 1);

    const done = await env.waitUntilDone(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(await errorNameOf(env.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskTimedOut');
  });

  test('heartbeats keep a callback alive beyond its HeartbeatSeconds', async () => {
    // 2 s allowed between heartbeats, one sent every 100 ms: only a stall of nearly 2 s, which even a
    // loaded machine does not make, could starve the task. The task timeout (60 s) stays out of the way.
    const heartbeatBudgetMs = 2000;
    const arn = await env.createMachine('heartbeat-kept', {
      StartAt: 'Wait',
      States: { Wait: callbackTask('heartbeat', { HeartbeatSeconds: Math.round(heartbeatBudgetMs / 1000 / TIME_SCALE), TimeoutSeconds: 60_000, End: true }) },
    });
    const before = tokens.length;
    const executionArn = await env.start(arn);
    const token = await nextToken(before + 1);
    // The heartbeat clock started before the token was handed out: outliving the budget from here proves the beats extended it.
    const handedOut = Date.now();
    let beats = 0;
    while (Date.now() - handedOut < heartbeatBudgetMs * 1.25) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await env.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
      beats += 1;
    }
    await env.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"kept":true}' }));

    expect(Date.now() - handedOut).toBeGreaterThan(heartbeatBudgetMs);
    expect(beats).toBeGreaterThan(1);
    expect(await env.waitUntilDone(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"kept":true}' });
  });

  test('a transient Lambda.ServiceException is retried until the Lambda succeeds', async () => {
    let calls = 0;
    env.lambdas.set(fn('flaky'), async () => {
      calls += 1;
      if (calls <= 2) throw Object.assign(new Error('Rate exceeded'), { name: 'Lambda.ServiceException' });
      return { attempt: calls };
    });
    const arn = await env.createMachine('flaky', {
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('flaky'), Payload: {} },
          OutputPath: '$.Payload',
          Retry: [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
          End: true,
        },
      },
    });

    const done = await env.waitUntilDone(await env.start(arn));

    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"attempt":3}' });
    const events = await history(done.executionArn!);
    expect(events.filter((event) => event.type === 'TaskScheduled')).toHaveLength(3);
    expect(events.filter((event) => event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails)).toEqual([
      expect.objectContaining({ error: 'Lambda.ServiceException', cause: 'Rate exceeded' }),
      expect.objectContaining({ error: 'Lambda.ServiceException', cause: 'Rate exceeded' }),
    ]);
  });
});

describe('stopping executions', () => {
  test('StopExecution aborts, invalidates pending tokens and runs nothing further', async () => {
    env.lambdas.set(fn('after-stop'), async () => 'should not run');
    const arn = await env.createMachine('stopped', {
      StartAt: 'Wait',
      States: {
        Wait: callbackTask('stop-me', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'After' }], Next: 'After' }),
        After: { Type: 'Task', Resource: fn('after-stop'), End: true },
      },
    });
    const before = tokens.length;
    const executionArn = await env.start(arn);
    const token = await nextToken(before + 1);

    const stopped = await env.sfn.send(new StopExecutionCommand({ executionArn, error: 'Case.Withdrawn', cause: 'applicant withdrew' }));
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(stopped.stopDate).toBeInstanceOf(Date);
    const described = await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Case.Withdrawn', cause: 'applicant withdrew' });
    expect(await errorNameOf(env.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskTimedOut');
    expect(env.invocations.some((invocation) => invocation.functionName === fn('after-stop'))).toBe(false);
    const events = await history(executionArn);
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Case.Withdrawn' } });
    const unknown = 'arn:aws:states:eu-west-1:000000000000:execution:stopped:nope';
    expect(await errorNameOf(env.sfn.send(new StopExecutionCommand({ executionArn: unknown })))).toBe('ExecutionDoesNotExist');
  });
});

describe('execution history', () => {
  test('records each transition in AWS event shapes, forwards and in reverse, in pages', async () => {
    env.lambdas.set(fn('score'), async () => ({ score: 7 }));
    const arn = await env.createMachine('history', {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { caseId: 'c-3' }, Next: 'Pause' },
        Pause: { Type: 'Wait', Seconds: 10, Next: 'Score' },
        Score: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('score'), 'Payload.$': '$' },
          ResultSelector: { 'score.$': '$.Payload.score' },
          TimeoutSeconds: 60,
          Next: 'High',
        },
        High: { Type: 'Choice', Choices: [{ Variable: '$.score', NumericGreaterThan: 5, Next: 'Done' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const executionArn = await env.start(arn, { from: 'portal' });
    await env.waitUntilDone(executionArn);

    const events = await history(executionArn);
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((event) => [event.id, event.previousEventId])).toEqual(events.map((_, index) => [index + 1, index]));
    expect(events[0]?.executionStartedEventDetails).toMatchObject({ input: '{"from":"portal"}', roleArn: expect.stringMatching(/^arn:aws:iam::/) });
    expect(events[6]?.taskScheduledEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'eu-west-1',
      parameters: JSON.stringify({ FunctionName: fn('score'), Payload: { caseId: 'c-3' } }),
      timeoutInSeconds: 60,
    });
    expect(events[8]?.taskSucceededEventDetails?.output).toBe('{"ExecutedVersion":"$LATEST","Payload":{"score":7},"StatusCode":200}');
    expect(events[9]?.stateExitedEventDetails).toMatchObject({ name: 'Score', output: '{"score":7}' });
    expect(events.at(-1)?.executionSucceededEventDetails?.output).toBe('{"score":7}');
    expect(events[0]?.timestamp).toBeInstanceOf(Date);

    const reversed = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 4 }));
    expect(reversed.events?.map((event) => event.id)).toEqual([15, 14, 13, 12]);
    const rest = await env.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 100, nextToken: reversed.nextToken }),
    );
    expect(rest.events?.map((event) => event.id)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(rest.nextToken).toBeUndefined();
    const unknown = 'arn:aws:states:eu-west-1:000000000000:execution:history:nope';
    expect(await errorNameOf(env.sfn.send(new GetExecutionHistoryCommand({ executionArn: unknown })))).toBe('ExecutionDoesNotExist');
  });
});

describe('service integrations', () => {
  test('events:putEvents publishes the entries with Detail serialized', async () => {
    const arn = await env.createMachine('publish', {
      StartAt: 'Publish',
      States: {
        Publish: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents',
          Parameters: {
            Entries: [{ Source: 'loket.cases', DetailType: 'CaseDecided.v1', EventBusName: 'loket', Detail: { 'caseId.$': '$.caseId', outcome: 'granted' } }],
          },
          End: true,
        },
      },
    });

    const done = await env.waitUntilDone(await env.start(arn, { caseId: 'c-4' }));

    expect(env.publishedEvents).toEqual([
      { Source: 'loket.cases', DetailType: 'CaseDecided.v1', EventBusName: 'loket', Detail: '{"caseId":"c-4","outcome":"granted"}' },
    ]);
    expect(JSON.parse(done.output!)).toEqual({ Entries: [{ EventId: expect.any(String) }], FailedEntryCount: 0 });
  });
});

describe('closing the endpoint', () => {
  test('close() aborts waiting executions without unhandled rejections', async () => {
    const own = await startLocalStepFunctions(TIME_SCALE);
    own.lambdas.set(fn('hand-out-token'), async () => ({ accepted: true }));
    const arn = await own.createMachine('closing', { StartAt: 'Wait', States: { Wait: callbackTask('close', { End: true }) } });
    await own.start(arn);
    await waitFor(() => (own.invocations.length > 0 ? true : undefined));

    await own.close();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(unhandledRejections).toEqual([]);
  });
});
