import { DescribeExecutionCommand, SFNClient, CreateStateMachineCommand, StartExecutionCommand, type DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { startStepFunctionsLocal, type StepFunctionsLocal } from '../../infra/local/stepfunctions/stepfunctions.server';

export const ROLE_ARN = 'arn:aws:iam::000000000000:role/loket-workflows';
export const fn = (name: string) => `arn:aws:lambda:eu-west-1:000000000000:function:${name}`;

type LambdaHandler = (payload: unknown) => Promise<unknown>;

/** A local endpoint with in-test Lambdas and an event sink, driven through the real SFN client. */
export interface LocalStepFunctions {
  readonly local: StepFunctionsLocal;
  readonly sfn: SFNClient;
  readonly lambdas: Map<string, LambdaHandler>;
  readonly invocations: { functionName: string; payload: unknown }[];
  readonly publishedEvents: PutEventsRequestEntry[];
  createMachine(name: string, definition: object): Promise<string>;
  start(stateMachineArn: string, input?: unknown, name?: string): Promise<string>;
  waitUntilDone(executionArn: string): Promise<DescribeExecutionOutput>;
  close(): Promise<void>;
}

export async function startLocalStepFunctions(timeScale: number, options: { maxWaitSeconds?: number } = {}): Promise<LocalStepFunctions> {
  const lambdas = new Map<string, LambdaHandler>();
  const invocations: { functionName: string; payload: unknown }[] = [];
  const publishedEvents: PutEventsRequestEntry[] = [];
  const local = await startStepFunctionsLocal({
    port: 0,
    timeScale,
    maxWaitSeconds: options.maxWaitSeconds,
    invokeLambda: async (functionName, payload) => {
      invocations.push({ functionName, payload });
      const handler = lambdas.get(functionName);
      if (!handler) throw new Error(`no test lambda named ${functionName}`);
      return handler(payload);
    },
    publishEvents: async (entries) => {
      publishedEvents.push(...entries);
    },
  });
  const sfn = new SFNClient({
    endpoint: local.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  return {
    local,
    sfn,
    lambdas,
    invocations,
    publishedEvents,
    async createMachine(name, definition) {
      const created = await sfn.send(
        new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN }),
      );
      return created.stateMachineArn!;
    },
    async start(stateMachineArn, input = {}, name) {
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }));
      return started.executionArn!;
    },
    async waitUntilDone(executionArn) {
      return waitFor(async () => {
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return described.status === 'RUNNING' ? undefined : described;
      });
    },
    async close() {
      sfn.destroy();
      await local.close();
    },
  };
}

/** Polls until `probe` yields a value; fails the test after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The `name` the SDK gives the error of a rejected call. */
export async function errorNameOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected the call to fail');
}
