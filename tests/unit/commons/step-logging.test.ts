import { expect, jest, test } from '@jest/globals';
import type { Context } from 'aws-lambda';
import * as z from '../../../functions/domain/zod';
import { logger } from '../../../functions/commons/powertools';
import { stepHandler } from '../../../functions/commons/step';

const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'loket-test-step',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:loket-test-step',
  memoryLimitInMB: '256',
  awsRequestId: 'test-request',
  logGroupName: '/aws/lambda/loket-test-step',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} satisfies Context;

/** Collects what the logger writes: debug and info go to stdout, warnings and errors to stderr. */
function capture(): { written: string[]; restore: () => void } {
  const written: string[] = [];
  const collect = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(collect), jest.spyOn(process.stderr, 'write').mockImplementation(collect)];
  return { written, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

/** Runs a step and returns what it threw and the JSON log lines it wrote. */
async function run(fail: () => never, payload: unknown): Promise<{ thrown: Error; lines: Record<string, unknown>[] }> {
  const { written, restore } = capture();
  logger.setLogLevel('INFO');
  try {
    const step = stepHandler(z.object({ caseId: z.string() }), async () => fail());
    const thrown = await step(payload, context).then(
      () => {
        throw new Error('the step did not fail');
      },
      (error: unknown) => error as Error,
    );
    return { thrown, lines: written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
  } finally {
    restore();
  }
}

class RegisterRefused extends Error {
  override name = 'RegisterRefused';
}

test('a step logs what it rethrows as an error, by name, with the case id and tenant, national numbers masked', async () => {
  const { thrown, lines } = await run(
    () => {
      throw new RegisterRefused('the register refused 85073003328');
    },
    { caseId: 'case-1', tenant: 'gent' },
  );
  expect(thrown.name).toBe('RegisterRefused');
  const errors = lines.filter((line) => line.level === 'ERROR');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ message: 'Step failed', errorName: 'RegisterRefused', caseId: 'case-1', tenant: 'gent' });
  expect(JSON.stringify(lines)).not.toContain('85073003328');
  expect(JSON.stringify(errors[0])).toContain('the register refused ***********');
});

test('a transient failure, which the workflow retries, is a warning and goes out as a TransientError', async () => {
  const { thrown, lines } = await run(
    () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    },
    { caseId: 'case-2' },
  );
  expect(thrown.name).toBe('TransientError');
  expect(lines.filter((line) => line.level === 'ERROR')).toHaveLength(0);
  expect(lines.find((line) => line.level === 'WARN')).toMatchObject({ errorName: 'TransientError', caseId: 'case-2' });
});

test('a payload the step refuses is logged too, with the case id it names', async () => {
  const step = stepHandler(z.object({ caseId: z.string(), count: z.number() }), async () => 'never');
  const { written, restore } = capture();
  try {
    await expect(step({ caseId: 'case-3', count: 'x' }, context)).rejects.toThrow();
  } finally {
    restore();
  }
  expect(written.join('')).toMatch(/"level":"ERROR".*"caseId":"case-3"|"caseId":"case-3".*"level":"ERROR"/);
});
