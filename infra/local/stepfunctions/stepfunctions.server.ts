import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ZodError, type ZodType } from 'zod';
import { Executions } from './executions';
import { SfnError } from './sfn-error';
import { StateMachines } from './state-machines';
import {
  createStateMachineAliasInput,
  createStateMachineInput,
  listStateMachineAliasesInput,
  listStateMachineVersionsInput,
  publishStateMachineVersionInput,
  resourceArnInput,
  stateMachineAliasArnInput,
  stateMachineVersionArnInput,
  tagResourceInput,
  testStateInput,
  untagResourceInput,
  updateStateMachineAliasInput,
  validateStateMachineDefinitionInput,
  executionArnInput,
  getExecutionHistoryInput,
  listExecutionsInput,
  listStateMachinesInput,
  redriveExecutionInput,
  sendTaskFailureInput,
  sendTaskHeartbeatInput,
  sendTaskSuccessInput,
  startExecutionInput,
  describeStateMachineInput,
  stateMachineArnInput,
  stopExecutionInput,
  updateStateMachineInput,
} from './stepfunctions.schemas';
import { loadTimeoutErrorFactory } from './states-timeout';
import { TaskCallbacks } from './task-callbacks';
import { testState } from './test-state';

export interface StepFunctionsLocalOptions {
  /**
   * Port to listen on, on 127.0.0.1; 0 picks a free port.
   * @default 0
   */
  port?: number;
  /** @default 'eu-west-1' */
  region?: string;
  /** Runs a Lambda task; receives exactly the FunctionName or function ARN the definition names. */
  invokeLambda: (functionName: string, payload: unknown) => Promise<unknown>;
  /** Needed only by definitions with `arn:aws:states:::dynamodb:*` tasks. */
  dynamodb?: DynamoDBClient;
  /** Needed only by definitions with `arn:aws:states:::events:putEvents` tasks; Detail arrives serialized. */
  publishEvents?: (entries: PutEventsRequestEntry[]) => Promise<void>;
  /**
   * Multiplies Task TimeoutSeconds and HeartbeatSeconds, Wait Seconds, Retry IntervalSeconds and
   * MaxDelaySeconds, and the execution's TimeoutSeconds, so tests can shorten long waits.
   * @default 1
   */
  timeScale?: number;
  /**
   * Caps every Wait state (Seconds, SecondsPath, Timestamp or TimestampPath) at this many
   * seconds, after timeScale, so a workflow that waits days can be run through locally.
   * @default no cap: waits last as long as they ask
   */
  maxWaitSeconds?: number;
  /** Log lines for operators. @default silent */
  log?: (line: string) => void;
}

export interface StepFunctionsLocal {
  /** `http://127.0.0.1:<port>`, to pass as `endpoint` to SFNClient or `--endpoint-url` to the AWS CLI. */
  readonly endpoint: string;
  /** Stops running executions and closes the server. */
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';

/** The three parts of the endpoint: control plane, execution runner and task callbacks. */
interface Engine {
  readonly stateMachines: StateMachines;
  readonly executions: Executions;
  readonly callbacks: TaskCallbacks;
}

type Operation = (engine: Engine, body: unknown) => unknown;

function operation<T>(schema: ZodType<T>, run: (engine: Engine, request: T) => unknown): Operation {
  return (engine, body) => run(engine, schema.parse(body));
}

const operations: Record<string, Operation> = {
  CreateStateMachine: operation(createStateMachineInput, ({ stateMachines }, request) => stateMachines.createStateMachine(request)),
  DescribeStateMachine: operation(describeStateMachineInput, ({ stateMachines }, request) => stateMachines.describeStateMachine(request)),
  ListStateMachines: operation(listStateMachinesInput, ({ stateMachines }, request) => stateMachines.listStateMachines(request)),
  UpdateStateMachine: operation(updateStateMachineInput, ({ stateMachines }, request) => stateMachines.updateStateMachine(request)),
  // Running executions of a deleted state machine are stopped, as on AWS.
  DeleteStateMachine: operation(stateMachineArnInput, ({ stateMachines, executions }, request) => {
    const deleted = stateMachines.deleteStateMachine(request);
    if (deleted) executions.stopExecutionsOf(deleted);
    return {};
  }),
  PublishStateMachineVersion: operation(publishStateMachineVersionInput, ({ stateMachines }, request) => stateMachines.publishStateMachineVersion(request)),
  ListStateMachineVersions: operation(listStateMachineVersionsInput, ({ stateMachines }, request) => stateMachines.listStateMachineVersions(request)),
  DeleteStateMachineVersion: operation(stateMachineVersionArnInput, ({ stateMachines }, request) => stateMachines.deleteStateMachineVersion(request)),
  CreateStateMachineAlias: operation(createStateMachineAliasInput, ({ stateMachines }, request) => stateMachines.createStateMachineAlias(request)),
  DescribeStateMachineAlias: operation(stateMachineAliasArnInput, ({ stateMachines }, request) => stateMachines.describeStateMachineAlias(request)),
  UpdateStateMachineAlias: operation(updateStateMachineAliasInput, ({ stateMachines }, request) => stateMachines.updateStateMachineAlias(request)),
  ListStateMachineAliases: operation(listStateMachineAliasesInput, ({ stateMachines }, request) => stateMachines.listStateMachineAliases(request)),
  DeleteStateMachineAlias: operation(stateMachineAliasArnInput, ({ stateMachines }, request) => stateMachines.deleteStateMachineAlias(request)),
  ValidateStateMachineDefinition: operation(validateStateMachineDefinitionInput, ({ stateMachines }, request) =>
    stateMachines.validateStateMachineDefinition(request),
  ),
  TestState: operation(testStateInput, ({ stateMachines }, request) => testState(request, (definition) => stateMachines.compile(definition))),
  TagResource: operation(tagResourceInput, ({ stateMachines }, request) => stateMachines.tagResource(request)),
  UntagResource: operation(untagResourceInput, ({ stateMachines }, request) => stateMachines.untagResource(request)),
  ListTagsForResource: operation(resourceArnInput, ({ stateMachines }, request) => stateMachines.listTagsForResource(request)),
  StartExecution: operation(startExecutionInput, ({ executions }, request) => executions.startExecution(request)),
  DescribeExecution: operation(executionArnInput, ({ executions }, request) => executions.describeExecution(request)),
  DescribeStateMachineForExecution: operation(executionArnInput, ({ executions }, request) => executions.describeStateMachineForExecution(request)),
  ListExecutions: operation(listExecutionsInput, ({ executions }, request) => executions.listExecutions(request)),
  GetExecutionHistory: operation(getExecutionHistoryInput, ({ executions }, request) => executions.getExecutionHistory(request)),
  StopExecution: operation(stopExecutionInput, ({ executions }, request) => executions.stopExecution(request)),
  RedriveExecution: operation(redriveExecutionInput, ({ executions }, request) => executions.redriveExecution(request)),
  SendTaskSuccess: operation(sendTaskSuccessInput, ({ callbacks }, request) => callbacks.sendTaskSuccess(request)),
  SendTaskFailure: operation(sendTaskFailureInput, ({ callbacks }, request) => callbacks.sendTaskFailure(request)),
  SendTaskHeartbeat: operation(sendTaskHeartbeatInput, ({ callbacks }, request) => callbacks.sendTaskHeartbeat(request)),
};

/** The JSON 1.0 protocol carries timestamps as epoch seconds. */
function toWireJson(value: unknown): string {
  return JSON.stringify(value, function replace(this: Record<string, unknown>, key, serialized: unknown) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : serialized;
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, {
    'content-type': JSON_CONTENT_TYPE,
    'x-amzn-requestid': randomUUID(),
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  response.end(toWireJson(body));
}

function sendError(response: ServerResponse, error: SfnError): void {
  send(response, 400, { __type: error.code, message: error.message }, error.code);
}

function asSfnError(error: unknown): SfnError | undefined {
  if (error instanceof SfnError) return error;
  if (error instanceof ZodError) {
    const problems = error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    return new SfnError('ValidationException', problems.join('; '));
  }
  return undefined;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SfnError('SerializationException', 'Request body is not valid JSON');
  }
}

async function handle(engine: Engine, request: IncomingMessage, response: ServerResponse, log: (line: string) => void): Promise<void> {
  try {
    const text = await readBody(request);
    const target = request.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    const run = request.method === 'POST' && name !== undefined && Object.hasOwn(operations, name) ? operations[name] : undefined;
    if (!run) {
      throw new SfnError('UnknownOperationException', `Operation '${String(target)}' is not supported by the local Step Functions endpoint`);
    }
    send(response, 200, (await run(engine, parseBody(text))) ?? {});
  } catch (error) {
    const known = asSfnError(error);
    if (known) {
      sendError(response, known);
      return;
    }
    log(`stepfunctions: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    send(response, 500, { __type: 'InternalFailure', message: 'Internal error in the local Step Functions endpoint' }, 'InternalFailure');
  }
}

/** Starts a local Step Functions endpoint speaking the AWS JSON 1.0 protocol on 127.0.0.1. */
export async function startStepFunctionsLocal(options: StepFunctionsLocalOptions): Promise<StepFunctionsLocal> {
  const log = options.log ?? (() => undefined);
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`timeScale must be a positive number, got ${timeScale}`);
  const { maxWaitSeconds } = options;
  if (maxWaitSeconds !== undefined && !(maxWaitSeconds >= 0)) {
    throw new Error(`maxWaitSeconds must be a non-negative number, got ${maxWaitSeconds}`);
  }
  const region = options.region ?? 'eu-west-1';
  const stateMachines = new StateMachines({
    region,
    timeScale,
    maxWaitSeconds,
    invokeLambda: options.invokeLambda,
    dynamodb: options.dynamodb,
    publishEvents: options.publishEvents,
  });
  const callbacks = new TaskCallbacks();
  const executions = new Executions({ region, timeScale, maxWaitSeconds, log, newTimeoutError: await loadTimeoutErrorFactory() }, stateMachines, callbacks);
  const engine: Engine = { stateMachines, executions, callbacks };

  const server = createServer((request, response) => {
    void handle(engine, request, response, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  log(`stepfunctions: listening on ${endpoint}`);

  return {
    endpoint,
    close: async () => {
      executions.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
