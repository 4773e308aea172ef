import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { CreateStateMachineCommand, ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-sfn';
import { ROLE_ARN, errorNameOf, startLocalStepFunctions, type LocalStepFunctions } from '../local-stepfunctions.fixture';

/**
 * Tagging, as https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html#concepts-tagging and the API
 * reference of TagResource, UntagResource and ListTagsForResource describe it: tags given on create are kept, TagResource
 * adds or overwrites by key, UntagResource removes by key.
 */

let env: LocalStepFunctions;

beforeAll(async () => {
  env = await startLocalStepFunctions(0.001);
});

afterAll(async () => {
  await env.close();
});

const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
const tagsOf = async (resourceArn: string) => (await env.sfn.send(new ListTagsForResourceCommand({ resourceArn }))).tags;

test('tags given on create are listed, TagResource overwrites by key and UntagResource removes', async () => {
  const { stateMachineArn } = await env.sfn.send(
    new CreateStateMachineCommand({ name: 'tagged', definition, roleArn: ROLE_ARN, tags: [{ key: 'team', value: 'intake' }] }),
  );
  expect(await tagsOf(stateMachineArn!)).toEqual([{ key: 'team', value: 'intake' }]);

  await env.sfn.send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: [{ key: 'team', value: 'review' }, { key: 'cost', value: 'x' }] }));
  expect(await tagsOf(stateMachineArn!)).toEqual([
    { key: 'team', value: 'review' },
    { key: 'cost', value: 'x' },
  ]);
  await env.sfn.send(new UntagResourceCommand({ resourceArn: stateMachineArn, tagKeys: ['team'] }));
  expect(await tagsOf(stateMachineArn!)).toEqual([{ key: 'cost', value: 'x' }]);
});

test('tagging an unknown resource answers ResourceNotFound; more than 50 tags TooManyTags', async () => {
  const unknown = 'arn:aws:states:eu-west-1:000000000000:stateMachine:nothing';
  expect(await errorNameOf(env.sfn.send(new ListTagsForResourceCommand({ resourceArn: unknown })))).toBe('ResourceNotFound');
  const { stateMachineArn } = await env.sfn.send(new CreateStateMachineCommand({ name: 'many-tags', definition, roleArn: ROLE_ARN }));
  const tags = Array.from({ length: 51 }, (_, index) => ({ key: `k${index}`, value: 'v' }));
  expect(await errorNameOf(env.sfn.send(new TagResourceCommand({ resourceArn: stateMachineArn, tags })))).toBe('TooManyTags');
  expect(await tagsOf(stateMachineArn!)).toEqual([]);
});
