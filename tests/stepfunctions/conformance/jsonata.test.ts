import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { fn, startLocalStepFunctions, type LocalStepFunctions } from '../local-stepfunctions.fixture';
import { outputOf } from './conformance.fixture';

/**
 * JSONata states, as https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html describes them:
 * `{% %}` expressions in Arguments, Output, Assign, Condition, Items and ItemSelector; `$states.input`,
 * `$states.result`, `$states.errorOutput` and `$states.context`; QueryLanguage for the whole machine or one state.
 */

let env: LocalStepFunctions;

beforeAll(async () => {
  env = await startLocalStepFunctions(0.01);
  env.lambdas.set(fn('double'), async (payload) => ({ doubled: (payload as { value: number }).value * 2 }));
});

afterAll(async () => {
  await env.close();
});

const jsonata = (states: object, startAt = Object.keys(states)[0]) => ({ QueryLanguage: 'JSONata', StartAt: startAt, States: states });

describe('$states', () => {
  test('a Pass state outputs an expression of $states.input', async () => {
    const definition = jsonata({ Greet: { Type: 'Pass', Output: { greeting: "{% 'Hello ' & $states.input.name %}", count: '{% $count($states.input.items) %}' }, End: true } });
    expect(await outputOf(env, definition, { name: 'Ana', items: [1, 2, 3] })).toEqual({ greeting: 'Hello Ana', count: 3 });
  });

  test('a Task takes Arguments and outputs from $states.result; without Output the result is the output', async () => {
    const definition = jsonata({
      Double: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: fn('double'), Payload: { value: '{% $states.input.n %}' } },
        Output: { result: '{% $states.result.Payload.doubled %}', input: '{% $states.input.n %}' },
        Next: 'Raw',
      },
      Raw: { Type: 'Task', Resource: fn('double'), Arguments: { value: '{% $states.input.result %}' }, End: true },
    });
    expect(await outputOf(env, definition, { n: 21 })).toEqual({ doubled: 84 });
  });

  test('$states.context holds the execution and the state', async () => {
    const definition = jsonata({ Look: { Type: 'Pass', Output: { state: '{% $states.context.State.Name %}', started: '{% $exists($states.context.Execution.StartTime) %}' }, End: true } });
    expect(await outputOf(env, definition)).toEqual({ state: 'Look', started: true });
  });

  test('a Catch outputs and assigns from $states.errorOutput', async () => {
    const definition = jsonata({
      Fails: {
        Type: 'Task',
        Resource: fn('missing'),
        Catch: [{ ErrorEquals: ['States.ALL'], Assign: { failed: '{% $states.errorOutput.Error %}' }, Output: { caught: true }, Next: 'Report' }],
        End: true,
      },
      Report: { Type: 'Pass', Output: { failed: '{% $failed %}', input: '{% $states.input %}' }, End: true },
    });
    expect(await outputOf(env, definition)).toEqual({ failed: 'Error', input: { caught: true } });
  });
});

describe('flow', () => {
  test('a Choice branches on a Condition', async () => {
    const definition = jsonata({
      Route: { Type: 'Choice', Choices: [{ Condition: "{% $states.input.type = 'Private' %}", Next: 'Private' }], Default: 'Public' },
      Private: { Type: 'Pass', Output: { route: 'private' }, End: true },
      Public: { Type: 'Pass', Output: { route: 'public' }, End: true },
    });
    expect(await outputOf(env, definition, { type: 'Private' })).toEqual({ route: 'private' });
    expect(await outputOf(env, definition, { type: 'Company' })).toEqual({ route: 'public' });
  });

  test('a Map iterates over Items and shapes each with ItemSelector', async () => {
    const definition = jsonata({
      Each: {
        Type: 'Map',
        Items: '{% $states.input.nums %}',
        ItemSelector: { value: '{% $states.context.Map.Item.Value %}', index: '{% $states.context.Map.Item.Index %}' },
        ItemProcessor: { StartAt: 'Square', States: { Square: { Type: 'Pass', Output: '{% $states.input.value * $states.input.value + $states.input.index %}', End: true } } },
        Output: '{% $sum($states.result) %}',
        End: true,
      },
    });
    expect(await outputOf(env, definition, { nums: [1, 2, 3] })).toBe(1 + 5 + 11);
  });

  test('Assign stores variables that later expressions read as $name', async () => {
    const definition = jsonata({
      Total: { Type: 'Pass', Assign: { total: '{% $sum($states.input.nums) %}' }, Next: 'Use' },
      Use: { Type: 'Pass', Output: '{% $total * 2 %}', End: true },
    });
    expect(await outputOf(env, definition, { nums: [1, 2, 3] })).toBe(12);
  });

  test('a Fail state takes Error and Cause from expressions', async () => {
    const definition = jsonata({ Stop: { Type: 'Fail', Error: "{% 'Case.' & $states.input.reason %}", Cause: '{% $string($states.input.code) %}' } });
    expect(await outputOf(env, definition, { reason: 'Closed', code: 7 })).toEqual({ status: 'FAILED', error: 'Case.Closed', cause: '7' });
  });

  test('an expression that yields nothing fails the state with States.QueryEvaluationError', async () => {
    const definition = jsonata({ Missing: { Type: 'Pass', Output: '{% $states.input.absent %}', End: true } });
    expect(await outputOf(env, definition)).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
  });
});

test('QueryLanguage on one state runs it in JSONata inside a JSONPath machine', async () => {
  const definition = {
    StartAt: 'Path',
    States: {
      Path: { Type: 'Pass', Parameters: { 'n.$': '$.n' }, Next: 'Expression' },
      Expression: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { n: '{% $states.input.n + 1 %}' }, End: true },
    },
  };
  expect(await outputOf(env, definition, { n: 1 })).toEqual({ n: 2 });
});
