import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineVersionCommand,
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ListExecutionsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachineVersionsCommand,
  PublishStateMachineVersionCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { ROLE_ARN, errorNameOf, startLocalStepFunctions, type LocalStepFunctions } from '../local-stepfunctions.fixture';

/**
 * Versions and aliases, as the Developer Guide describes them:
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-version.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-alias.html
 * and the API reference of each operation (PublishStateMachineVersion, CreateStateMachineAlias, ...).
 */

const says = (text: string) => ({ StartAt: 'Say', States: { Say: { Type: 'Pass', Result: { text }, End: true } } });
/** Waits for a callback, so an execution can be kept running across an update. */
const waitsThenSays = (text: string) => ({
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Wait', Seconds: 1, Next: 'Say' },
    Say: { Type: 'Pass', Result: { text }, End: true },
  },
});

let env: LocalStepFunctions;

beforeAll(async () => {
  env = await startLocalStepFunctions(0.05);
});

afterAll(async () => {
  await env.close();
});

const create = (name: string, definition: object, extra: { publish?: boolean; versionDescription?: string } = {}) =>
  env.sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN, ...extra }));
const update = (stateMachineArn: string, definition: object, extra: { publish?: boolean; versionDescription?: string } = {}) =>
  env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: JSON.stringify(definition), ...extra }));
const publish = (stateMachineArn: string, extra: { description?: string; revisionId?: string } = {}) =>
  env.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn, ...extra }));
const outputOf = async (executionArn: string) => JSON.parse((await env.waitUntilDone(executionArn)).output ?? 'null') as unknown;

describe('versions', () => {
  test('publish: true on create and on update publishes versions 1 and 2, numbered after the machine ARN', async () => {
    const created = await create('published-on-create', says('one'), { publish: true, versionDescription: 'first' });
    expect(created.stateMachineVersionArn).toBe(`${created.stateMachineArn}:1`);

    const updated = await update(created.stateMachineArn!, says('two'), { publish: true, versionDescription: 'second' });
    expect(updated.stateMachineVersionArn).toBe(`${created.stateMachineArn}:2`);
    expect(updated.revisionId).toEqual(expect.any(String));

    const listed = await env.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: created.stateMachineArn }));
    expect(listed.stateMachineVersions?.map((version) => version.stateMachineVersionArn)).toEqual([
      `${created.stateMachineArn}:2`,
      `${created.stateMachineArn}:1`,
    ]);
  });

  test('DescribeStateMachine on a version ARN describes that version, not the latest revision', async () => {
    const created = await create('described-version', says('one'), { publish: true, versionDescription: 'first' });
    await update(created.stateMachineArn!, says('two'));

    const version = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineVersionArn }));
    expect(version).toMatchObject({ stateMachineArn: created.stateMachineVersionArn, name: 'described-version', description: 'first' });
    expect(JSON.parse(version.definition!)).toEqual(says('one'));
    const latest = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(JSON.parse(latest.definition!)).toEqual(says('two'));
  });

  test('publishing is idempotent per revision, and a stale revisionId is refused with ConflictException', async () => {
    const { stateMachineArn } = await create('idempotent-publish', says('one'));
    const first = await publish(stateMachineArn!, { revisionId: 'INITIAL' });
    const again = await publish(stateMachineArn!);
    expect(again.stateMachineVersionArn).toBe(first.stateMachineVersionArn);

    const { revisionId } = await update(stateMachineArn!, says('two'));
    expect(await errorNameOf(publish(stateMachineArn!, { revisionId: 'INITIAL' }))).toBe('ConflictException');
    const second = await publish(stateMachineArn!, { revisionId });
    expect(second.stateMachineVersionArn).toBe(`${stateMachineArn}:2`);
  });

  test('a deleted version number is not reused; a version an alias routes to cannot be deleted', async () => {
    const { stateMachineArn } = await create('deleted-version', says('one'), { publish: true });
    await update(stateMachineArn!, says('two'), { publish: true });
    await env.sfn.send(
      new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${stateMachineArn}:1`, weight: 100 }] }),
    );

    expect(await errorNameOf(env.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${stateMachineArn}:1` })))).toBe(
      'ConflictException',
    );
    await env.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${stateMachineArn}:2` }));
    const third = await update(stateMachineArn!, says('three'), { publish: true });
    expect(third.stateMachineVersionArn).toBe(`${stateMachineArn}:3`);
  });
});

describe('aliases', () => {
  test('create, describe, update and list an alias with its routing configuration', async () => {
    const { stateMachineArn } = await create('aliased', says('one'), { publish: true });
    await update(stateMachineArn!, says('two'), { publish: true });
    const routing = [{ stateMachineVersionArn: `${stateMachineArn}:1`, weight: 100 }];
    const created = await env.sfn.send(new CreateStateMachineAliasCommand({ name: 'prod', description: 'live', routingConfiguration: routing }));
    expect(created.stateMachineAliasArn).toBe(`${stateMachineArn}:prod`);

    const moved = [
      { stateMachineVersionArn: `${stateMachineArn}:2`, weight: 90 },
      { stateMachineVersionArn: `${stateMachineArn}:1`, weight: 10 },
    ];
    await env.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn, routingConfiguration: moved }));
    const described = await env.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn }));
    expect(described).toMatchObject({ name: 'prod', description: 'live', routingConfiguration: moved });
    expect(described.updateDate).toBeInstanceOf(Date);

    const listed = await env.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn }));
    expect(listed.stateMachineAliases?.map((alias) => alias.stateMachineAliasArn)).toEqual([created.stateMachineAliasArn]);
    await env.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn }));
    expect(await errorNameOf(env.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn })))).toBe(
      'ResourceNotFound',
    );
  });

  test('routing weights must add up to 100 and name versions of the same state machine', async () => {
    const { stateMachineArn } = await create('routed', says('one'), { publish: true });
    const other = await create('other-machine', says('x'), { publish: true });
    const alias = (routingConfiguration: { stateMachineVersionArn: string; weight: number }[]) =>
      env.sfn.send(new CreateStateMachineAliasCommand({ name: 'bad', routingConfiguration }));

    expect(await errorNameOf(alias([{ stateMachineVersionArn: `${stateMachineArn}:1`, weight: 60 }]))).toBe('ValidationException');
    expect(
      await errorNameOf(
        alias([
          { stateMachineVersionArn: `${stateMachineArn}:1`, weight: 50 },
          { stateMachineVersionArn: other.stateMachineVersionArn!, weight: 50 },
        ]),
      ),
    ).toBe('ValidationException');
    expect(await errorNameOf(alias([{ stateMachineVersionArn: `${stateMachineArn}:9`, weight: 100 }]))).toBe('ResourceNotFound');
  });
});

describe('executions on versions and aliases', () => {
  test('an execution started on an alias runs the version it routes to and says so; the old one keeps its definition after an update', async () => {
    const { stateMachineArn } = await create('on-alias', waitsThenSays('old'), { publish: true });
    const { stateMachineAliasArn } = await env.sfn.send(
      new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${stateMachineArn}:1`, weight: 100 }] }),
    );
    const before = await env.start(stateMachineAliasArn!, {});

    const { stateMachineVersionArn } = await update(stateMachineArn!, says('new'), { publish: true });
    await env.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn, routingConfiguration: [{ stateMachineVersionArn, weight: 100 }] }));
    const after = await env.start(stateMachineAliasArn!, {});

    expect(before).toBe(`arn:aws:states:eu-west-1:000000000000:execution:on-alias:${before.split(':').at(-1)}`);
    expect(await outputOf(after)).toEqual({ text: 'new' });
    expect(await outputOf(before)).toEqual({ text: 'old' });
    const described = await env.sfn.send(new DescribeExecutionCommand({ executionArn: before }));
    expect(described).toMatchObject({ stateMachineArn, stateMachineAliasArn, stateMachineVersionArn: `${stateMachineArn}:1` });
    const ranOn = await env.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: before }));
    expect(JSON.parse(ranOn.definition!)).toEqual(waitsThenSays('old'));
    expect(ranOn.stateMachineArn).toBe(stateMachineArn);

    const onVersion1 = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: `${stateMachineArn}:1` }));
    expect(onVersion1.executions?.map((execution) => execution.executionArn)).toEqual([before]);
    const onAlias = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineAliasArn }));
    expect(onAlias.executions?.map((execution) => execution.executionArn).sort()).toEqual([after, before].sort());
  });

  test('an execution started on a version ARN runs that version', async () => {
    const { stateMachineArn } = await create('on-version', says('one'), { publish: true });
    await update(stateMachineArn!, says('two'));

    const execution = await env.start(`${stateMachineArn}:1`, {});
    expect(await outputOf(execution)).toEqual({ text: 'one' });
    expect(await outputOf(await env.start(stateMachineArn!, {}))).toEqual({ text: 'two' });
    expect(await errorNameOf(env.start(`${stateMachineArn}:7`, {}))).toBe('StateMachineDoesNotExist');
  });
});
