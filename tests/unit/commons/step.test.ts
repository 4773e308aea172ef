import { describe, expect, test } from '@jest/globals';
import type { Context } from 'aws-lambda';
import * as z from '../../../functions/domain/zod';
import { stepHandler } from '../../../functions/commons/step';
import { caseErrors } from '../../../workflows/definitions';

/** A Lambda context with `remainingMs` left before the function's timeout. */
function contextWith(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'loket-test-step',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:loket-test-step',
    memoryLimitInMB: '256',
    awsRequestId: 'test-request',
    logGroupName: '/aws/lambda/loket-test-step',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('a workflow step that runs out of time', () => {
  test('fails with a TransientError, which every Task retries, not with a name no Retry covers', async () => {
    // A step slowed down (a throttled table, a slow store) until its function's timeout is near.
    const slow = stepHandler(z.object({ caseId: z.string() }), () => new Promise<never>(() => undefined));
    const failure = await slow({ caseId: 'c-1' }, contextWith(100)).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.name).toBe('TransientError');
    expect(failure!.message).toMatch(/time/);
  });

  test('a step that answers in time answers as it does', async () => {
    const quick = stepHandler(z.object({ caseId: z.string() }), async ({ caseId }) => ({ caseId, done: true }));
    await expect(quick({ caseId: 'c-2' }, contextWith(5000))).resolves.toEqual({ caseId: 'c-2', done: true });
  });
});

describe('a workflow step given input its schema refuses', () => {
  test("fails with the name every type's Catch lists for a step's invalid input, and says which field", async () => {
    const step = stepHandler(z.object({ caseId: z.string() }), async ({ caseId }) => ({ caseId }));
    const failure = await step({ caseId: 42 }, contextWith(5000)).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(caseErrors).toContain(failure!.name);
    expect(failure!.name).toBe('ZodError');
    expect(failure!.message).toMatch(/caseId/);
  });
});
