import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { fn, startLocalStepFunctions, type LocalStepFunctions } from '../local-stepfunctions.fixture';
import { outputOf, runOnce } from './conformance.fixture';

/** Input and output processing, the context object and intrinsic functions, with the Developer Guide's expected outputs. */

let env: LocalStepFunctions;

beforeAll(async () => {
  env = await startLocalStepFunctions(0.01);
  env.lambdas.set(fn('hello'), async () => 'Hello, Step Functions!');
});

afterAll(async () => {
  await env.close();
});

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
 * "Use ResultPath to replace input with the task result": with `"ResultPath": "$"` the state output is the result.
 */
describe('"ResultPath": "$" replaces the input with the result', () => {
  const input = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };
  const result = 'Hello, Step Functions!';

  test('on a Task', async () => {
    const definition = { StartAt: 'Hello', States: { Hello: { Type: 'Task', Resource: fn('hello'), ResultPath: '$', End: true } } };
    expect(await outputOf(env, definition, input)).toBe(result);
  });

  test('on a Pass', async () => {
    const definition = { StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: result, ResultPath: '$', End: true } } };
    expect(await outputOf(env, definition, input)).toBe(result);
  });

  test('on a Parallel', async () => {
    const branch = { StartAt: 'B', States: { B: { Type: 'Pass', Result: result, End: true } } };
    const definition = { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch], ResultPath: '$', End: true } } };
    expect(await outputOf(env, definition, input)).toEqual([result]);
  });

  test('on a Map', async () => {
    const processor = { StartAt: 'I', States: { I: { Type: 'Pass', Result: result, End: true } } };
    const definition = { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: processor, ResultPath: '$', End: true } } };
    expect(await outputOf(env, definition, { items: [1, 2] })).toEqual([result, result]);
  });

  test('on a Catch', async () => {
    const definition = {
      StartAt: 'Fails',
      States: {
        Fails: { Type: 'Task', Resource: fn('missing'), Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'Done' }], End: true },
        Done: { Type: 'Pass', End: true },
      },
    };
    expect(await outputOf(env, definition, input)).toEqual({ Error: 'Error', Cause: expect.stringContaining('no test lambda named') });
  });
});

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 * The context object's State holds EnteredTime, Name and RetryCount; Execution holds RedriveCount.
 */
describe('the context object', () => {
  test('$$.State.Name, $$.State.EnteredTime and $$.Execution.RedriveCount', async () => {
    const definition = {
      StartAt: 'Look',
      States: {
        Look: {
          Type: 'Pass',
          Parameters: { 'name.$': '$$.State.Name', 'entered.$': '$$.State.EnteredTime', 'retries.$': '$$.State.RetryCount', 'redrives.$': '$$.Execution.RedriveCount' },
          End: true,
        },
      },
    };
    const output = (await outputOf(env, definition)) as Record<string, unknown>;
    expect(output).toEqual({ name: 'Look', entered: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), retries: 0, redrives: 0 });
  });

  test('$$.State.RetryCount counts the retries of the state', async () => {
    let calls = 0;
    env.lambdas.set(fn('third-time-lucky'), async (payload) => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error('not yet'), { name: 'NotYet' });
      return payload;
    });
    const definition = {
      StartAt: 'Try',
      States: {
        Try: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('third-time-lucky'), Payload: { 'retry.$': '$$.State.RetryCount' } },
          OutputPath: '$.Payload',
          Retry: [{ ErrorEquals: ['NotYet'], IntervalSeconds: 1, MaxAttempts: 3 }],
          End: true,
        },
      },
    };
    expect(await outputOf(env, definition)).toEqual({ retry: 2 });
  });
});

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-arrays
 * States.StringSplit: "This.is+a,test=string" split on ".+,=" gives ["This","is","a","test","string"].
 */
test('States.StringSplit splits on each delimiter character', async () => {
  const definition = {
    StartAt: 'Split',
    States: { Split: { Type: 'Pass', Parameters: { 'myStringArray.$': 'States.StringSplit($.inputString, $.splitter)' }, End: true } },
  };
  expect(await outputOf(env, definition, { inputString: 'This.is+a,test=string', splitter: '.+,=' })).toEqual({
    myStringArray: ['This', 'is', 'a', 'test', 'string'],
  });
  expect(await outputOf(env, definition, { inputString: '1,2,3,4,5', splitter: ',' })).toEqual({ myStringArray: ['1', '2', '3', '4', '5'] });
});

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html
 * A Distributed Map fails with States.ExceedToleratedFailureThreshold only when its failed items exceed the threshold.
 */
describe('Map tolerated failure threshold', () => {
  const distributedMap = (threshold: object) => ({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Check',
          States: {
            Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Fine' }], Default: 'Broken' },
            Fine: { Type: 'Pass', Result: 'fine', End: true },
            Broken: { Type: 'Fail', Error: 'Item.Broken', Cause: 'a broken item' },
          },
        },
        ...threshold,
        End: true,
      },
    },
  });
  const items = [{ ok: true }, { ok: false }, { ok: true }, { ok: true }];

  test('one failed item of four is within 25 percent and within a count of 1', async () => {
    for (const threshold of [{ ToleratedFailurePercentage: 25 }, { ToleratedFailureCount: 1 }]) {
      const done = await runOnce(env, distributedMap(threshold), items);
      expect(done.status).toBe('SUCCEEDED');
      expect((JSON.parse(done.output!) as unknown[]).filter((item) => item === 'fine')).toHaveLength(3);
    }
  });

  test('beyond the threshold the Map fails with States.ExceedToleratedFailureThreshold', async () => {
    for (const threshold of [{ ToleratedFailurePercentage: 20 }, { ToleratedFailureCount: 0 }, {}]) {
      const done = await runOnce(env, distributedMap(threshold), items);
      const expected = 'ToleratedFailurePercentage' in threshold || 'ToleratedFailureCount' in threshold ? 'States.ExceedToleratedFailureThreshold' : 'Item.Broken';
      expect(done).toMatchObject({ status: 'FAILED', error: expected });
    }
  });
});

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * States.HeartbeatTimeout: a Task state failed to send a heartbeat for longer than HeartbeatSeconds; Catch can name it.
 */
test('a missed heartbeat raises States.HeartbeatTimeout, which a catcher names', async () => {
  env.lambdas.set(fn('silent-worker'), async () => ({}));
  const definition = {
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: fn('silent-worker'), Payload: { 'token.$': '$$.Task.Token' } },
        HeartbeatSeconds: 10,
        TimeoutSeconds: 100_000,
        Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'NoHeartbeat' }],
        End: true,
      },
      NoHeartbeat: { Type: 'Pass', Parameters: { 'error.$': '$.Error' }, End: true },
    },
  };
  expect(await outputOf(env, definition)).toEqual({ error: 'States.HeartbeatTimeout' });
});
