import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListActivitiesCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { ROLE_ARN, errorNameOf, fn, startLocalStepFunctions, type LocalStepFunctions } from './local-stepfunctions.fixture';

const passThrough = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };
const resultOf = (value: string) => ({ StartAt: 'Done', States: { Done: { Type: 'Pass', Result: { value }, End: true } } });

let env: LocalStepFunctions;

beforeAll(async () => {
  env = await startLocalStepFunctions(0.001);
});

afterAll(async () => {
  await env.close();
});

describe('state machines', () => {
  test('create, describe and list return the definition exactly as given', async () => {
    const definition = `{\n  "StartAt": "Done",\n  "States": { "Done": { "Type": "Pass", "End": true } }\n}`;
    const created = await env.sfn.send(new CreateStateMachineCommand({ name: 'described', definition, roleArn: ROLE_ARN }));

    expect(created.stateMachineArn).toBe('arn:aws:states:eu-west-1:000000000000:stateMachine:described');
    expect(created.creationDate).toBeInstanceOf(Date);
    const described = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(described).toMatchObject({ name: 'described', definition, roleArn: ROLE_ARN, type: 'STANDARD', status: 'ACTIVE' });
    const listed = await env.sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((machine) => machine.name)).toContain('described');
  });

  test('creating the same name and definition again is idempotent; another definition is refused', async () => {
    const first = await env.createMachine('idempotent', passThrough);
    const again = await env.createMachine('idempotent', passThrough);

    expect(again).toBe(first);
    expect(await errorNameOf(env.createMachine('idempotent', resultOf('other')))).toBe('StateMachineAlreadyExists');
  });

  test('invalid definitions are refused with InvalidDefinition', async () => {
    const create = (definition: string) =>
      env.sfn.send(new CreateStateMachineCommand({ name: 'refused', definition, roleArn: ROLE_ARN }));

    expect(await errorNameOf(create('not json'))).toBe('InvalidDefinition');
    expect(await errorNameOf(create(JSON.stringify({ StartAt: 'Missing', States: { Done: { Type: 'Pass', End: true } } })))).toBe(
      'InvalidDefinition',
    );
    const sqs = { StartAt: 'Send', States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } } };
    await expect(create(JSON.stringify(sqs))).rejects.toThrow(/sqs:sendMessage/);
  });

  test('JSONata is accepted at the top level and on a single state, and so is an explicit JSONPath', async () => {
    const topLevel = { QueryLanguage: 'JSONata', StartAt: 'Done', States: { Done: { Type: 'Pass', Output: '{% 1 %}', End: true } } };
    const onState = { StartAt: 'Done', States: { Done: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true } } };

    await expect(env.createMachine('jsonata-top-level', topLevel)).resolves.toMatch(/:jsonata-top-level$/);
    await expect(env.createMachine('jsonata-on-state', onState)).resolves.toMatch(/:jsonata-on-state$/);
    await expect(env.createMachine('jsonpath', { QueryLanguage: 'JSONPath', ...passThrough })).resolves.toMatch(/:jsonpath$/);
  });

  test('names and ARNs are validated', async () => {
    expect(await errorNameOf(env.createMachine('has space', passThrough))).toBe('InvalidName');
    expect(await errorNameOf(env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' })))).toBe('InvalidArn');
    const unknown = 'arn:aws:states:eu-west-1:000000000000:stateMachine:unknown';
    expect(await errorNameOf(env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: unknown })))).toBe(
      'StateMachineDoesNotExist',
    );
  });

  test('an update applies to executions started afterwards', async () => {
    const arn = await env.createMachine('updated', resultOf('before'));
    const updated = await env.sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(resultOf('after')) }),
    );

    expect(updated.updateDate).toBeInstanceOf(Date);
    const described = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(JSON.parse(described.definition!)).toEqual(resultOf('after'));
    const execution = await env.waitUntilDone(await env.start(arn));
    expect(JSON.parse(execution.output!)).toEqual({ value: 'after' });
  });

  test('described with includedData METADATA_ONLY, a state machine comes without its definition ({}), as a caller that may not decrypt it gets it', async () => {
    const arn = await env.createMachine('metadata-only', resultOf('kept'));
    const described = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn, includedData: 'METADATA_ONLY' }));
    expect(described).toMatchObject({ stateMachineArn: arn, name: expect.stringContaining('metadata-only'), definition: '{}' });
    const whole = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn, includedData: 'ALL_DATA' }));
    expect(JSON.parse(whole.definition!)).toEqual(resultOf('kept'));
  });

  test('a deleted state machine no longer exists', async () => {
    const arn = await env.createMachine('deleted', passThrough);
    await env.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));

    expect(await errorNameOf(env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })))).toBe('StateMachineDoesNotExist');
    expect(await errorNameOf(env.start(arn))).toBe('StateMachineDoesNotExist');
  });
});

describe('starting and describing executions', () => {
  test('a lambda:invoke task answers in the AWS result shape and sees the execution context', async () => {
    env.lambdas.set(fn('greet'), async (payload) => ({ greeting: `hello ${(payload as { who: string }).who}` }));
    const arn = await env.createMachine('greeter', {
      StartAt: 'Greet',
      States: {
        Greet: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('greet'), Payload: { 'who.$': '$.who' } },
          ResultPath: '$.invocation',
          Next: 'Context',
        },
        Context: {
          Type: 'Pass',
          Parameters: {
            'invocation.$': '$.invocation',
            'executionId.$': '$$.Execution.Id',
            'executionName.$': '$$.Execution.Name',
            'machineName.$': '$$.StateMachine.Name',
          },
          End: true,
        },
      },
    });

    const executionArn = await env.start(arn, { who: 'Gent' }, 'greet-gent');
    const done = await env.waitUntilDone(executionArn);

    expect(executionArn).toBe('arn:aws:states:eu-west-1:000000000000:execution:greeter:greet-gent');
    expect(done).toMatchObject({ status: 'SUCCEEDED', name: 'greet-gent', stateMachineArn: arn, input: '{"who":"Gent"}' });
    expect(done.startDate).toBeInstanceOf(Date);
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());
    expect(JSON.parse(done.output!)).toEqual({
      invocation: { ExecutedVersion: '$LATEST', Payload: { greeting: 'hello Gent' }, StatusCode: 200 },
      executionId: executionArn,
      executionName: 'greet-gent',
      machineName: 'greeter',
    });
    expect(env.invocations.at(-1)).toEqual({ functionName: fn('greet'), payload: { who: 'Gent' } });
  });

  test('a plain Lambda ARN resource gets the raw result, and a function error is caught by its errorType', async () => {
    env.lambdas.set(fn('double'), async (payload) => (payload as number) * 2);
    env.lambdas.set(fn('reject'), async () => {
      throw Object.assign(new Error('not resident'), { name: 'NotResident' });
    });
    const arn = await env.createMachine('plain-lambda', {
      StartAt: 'Double',
      States: {
        Double: { Type: 'Task', Resource: fn('double'), InputPath: '$.n', ResultPath: '$.doubled', Next: 'Reject' },
        Reject: {
          Type: 'Task',
          Resource: fn('reject'),
          Catch: [{ ErrorEquals: ['NotResident'], ResultPath: '$.error', Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });

    const done = await env.waitUntilDone(await env.start(arn, { n: 21 }));

    const output = JSON.parse(done.output!);
    expect(output.doubled).toBe(42);
    expect(output.error.Error).toBe('NotResident');
    expect(JSON.parse(output.error.Cause)).toMatchObject({ errorType: 'NotResident', errorMessage: 'not resident' });
  });

  test('a failing execution reports the error and cause of its Fail state', async () => {
    const arn = await env.createMachine('failing', {
      StartAt: 'Fail',
      States: { Fail: { Type: 'Fail', Error: 'Case.Rejected', Cause: 'incomplete application' } },
    });

    const done = await env.waitUntilDone(await env.start(arn));

    expect(done).toMatchObject({ status: 'FAILED', error: 'Case.Rejected', cause: 'incomplete application' });
    expect(done.output).toBeUndefined();
  });

  test('execution names are generated when absent and must be unique per state machine', async () => {
    const arn = await env.createMachine('named', resultOf('x'));
    const generated = await env.start(arn);
    expect(generated).toMatch(/^arn:aws:states:eu-west-1:000000000000:execution:named:[0-9a-f-]{36}$/);

    await env.waitUntilDone(await env.start(arn, { n: 1 }, 'once'));
    expect(await errorNameOf(env.start(arn, { n: 1 }, 'once'))).toBe('ExecutionAlreadyExists');
    expect(await errorNameOf(env.start(arn, {}, 'bad/name'))).toBe('InvalidName');
  });

  test('start and describe errors carry the AWS error names', async () => {
    const arn = await env.createMachine('errors', passThrough);
    const unknownMachine = 'arn:aws:states:eu-west-1:000000000000:stateMachine:nope';
    const unknownExecution = 'arn:aws:states:eu-west-1:000000000000:execution:errors:nope';

    expect(await errorNameOf(env.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{not json' })))).toBe(
      'InvalidExecutionInput',
    );
    expect(await errorNameOf(env.start(unknownMachine))).toBe('StateMachineDoesNotExist');
    expect(await errorNameOf(env.start('arn:aws:states:eu-west-1:000000000000:nonsense'))).toBe('InvalidArn');
    expect(await errorNameOf(env.sfn.send(new DescribeExecutionCommand({ executionArn: unknownExecution })))).toBe(
      'ExecutionDoesNotExist',
    );
    expect(await errorNameOf(env.sfn.send(new DescribeExecutionCommand({ executionArn: 'nope' })))).toBe('InvalidArn');
  });

  test('unsupported operations and invalid parameters are refused', async () => {
    expect(await errorNameOf(env.sfn.send(new ListActivitiesCommand({})))).toBe('UnknownOperationException');
    expect(await errorNameOf(env.sfn.send(new ListExecutionsCommand({ maxResults: 5000 })))).toBe('ValidationException');
  });
});

describe('listing executions', () => {
  test('filters by state machine and status, newest first, in pages', async () => {
    env.lambdas.set(fn('maybe-fail'), async (payload) => {
      if ((payload as { fail: boolean }).fail) throw new Error('asked to fail');
      return 'ok';
    });
    const arn = await env.createMachine('listed', {
      StartAt: 'Maybe',
      States: { Maybe: { Type: 'Task', Resource: fn('maybe-fail'), End: true } },
    });
    const other = await env.createMachine('listed-other', passThrough);
    const first = await env.start(arn, { fail: false }, 'first');
    const second = await env.start(arn, { fail: true }, 'second');
    const third = await env.start(arn, { fail: false }, 'third');
    await env.start(other);
    for (const execution of [first, second, third]) await env.waitUntilDone(execution);

    const all = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(all.executions?.map((execution) => execution.name)).toEqual(['third', 'second', 'first']);
    const succeeded = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions?.map((execution) => execution.name)).toEqual(['third', 'first']);
    const failed = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'FAILED' }));
    expect(failed.executions).toEqual([expect.objectContaining({ name: 'second', status: 'FAILED', stateMachineArn: arn })]);

    const page1 = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2 }));
    const page2 = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: page1.nextToken }));
    expect(page1.executions?.map((execution) => execution.name)).toEqual(['third', 'second']);
    expect(page2.executions?.map((execution) => execution.name)).toEqual(['first']);
    expect(page2.nextToken).toBeUndefined();
    expect(await errorNameOf(env.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, nextToken: 'garbage!' })))).toBe(
      'InvalidToken',
    );
  });
});
