import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { stepFunctionsEngine } from '../../../functions/adapters/workflow-engine';
import type { WorkflowEngine, WorkflowInput } from '../../../functions/ports/workflow-engine.port';
import { failureNotRecorded } from '../../../functions/ports/workflow-engine.port';
import { startLocalStepFunctions, waitFor, type LocalStepFunctions } from '../../stepfunctions/local-stepfunctions.fixture';

/** With timeScale 0.001 a Wait of 3600 seconds lasts 3.6 s: long enough to describe it running. */
const TIME_SCALE = 0.001;

let env: LocalStepFunctions;
let engine: WorkflowEngine;

const input = (caseId: string): WorkflowInput => ({ caseId, tenant: '44021', type: 'test', version: 1 });

beforeAll(async () => {
  env = await startLocalStepFunctions(TIME_SCALE);
  const arns = {
    // What every workflow does when its failure recorder cannot write.
    unrecorded: await env.createMachine('loket-unrecorded', {
      StartAt: 'FailureNotRecorded',
      States: { FailureNotRecorded: { Type: 'Fail', Error: failureNotRecorded, Cause: 'the failure recorder could not write' } },
    }),
    done: await env.createMachine('loket-done', { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
    waiting: await env.createMachine('loket-waiting', { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } }),
  };
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
    const id = await engine.start('unrecorded', '01KCASE0000000000000000001', input('01KCASE0000000000000000001'));
    expect(await ended(id)).toEqual({ state: 'failed', error: 'FailureNotRecorded' });
  });

  test('one that succeeded gives no error', async () => {
    const id = await engine.start('done', '01KCASE0000000000000000002', input('01KCASE0000000000000000002'));
    expect(await ended(id)).toEqual({ state: 'succeeded' });
  });

  test('one that runs is running, and once Loket stops it, aborted with the stop error', async () => {
    const id = await engine.start('waiting', '01KCASE0000000000000000003', input('01KCASE0000000000000000003'));
    expect(await engine.describe(id)).toEqual({ state: 'running' });
    await engine.stop(id, 'the case was withdrawn');
    expect(await ended(id)).toEqual({ state: 'aborted', error: 'CaseClosed' });
  });

  test('one never started is missing', async () => {
    expect(await engine.describe(engine.executionIdFor('done', '01KCASE0000000000000000004'))).toEqual({ state: 'missing' });
  });
});
