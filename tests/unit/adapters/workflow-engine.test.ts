import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CreateStateMachineAliasCommand, PublishStateMachineVersionCommand, UpdateStateMachineAliasCommand, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import { aliasArnOf, stepFunctionsEngine, stepFunctionsPositions, typeVersionDescription, workflowAlias } from '../../../functions/adapters/workflow-engine';
import { withMigrationEntry } from '../../../workflows/definitions';
import type { WorkflowEngine, WorkflowInput } from '../../../functions/ports/workflow-engine.port';
import { failureNotRecorded } from '../../../functions/ports/workflow-engine.port';
import { startLocalStepFunctions, waitFor, type LocalStepFunctions } from '../../stepfunctions/local-stepfunctions.fixture';

/** With timeScale 0.001 a Wait of 3600 seconds lasts 3.6 s: long enough to describe it running. */
const TIME_SCALE = 0.001;

let env: LocalStepFunctions;
let engine: WorkflowEngine;
let arns: Record<string, string>;

/** Publishes the machine's definition as type version `version` and routes the alias to it, as a deployment does. */
async function publish(stateMachineArn: string, version: number, alias: 'create' | 'update' = 'update'): Promise<string> {
  const { stateMachineVersionArn } = await env.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn, description: typeVersionDescription(version) }));
  const routingConfiguration = [{ stateMachineVersionArn, weight: 100 }];
  if (alias === 'create') await env.sfn.send(new CreateStateMachineAliasCommand({ name: workflowAlias, routingConfiguration }));
  else await env.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArnOf(stateMachineArn), routingConfiguration }));
  return stateMachineVersionArn as string;
}

const input = (caseId: string): WorkflowInput => ({ caseId, tenant: '44021', type: 'test', version: 1 });

beforeAll(async () => {
  env = await startLocalStepFunctions(TIME_SCALE);
  arns = {
    // What every workflow does when its failure recorder cannot write.
    unrecorded: await env.createMachine('loket-unrecorded', {
      StartAt: 'FailureNotRecorded',
      States: { FailureNotRecorded: { Type: 'Fail', Error: failureNotRecorded, Cause: 'the failure recorder could not write' } },
    }),
    done: await env.createMachine('loket-done', { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
    waiting: await env.createMachine('loket-waiting', { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } }),
  };
  for (const arn of Object.values(arns)) await publish(arn, 1, 'create');
  engine = stepFunctionsEngine(env.sfn, () => arns);
});

afterAll(async () => {
  await env.close();
});

/** Describes until the execution is no longer running. */
const ended = (executionId: string) => waitFor(async () => {
  const status = await engine.describe(executionId);
  return status.state === 'running' ? undefined : status;
});

describe('describing an execution through the Step Functions client', () => {
  test('one that failed gives its state and its error name', async () => {
    const { executionId: id } = await engine.start('unrecorded', '01KCASE0000000000000000001', input('01KCASE0000000000000000001'));
    expect(await ended(id)).toEqual({ state: 'failed', error: 'FailureNotRecorded' });
  });

  test('one that succeeded gives no error', async () => {
    const { executionId: id } = await engine.start('done', '01KCASE0000000000000000002', input('01KCASE0000000000000000002'));
    expect(await ended(id)).toEqual({ state: 'succeeded' });
  });

  test('one that runs is running, and once Loket stops it, aborted with the stop error', async () => {
    const { executionId: id } = await engine.start('waiting', '01KCASE0000000000000000003', input('01KCASE0000000000000000003'));
    expect(await engine.describe(id)).toEqual({ state: 'running' });
    await engine.stop(id, 'the case was withdrawn');
    expect(await ended(id)).toEqual({ state: 'aborted', error: 'CaseClosed' });
  });

  test('one never started is missing', async () => {
    expect(await engine.describe(engine.executionIdFor('done', '01KCASE0000000000000000004'))).toEqual({ state: 'missing' });
  });
});

describe('starting a case on its type\'s published versions', () => {
  test('a new case starts on the alias and learns the version it runs and the type version that version publishes', async () => {
    const waiting = arns.waiting as string;
    const started = await engine.start('waiting', '01KCASE0000000000000000005', input('01KCASE0000000000000000005'));
    expect(started).toEqual({ executionId: engine.executionIdFor('waiting', '01KCASE0000000000000000005'), versionArn: `${waiting}:1`, typeVersion: 1 });
  });

  test('after a publish, a new case runs the new version, and a case that records the old one starts on it again', async () => {
    const waiting = arns.waiting as string;
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: waiting, definition: JSON.stringify({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 7200, End: true } } }) }));
    const second = await publish(waiting, 2);
    const fresh = await engine.start('waiting', '01KCASE0000000000000000006', input('01KCASE0000000000000000006'));
    expect(fresh).toMatchObject({ versionArn: second, typeVersion: 2 });
    const kept = await engine.start('waiting', '01KCASE0000000000000000007', input('01KCASE0000000000000000007'), `${waiting}:1`);
    expect(kept).toMatchObject({ versionArn: `${waiting}:1`, typeVersion: 1 });
  });

  test('a repeated start answers the version the first one runs, not the alias\'s newest', async () => {
    const waiting = arns.waiting as string;
    const again = await engine.start('waiting', '01KCASE0000000000000000005', input('01KCASE0000000000000000005'));
    expect(again).toMatchObject({ versionArn: `${waiting}:1`, typeVersion: 1 });
  });
});

describe('the version new cases start on', () => {
  test('is the one the alias routes to, with the type version it publishes; a start asked for it runs it', async () => {
    await env.createMachine('loket-current', { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }).then((arn) => (arns.current = arn));
    const first = await publish(arns.current as string, 1, 'create');
    expect(await engine.currentVersion('current')).toEqual({ versionArn: first, typeVersion: 1 });
    // Step Functions publishes an unchanged revision as the version it already has.
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arns.current as string, definition: JSON.stringify({ StartAt: 'Finished', States: { Finished: { Type: 'Succeed' } } }) }));
    const second = await publish(arns.current as string, 4);
    expect(await engine.currentVersion('current')).toEqual({ versionArn: second, typeVersion: 4 });
    expect(await engine.start('current', '01KCASE0000000000000000021', input('01KCASE0000000000000000021'), first)).toEqual({
      executionId: engine.executionIdFor('current', '01KCASE0000000000000000021'),
      versionArn: first,
      typeVersion: 1,
    });
  });

  test('is not known before a start while the alias is split between two versions', async () => {
    await env.createMachine('loket-split', { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }).then((arn) => (arns.split = arn));
    const first = await publish(arns.split as string, 1, 'create');
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arns.split as string, definition: JSON.stringify({ StartAt: 'Finished', States: { Finished: { Type: 'Succeed' } } }) }));
    const { stateMachineVersionArn: second } = await env.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arns.split as string, description: typeVersionDescription(2) }));
    await env.sfn.send(
      new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArnOf(arns.split as string), routingConfiguration: [{ stateMachineVersionArn: first, weight: 90 }, { stateMachineVersionArn: second, weight: 10 }] }),
    );
    expect(await engine.currentVersion('split')).toBeUndefined();
  });
});

describe('where running cases stand, for a migration', () => {
  /** Receives, waits in a Parallel whose branch waits an hour, then finishes: with the entry state every deployment adds. */
  const parallel = withMigrationEntry({
    StartAt: 'Receive',
    States: {
      Receive: { Type: 'Pass', Result: { received: true }, ResultPath: '$.receipt', Next: 'Both' },
      Both: { Type: 'Parallel', Branches: [{ StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } } }], ResultPath: null, Next: 'Finish' },
      Finish: { Type: 'Succeed' },
    },
  });

  test('the versions with their type versions and definitions, the executions running on one, and the top-level state each is in with its input', async () => {
    const machine = await env.createMachine('loket-positions', parallel);
    const first = await publish(machine, 1, 'create');
    const positions = stepFunctionsPositions(env.sfn, () => ({ positions: machine }));
    const positionsEngine = stepFunctionsEngine(env.sfn, () => ({ positions: machine }));
    await positionsEngine.start('positions', '01KCASE0000000000000000021', input('01KCASE0000000000000000021'));

    const versions = await positions.versionsOf('positions');
    expect(versions).toEqual([{ versionArn: first, typeVersion: 1, definition: parallel }]);
    expect([...(await positions.runningOn(first))].sort()).toEqual([positionsEngine.executionIdFor('positions', '01KCASE0000000000000000021')]);

    const executionId = positionsEngine.executionIdFor('positions', '01KCASE0000000000000000021');
    const position = await waitFor(async () => positions.positionOf(executionId, new Set(['Receive', 'Both', 'Finish'])));
    // Inside the Parallel's branch, the case stands in the Parallel: the top-level state a map names.
    expect(position).toEqual({ state: 'Both', input: { ...input('01KCASE0000000000000000021'), receipt: { received: true } } });

    await positionsEngine.stop(executionId, 'done with it', 'CaseMigrated');
    expect(await positionsEngine.describe(executionId)).toEqual({ state: 'aborted', error: 'CaseMigrated' });
    expect(await positions.positionOf(executionId, new Set(['Receive', 'Both', 'Finish']))).toBeUndefined();
    expect(await positions.runningOn(first)).toEqual([]);
    await expect(positions.versionsOf('unknown')).rejects.toThrow("No state machine is deployed for transaction type 'unknown'");
  });

  test('an execution that names a state in resumeAt starts there with its input; one that names no state of the version fails at once', async () => {
    const machine = await env.createMachine('loket-resumable', parallel);
    await publish(machine, 1, 'create');
    const resumable = stepFunctionsEngine(env.sfn, () => ({ resumable: machine }));
    const resumed = await resumable.start('resumable', '01KCASE0000000000000000030', { ...input('01KCASE0000000000000000030'), resumeAt: 'Finish', kept: 1 });
    expect(await ended(resumed.executionId)).toEqual({ state: 'succeeded' });
    const wrong = await resumable.start('resumable', '01KCASE0000000000000000031', { ...input('01KCASE0000000000000000031'), resumeAt: 'Hold' });
    expect(await ended(wrong.executionId)).toEqual({ state: 'failed', error: 'Loket.UnknownResumePoint' });
  });
});
