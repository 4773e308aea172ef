import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ListTagsForResourceCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  TagResourceCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { ROLE_ARN, startLocalStepFunctions, waitFor, type LocalStepFunctions } from '../local-stepfunctions.fixture';

/**
 * Issue 13's goal, through the SDK (CI has no AWS CLI; tests/stepfunctions/aws-cli/sequence.sh runs the same with it):
 * create, publish, alias, start on the alias, update, start again (the old execution keeps the old definition),
 * redrive and tag. Expected behaviour: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cd-aliasing-versioning.html
 * and https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html (a redrive runs the definition the
 * execution started with).
 */

const definition = (version: 1 | 2) => readFileSync(new URL(`../aws-cli/v${version}.asl.json`, import.meta.url), 'utf8');

let env: LocalStepFunctions;

beforeAll(async () => {
  env = await startLocalStepFunctions(0.05);
});

afterAll(async () => {
  await env.close();
});

test('create, publish, alias, start, update, start again, redrive the old execution on its own version, and tag', async () => {
  const created = await env.sfn.send(
    new CreateStateMachineCommand({ name: 'designer-sequence', definition: definition(1), roleArn: ROLE_ARN, publish: true, tags: [{ key: 'team', value: 'intake' }] }),
  );
  const machine = created.stateMachineArn!;
  const { stateMachineAliasArn: alias } = await env.sfn.send(
    new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: created.stateMachineVersionArn, weight: 100 }] }),
  );
  const { executionArn: before } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn: alias, name: 'before-update' }));

  const updated = await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: machine, definition: definition(2), publish: true }));
  await env.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: alias, routingConfiguration: [{ stateMachineVersionArn: updated.stateMachineVersionArn, weight: 100 }] }));
  const { executionArn: after } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn: alias, name: 'after-update' }));

  expect(await env.waitUntilDone(after!)).toMatchObject({ status: 'SUCCEEDED', output: '{"version":2}', stateMachineVersionArn: `${machine}:2` });
  expect(await env.waitUntilDone(before!)).toMatchObject({ status: 'FAILED', error: 'Register.Unavailable', stateMachineVersionArn: `${machine}:1` });

  await env.sfn.send(new RedriveExecutionCommand({ executionArn: before }));
  const redriven = await waitFor(async () => {
    const described = await env.sfn.send(new DescribeExecutionCommand({ executionArn: before }));
    return described.status === 'SUCCEEDED' ? described : undefined;
  });
  expect(redriven).toMatchObject({ output: '{"version":1}', redriveCount: 1, stateMachineAliasArn: alias });
  const ranOn = await env.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: before }));
  expect(ranOn.definition).toBe(definition(1));

  await env.sfn.send(new TagResourceCommand({ resourceArn: machine, tags: [{ key: 'owner', value: 'designers' }] }));
  const { tags } = await env.sfn.send(new ListTagsForResourceCommand({ resourceArn: machine }));
  expect(tags).toEqual([
    { key: 'team', value: 'intake' },
    { key: 'owner', value: 'designers' },
  ]);
});
