import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { SFNClient, TestStateCommand } from '@aws-sdk/client-sfn';
import { ROLE_ARN, fn, startLocalStepFunctions, type LocalStepFunctions } from '../local-stepfunctions.fixture';

/**
 * TestState, as https://docs.aws.amazon.com/step-functions/latest/dg/test-state-isolation.html describes it: one state
 * runs on an input and the answer is its output and next state, or its error with status FAILED, CAUGHT_ERROR (a
 * catcher took it; output and next state are the catcher's) or RETRIABLE (a retrier would take it).
 * TestState's endpoint carries a host prefix (`sync-`), which a local endpoint cannot answer: the client leaves it off.
 */

let env: LocalStepFunctions;
let sfn: SFNClient;

beforeAll(async () => {
  env = await startLocalStepFunctions(0.001);
  env.lambdas.set(fn('greet'), async (payload) => ({ greeting: `Hello ${(payload as { name: string }).name}` }));
  env.lambdas.set(fn('broken'), async () => {
    throw Object.assign(new Error('register unavailable'), { name: 'Register.Unavailable' });
  });
  sfn = new SFNClient({ endpoint: env.local.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, disableHostPrefix: true });
});

afterAll(async () => {
  sfn.destroy();
  await env.close();
});

const run = (state: object, input: object, variables?: object) =>
  sfn.send(
    new TestStateCommand({ definition: JSON.stringify(state), roleArn: ROLE_ARN, input: JSON.stringify(input), variables: variables && JSON.stringify(variables) }),
  );

test('a Task state answers its output and its next state', async () => {
  const state = { Type: 'Task', Resource: fn('greet'), ResultPath: '$.result', Next: 'Done' };
  expect(await run(state, { name: 'Ana' })).toMatchObject({ status: 'SUCCEEDED', nextState: 'Done', output: '{"name":"Ana","result":{"greeting":"Hello Ana"}}' });
});

test('a Choice state answers the state it chose; variables are given to the state', async () => {
  const state = { Type: 'Choice', Choices: [{ Variable: '$limit', NumericLessThan: 10, Next: 'Small' }], Default: 'Large' };
  expect(await run(state, {}, { limit: 3 })).toMatchObject({ status: 'SUCCEEDED', nextState: 'Small' });
  expect(await run(state, {}, { limit: 30 })).toMatchObject({ status: 'SUCCEEDED', nextState: 'Large' });
});

test('a failure is RETRIABLE when a retrier takes it, CAUGHT_ERROR when a catcher does, FAILED otherwise', async () => {
  const task = { Type: 'Task', Resource: fn('broken'), End: true };
  expect(await run({ ...task, Retry: [{ ErrorEquals: ['Register.Unavailable'] }] }, {})).toMatchObject({ status: 'RETRIABLE', error: 'Register.Unavailable' });
  expect(await run({ ...task, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }] }, { id: 1 })).toMatchObject({
    status: 'CAUGHT_ERROR',
    nextState: 'Recover',
    error: 'Register.Unavailable',
    output: expect.stringContaining('"id":1'),
  });
  expect(await run(task, {})).toMatchObject({ status: 'FAILED', error: 'Register.Unavailable' });
});
