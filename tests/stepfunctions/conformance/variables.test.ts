import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { fn, startLocalStepFunctions, type LocalStepFunctions } from '../local-stepfunctions.fixture';
import { outputOf } from './conformance.fixture';

/**
 * Workflow variables in JSONPath states, as https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 * describes them: Assign stores values (literals, or paths with `.$`), later states read them as `$name`, all of a
 * state's assignments take effect after the state (its own fields read the values from its entry), and a Map
 * iteration or Parallel branch reads the variables around it while its own stay inside.
 */

let env: LocalStepFunctions;

beforeAll(async () => {
  env = await startLocalStepFunctions(0.01);
  env.lambdas.set(fn('echo'), async (payload) => payload);
});

afterAll(async () => {
  await env.close();
});

describe('Assign and $name references', () => {
  test('a Pass assigns literals and paths; a later state reads them, also through a path into the value', async () => {
    const definition = {
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { productName: 'product1', 'order.$': '$.order' }, Next: 'Use' },
        Use: { Type: 'Pass', Parameters: { 'name.$': '$productName', 'count.$': '$order.count', 'all.$': 'States.Format(\'{} x {}\', $order.count, $productName)' }, End: true },
      },
    };
    expect(await outputOf(env, definition, { order: { count: 3 } })).toEqual({ name: 'product1', count: 3, all: '3 x product1' });
  });

  test('a state reads the values from its entry: its own Assign takes effect after it', async () => {
    const definition = {
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Assign: { x: 1 }, Next: 'Second' },
        Second: { Type: 'Pass', Assign: { x: 2, 'previous.$': '$x' }, Parameters: { 'seen.$': '$x' }, Next: 'Third' },
        Third: { Type: 'Pass', Parameters: { 'x.$': '$x', 'previous.$': '$previous', 'input.$': '$' }, End: true },
      },
    };
    expect(await outputOf(env, definition)).toEqual({ x: 2, previous: 1, input: { seen: 1 } });
  });

  test('a Task assigns from its result; variables pass states that do not carry them in their output', async () => {
    const definition = {
      StartAt: 'Look',
      States: {
        Look: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('echo'), Payload: { answer: 42 } },
          ResultSelector: { 'answer.$': '$.Payload.answer' },
          Assign: { 'answer.$': '$.answer' },
          OutputPath: '$.nothing',
          ResultPath: '$.nothing',
          Next: 'Forget',
        },
        Forget: { Type: 'Pass', Result: {}, Next: 'Recall' },
        Recall: { Type: 'Pass', Parameters: { 'answer.$': '$answer' }, End: true },
      },
    };
    expect(await outputOf(env, definition, { nothing: {} })).toEqual({ answer: 42 });
  });

  test('a Choice rule and a Catch assign; the catcher reads the error output', async () => {
    const definition = {
      StartAt: 'Route',
      States: {
        Route: { Type: 'Choice', Choices: [{ Variable: '$.kind', StringEquals: 'move', Assign: { 'route.$': '$.kind' }, Next: 'Fail' }], Default: 'Fail' },
        Fail: {
          Type: 'Task',
          Resource: fn('missing'),
          Catch: [{ ErrorEquals: ['States.ALL'], Assign: { 'failure.$': '$.Error' }, ResultPath: '$.error', Next: 'Report' }],
          End: true,
        },
        Report: { Type: 'Pass', Parameters: { 'route.$': '$route', 'failure.$': '$failure' }, End: true },
      },
    };
    expect(await outputOf(env, definition, { kind: 'move' })).toEqual({ route: 'move', failure: 'Error' });
  });
});

describe('scopes', () => {
  test('Map iterations read outer variables; what they assign stays inside', async () => {
    const definition = {
      StartAt: 'Prefix',
      States: {
        Prefix: { Type: 'Pass', Assign: { prefix: 'item-' }, Next: 'Each' },
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Name',
            States: {
              Name: { Type: 'Pass', Assign: { 'inner.$': '$' }, Next: 'Format' },
              Format: { Type: 'Pass', Parameters: { 'name.$': "States.Format('{}{}', $prefix, $inner)" }, End: true },
            },
          },
          Next: 'After',
        },
        After: { Type: 'Pass', Parameters: { 'names.$': '$', 'prefix.$': '$prefix' }, End: true },
      },
    };
    expect(await outputOf(env, definition, { items: [1, 2] })).toEqual({ names: [{ name: 'item-1' }, { name: 'item-2' }], prefix: 'item-' });
  });

  test('a Parallel branch reads outer variables', async () => {
    // State names are unique across the whole machine, branches included.
    const branch = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Pass', Parameters: { 'who.$': '$who' }, End: true } } });
    const definition = {
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { who: 'clerk' }, Next: 'Both' },
        Both: { Type: 'Parallel', Branches: [branch('ReadLeft'), branch('ReadRight')], End: true },
      },
    };
    expect(await outputOf(env, definition)).toEqual([{ who: 'clerk' }, { who: 'clerk' }]);
  });
});
