import type { DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import type { LocalStepFunctions } from '../local-stepfunctions.fixture';

let machines = 0;

/** Runs a definition once on the local endpoint and answers how the execution ended. */
export async function runOnce(env: LocalStepFunctions, definition: object, input: unknown = {}): Promise<DescribeExecutionOutput> {
  machines += 1;
  const arn = await env.createMachine(`conformance-${machines}`, definition);
  return env.waitUntilDone(await env.start(arn, input));
}

/** The output of a run that must succeed; the failure's error and cause otherwise, so a mismatch reads clearly. */
export async function outputOf(env: LocalStepFunctions, definition: object, input: unknown = {}): Promise<unknown> {
  const done = await runOnce(env, definition, input);
  if (done.status !== 'SUCCEEDED') return { status: done.status, error: done.error, cause: done.cause };
  return JSON.parse(done.output ?? 'null') as unknown;
}
