import './promise-with-resolvers.polyfill';
import { randomUUID } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type {
  CreateStateMachineOutput,
  DescribeExecutionOutput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  ExecutionStatus,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsOutput,
  ListStateMachinesOutput,
  StartExecutionOutput,
  StopExecutionOutput,
  UpdateStateMachineOutput,
} from '@aws-sdk/client-sfn';
import { ExecutionError, ExecutionTimeoutError, StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  MAX_TIMER_SECONDS,
  assertJsonPathOnly,
  findTaskStates,
  isJsonObject,
  parseDefinition,
  readReferencePath,
  takeOverWaitStates,
  toRuntimeDefinition,
  type JsonObject,
  type WaitSpecification,
} from './asl-definition';
import { historyEventsFor, toJsonText, type HistoryEventDraft } from './execution-history';
import { SfnError } from './sfn-error';
import type {
  CreateStateMachineRequest,
  ExecutionArnRequest,
  GetExecutionHistoryRequest,
  ListExecutionsRequest,
  ListStateMachinesRequest,
  SendTaskFailureRequest,
  SendTaskHeartbeatRequest,
  SendTaskSuccessRequest,
  StartExecutionRequest,
  StateMachineArnRequest,
  StopExecutionRequest,
  UpdateStateMachineRequest,
} from './stepfunctions.schemas';
import { TaskAttempt, type TaskDeadlines } from './task-attempt';
import { resolveTaskIntegration, type TaskIntegration, type TaskIntegrationServices } from './task-integrations';
import { TaskTokenRegistry } from './task-token.registry';
import type { TimeoutErrorFactory } from './states-timeout';

export const ACCOUNT_ID = '000000000000';

type JsonValue = Parameters<StateMachine['run']>[0];
type LocalTaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type Interpreted = ReturnType<StateMachine['run']>;

export interface StepFunctionsEngineOptions extends TaskIntegrationServices {
  region: string;
  timeScale: number;
  /** Caps every Wait state at this many seconds, after timeScale; absent: waits last as long as they ask. */
  maxWaitSeconds?: number;
  log: (line: string) => void;
  newTimeoutError: TimeoutErrorFactory;
}

interface TaskPlan {
  readonly integration: TaskIntegration;
  readonly state: JsonObject;
}

/**
 * What a definition compiles to: the interpreter over the time-scaled copy, a plan per Task
 * state and, when waits are capped, the Wait states the engine runs itself.
 */
interface CompiledDefinition {
  readonly interpreter: StateMachine;
  readonly tasks: ReadonlyMap<string, TaskPlan>;
  readonly waits: ReadonlyMap<string, WaitSpecification>;
}

interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly creationDate: Date;
  definition: string;
  roleArn: string;
  compiled: CompiledDefinition;
  updateDate?: Date;
}

interface ExecutionRecord {
  readonly arn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: HistoryEvent[];
  historyClosed: boolean;
  readonly openTasks: Set<TaskAttempt>;
  /** Aborted when the execution ends, so no wait the engine runs outlives it. */
  readonly ended: AbortController;
  abort: () => void;
}

interface ExecutionEnd {
  output?: string;
  error?: string;
  cause?: string;
}

const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
const DEFAULT_PAGE_SIZE = 100;

function assertValidName(name: string): void {
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
  }
}

function parseJsonText(text: string, code: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new SfnError(code, `Invalid ${what}: '${text}' is not valid JSON`);
  }
}

function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodePageToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = (decoded as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  throw new SfnError('InvalidToken', 'Invalid Token: nextToken was not issued by this endpoint');
}

function paginate<T>(items: readonly T[], maxResults: number | undefined, nextToken: string | undefined): { page: T[]; nextToken?: string } {
  const offset = decodePageToken(nextToken);
  const size = maxResults || DEFAULT_PAGE_SIZE;
  const page = items.slice(offset, offset + size);
  return offset + size < items.length ? { page, nextToken: encodePageToken(offset + size) } : { page };
}

function replaceInJson(value: unknown, placeholder: string, replacement: string): unknown {
  if (typeof value === 'string') return value.replaceAll(placeholder, replacement);
  if (Array.isArray(value)) return value.map((item) => replaceInJson(item, placeholder, replacement));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceInJson(item, placeholder, replacement)]));
  }
  return value;
}

function secondsField(state: JsonObject, field: string, input: unknown): number | undefined {
  const direct = state[field];
  const path = state[`${field}Path`];
  const seconds = typeof direct === 'number' ? direct : typeof path === 'string' ? readReferencePath(input, path) : undefined;
  if (seconds === undefined) return undefined;
  if (typeof seconds !== 'number' || !(seconds > 0)) {
    const error = new Error(`${field}Path '${String(path)}' must point to a positive number`);
    error.name = 'States.Runtime';
    throw error;
  }
  return seconds;
}

/** The Step Functions control plane and execution runtime, in memory, over aws-local-stepfunctions. */

/** What DescribeExecution and ListExecutions both say of an execution. */
function executionListItem(execution: ExecutionRecord): ExecutionListItem {
  return {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    stopDate: execution.stopDate,
  };
}

export class StepFunctionsEngine {
  private readonly stateMachines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly tokens = new TaskTokenRegistry();
  /** Stands in for `$$.Task.Token` until a task entry mints its own token. */
  private readonly tokenPlaceholder = `loket-sfn-task-token-${randomUUID()}`;

  constructor(private readonly options: StepFunctionsEngineOptions) {}

  private stateMachineArn(name: string): string {
    return `arn:aws:states:${this.options.region}:${ACCOUNT_ID}:stateMachine:${name}`;
  }

  private executionArn(stateMachineName: string, name: string): string {
    return `arn:aws:states:${this.options.region}:${ACCOUNT_ID}:execution:${stateMachineName}:${name}`;
  }

  private compile(definitionText: string): CompiledDefinition {
    const definition = parseDefinition(definitionText);
    assertJsonPathOnly(definition);
    try {
      new StateMachine(definition as unknown as StateMachineDefinition);
    } catch (error) {
      const detail = (error as Error).message.replace(/^State machine definition is invalid, see error\(s\) below:\s*/, '');
      throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: ${detail}`);
    }
    const tasks = new Map<string, TaskPlan>();
    for (const { name, state } of findTaskStates(definition)) {
      if (tasks.has(name)) {
        throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: duplicate state name '${name}'`);
      }
      tasks.set(name, { integration: resolveTaskIntegration(name, state.Resource, this.options), state });
    }
    const runtimeDefinition = toRuntimeDefinition(definition, this.options.timeScale);
    const waits = this.options.maxWaitSeconds === undefined ? new Map<string, WaitSpecification>() : takeOverWaitStates(runtimeDefinition);
    const interpreter = new StateMachine(runtimeDefinition as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    return { interpreter, tasks, waits };
  }

  private findStateMachine(arn: string): StateMachineRecord {
    if (!/^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(arn)) {
      throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    }
    const record = this.stateMachines.get(arn);
    if (!record) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return record;
  }

  private findExecution(arn: string): ExecutionRecord {
    if (!/^arn:aws:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) {
      throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    }
    const record = this.executions.get(arn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  createStateMachine(request: CreateStateMachineRequest): CreateStateMachineOutput {
    assertValidName(request.name);
    if (request.type === 'EXPRESS') {
      throw new SfnError('ValidationException', 'Only STANDARD state machines are supported locally');
    }
    if (!request.roleArn.startsWith('arn:')) throw new SfnError('InvalidArn', `Invalid Arn: '${request.roleArn}'`);
    const arn = this.stateMachineArn(request.name);
    const existing = this.stateMachines.get(arn);
    if (existing) {
      if (existing.definition === request.definition) return { stateMachineArn: arn, creationDate: existing.creationDate };
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const compiled = this.compile(request.definition);
    const record: StateMachineRecord = {
      arn,
      name: request.name,
      creationDate: new Date(),
      definition: request.definition,
      roleArn: request.roleArn,
      compiled,
    };
    this.stateMachines.set(arn, record);
    return { stateMachineArn: arn, creationDate: record.creationDate };
  }

  describeStateMachine(request: StateMachineArnRequest): DescribeStateMachineOutput {
    const record = this.findStateMachine(request.stateMachineArn);
    return {
      stateMachineArn: record.arn,
      name: record.name,
      status: 'ACTIVE',
      definition: record.definition,
      roleArn: record.roleArn,
      type: 'STANDARD',
      creationDate: record.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  listStateMachines(request: ListStateMachinesRequest): ListStateMachinesOutput {
    const all = [...this.stateMachines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(all, request.maxResults, request.nextToken);
    return {
      stateMachines: page.map((record) => ({
        stateMachineArn: record.arn,
        name: record.name,
        type: 'STANDARD',
        creationDate: record.creationDate,
      })),
      nextToken,
    };
  }

  /** A new definition applies to executions started afterwards; running ones keep theirs. */
  updateStateMachine(request: UpdateStateMachineRequest): UpdateStateMachineOutput {
    const record = this.findStateMachine(request.stateMachineArn);
    if (request.definition === undefined && request.roleArn === undefined) {
      throw new SfnError('MissingRequiredParameter', 'Either the definition or the roleArn must be specified');
    }
    if (request.definition !== undefined) {
      record.compiled = this.compile(request.definition);
      record.definition = request.definition;
    }
    if (request.roleArn !== undefined) record.roleArn = request.roleArn;
    record.updateDate = new Date();
    return { updateDate: record.updateDate };
  }

  /** Deleting an unknown machine succeeds, as on AWS; running executions of a deleted one are stopped. */
  deleteStateMachine(request: StateMachineArnRequest): Record<string, never> {
    let record: StateMachineRecord;
    try {
      record = this.findStateMachine(request.stateMachineArn);
    } catch (error) {
      if (error instanceof SfnError && error.code === 'StateMachineDoesNotExist') return {};
      throw error;
    }
    this.stateMachines.delete(record.arn);
    for (const execution of this.executions.values()) {
      if (execution.stateMachineArn === record.arn) {
        this.stop(execution, { error: 'States.Aborted', cause: 'The state machine was deleted' });
      }
    }
    return {};
  }

  startExecution(request: StartExecutionRequest): StartExecutionOutput {
    const machine = this.findStateMachine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    assertValidName(name);
    const inputText = request.input ?? '{}';
    const input = parseJsonText(inputText, 'InvalidExecutionInput', 'Execution Input');
    const arn = this.executionArn(machine.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      // AWS answers a repeated start of a still running execution with the same input idempotently.
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn: arn, startDate: existing.startDate };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }

    const execution: ExecutionRecord = {
      arn,
      name,
      stateMachineArn: machine.arn,
      input: inputText,
      startDate: new Date(),
      status: 'RUNNING',
      history: [],
      historyClosed: false,
      openTasks: new Set(),
      ended: new AbortController(),
      abort: () => undefined,
    };
    this.executions.set(arn, execution);
    this.record(execution, {
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: inputText, inputDetails: { truncated: false }, roleArn: machine.roleArn },
    });

    const { interpreter, tasks, waits } = machine.compiled;
    const handlers: LocalTaskHandlers = {};
    for (const [stateName, plan] of tasks) {
      handlers[stateName] = (taskInput) => this.runTask(execution, plan, taskInput);
    }
    for (const [stateName, wait] of waits) {
      handlers[stateName] = (waitInput) => this.runWait(execution, wait, waitInput);
    }
    const run = interpreter.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: arn, Name: name, RoleArn: machine.roleArn, StartTime: execution.startDate.toISOString() },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: this.tokenPlaceholder },
      },
    });
    execution.abort = run.abort;
    void this.follow(execution, run, waits);
    this.options.log(`execution started: ${arn}`);
    return { executionArn: arn, startDate: execution.startDate };
  }

  /** Records the interpreter's events and settles the execution once its result is known. */
  private async follow(execution: ExecutionRecord, run: Interpreted, waits: ReadonlyMap<string, WaitSpecification>): Promise<void> {
    const eventsRecorded = (async () => {
      for await (const event of run.eventLogs) {
        // A Wait the engine took over runs as a Task inside the interpreter; its history stays a Wait's.
        const asWritten = 'state' in event && waits.has(event.state.name) ? { ...event, state: { ...event.state, type: 'Wait' as const } } : event;
        for (const draft of historyEventsFor(asWritten as typeof event)) this.record(execution, draft);
      }
    })().catch((error: unknown) => this.options.log(`history of ${execution.arn} incomplete: ${String(error)}`));
    const outcome = await run.result.then(
      (output) => ({ ok: true as const, output }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await eventsRecorded;
    if (outcome.ok) {
      this.finish(execution, 'SUCCEEDED', { output: toJsonText(outcome.output) });
    } else if (outcome.error instanceof ExecutionTimeoutError) {
      this.finish(execution, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' });
    } else {
      const cause = outcome.error instanceof ExecutionError ? outcome.error.cause : outcome.error;
      const failure = cause instanceof Error ? cause : new Error(String(cause));
      this.finish(execution, 'FAILED', { error: failure.name || undefined, cause: failure.message || undefined });
    }
  }

  private record(execution: ExecutionRecord, draft: HistoryEventDraft): void {
    if (execution.historyClosed) return;
    const id = execution.history.length + 1;
    execution.history.push({ ...draft, id, previousEventId: id - 1, timestamp: new Date() });
  }

  private finish(execution: ExecutionRecord, status: ExecutionStatus, end: ExecutionEnd): void {
    if (execution.status !== 'RUNNING') return;
    execution.status = status;
    execution.stopDate = new Date();
    Object.assign(execution, end);
    const failure = { error: end.error, cause: end.cause };
    const terminal: Record<string, HistoryEventDraft> = {
      SUCCEEDED: { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: end.output, outputDetails: { truncated: false } } },
      FAILED: { type: 'ExecutionFailed', executionFailedEventDetails: failure },
      TIMED_OUT: { type: 'ExecutionTimedOut', executionTimedOutEventDetails: failure },
      ABORTED: { type: 'ExecutionAborted', executionAbortedEventDetails: failure },
    };
    const event = terminal[status];
    if (event) this.record(execution, event);
    execution.historyClosed = true;
    execution.ended.abort();
    const closed = new Error(`Execution ${status.toLowerCase()}`);
    closed.name = 'States.Runtime';
    for (const task of execution.openTasks) task.fail(closed);
    this.options.log(`execution ${status}: ${execution.arn}${end.error ? ` (${end.error})` : ''}`);
  }

  private stop(execution: ExecutionRecord, end: ExecutionEnd): void {
    if (execution.status !== 'RUNNING') return;
    execution.abort();
    this.finish(execution, 'ABORTED', end);
  }

  private deadlines(state: JsonObject, input: unknown): TaskDeadlines {
    const toMs = (seconds: number | undefined) =>
      seconds === undefined ? undefined : Math.min(seconds * this.options.timeScale, MAX_TIMER_SECONDS) * 1000;
    return {
      timeoutMs: toMs(secondsField(state, 'TimeoutSeconds', input)),
      heartbeatMs: toMs(secondsField(state, 'HeartbeatSeconds', input)),
    };
  }

  /**
   * Runs a Wait state the engine took over: as long as it asks (Seconds and SecondsPath scaled
   * by timeScale, timestamps as they are, as the interpreter does), but at most maxWaitSeconds.
   */
  private async runWait(execution: ExecutionRecord, wait: WaitSpecification, input: JsonValue): Promise<JsonValue> {
    const runtimeError = (message: string) => Object.assign(new Error(message), { name: 'States.Runtime' });
    let seconds: number;
    if (wait.Seconds !== undefined) {
      seconds = wait.Seconds;
    } else if (wait.SecondsPath !== undefined) {
      const value = readReferencePath(input, wait.SecondsPath);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw runtimeError(`SecondsPath '${wait.SecondsPath}' must point to a non-negative integer`);
      }
      seconds = value * this.options.timeScale;
    } else {
      const timestamp = wait.Timestamp ?? (wait.TimestampPath === undefined ? undefined : readReferencePath(input, wait.TimestampPath));
      const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
      if (Number.isNaN(at)) throw runtimeError(`TimestampPath '${String(wait.TimestampPath)}' must point to an RFC 3339 timestamp`);
      seconds = (at - Date.now()) / 1000;
    }
    const capped = Math.max(0, Math.min(seconds, this.options.maxWaitSeconds ?? Number.POSITIVE_INFINITY, MAX_TIMER_SECONDS));
    await new Promise<void>((resolve) => {
      const { signal } = execution.ended;
      if (signal.aborted) return resolve();
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stop);
        resolve();
      }, capped * 1000);
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      signal.addEventListener('abort', stop, { once: true });
    });
    return input;
  }

  /** The local handler of one Task state entry: runs the integration under its deadlines and records history. */
  private async runTask(execution: ExecutionRecord, plan: TaskPlan, effectiveInput: JsonValue): Promise<JsonValue> {
    // The interpreter calls this synchronously right after logging StateEntered; yielding a
    // macrotask lets that event reach the history before this task's own events.
    await nextMacrotask();
    if (execution.status !== 'RUNNING') {
      const closed = new Error('Execution is no longer running');
      closed.name = 'States.Runtime';
      throw closed;
    }
    const { integration, state } = plan;
    const attempt = new TaskAttempt(this.deadlines(state, effectiveInput), this.options.newTimeoutError);
    execution.openTasks.add(attempt);
    try {
      const token = integration.waitsForTaskToken ? this.tokens.mint(attempt) : undefined;
      const input = token === undefined ? effectiveInput : replaceInJson(effectiveInput, this.tokenPlaceholder, token);
      this.recordTaskScheduled(execution, plan, input);
      attempt.start();
      integration.run(input).then(
        (value) => {
          if (token === undefined) attempt.succeed(value);
          else if (!attempt.settled) this.recordTaskEvent(execution, integration, 'Submitted', { output: value });
        },
        (error: unknown) => attempt.fail(error instanceof Error ? error : new Error(String(error))),
      );
      const output = await attempt.result;
      this.recordTaskEvent(execution, integration, 'Succeeded', { output });
      return output as JsonValue;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.recordTaskEvent(execution, integration, attempt.timedOut ? 'TimedOut' : 'Failed', {
        error: failure.name,
        cause: failure.message,
      });
      throw failure;
    } finally {
      execution.openTasks.delete(attempt);
    }
  }

  private recordTaskScheduled(execution: ExecutionRecord, plan: TaskPlan, input: unknown): void {
    const { history } = plan.integration;
    const timeoutInSeconds = typeof plan.state.TimeoutSeconds === 'number' ? plan.state.TimeoutSeconds : undefined;
    const heartbeatInSeconds = typeof plan.state.HeartbeatSeconds === 'number' ? plan.state.HeartbeatSeconds : undefined;
    if (history.kind === 'lambdaFunction') {
      this.record(execution, {
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: {
          resource: history.resource,
          input: toJsonText(input),
          inputDetails: { truncated: false },
          timeoutInSeconds,
        },
      });
      this.record(execution, { type: 'LambdaFunctionStarted' });
      return;
    }
    const { resourceType, resource } = history;
    this.record(execution, {
      type: 'TaskScheduled',
      taskScheduledEventDetails: {
        resourceType,
        resource,
        region: this.options.region,
        parameters: toJsonText(input),
        timeoutInSeconds,
        heartbeatInSeconds,
      },
    });
    this.record(execution, { type: 'TaskStarted', taskStartedEventDetails: { resourceType, resource } });
  }

  private recordTaskEvent(
    execution: ExecutionRecord,
    integration: TaskIntegration,
    outcome: 'Submitted' | 'Succeeded' | 'Failed' | 'TimedOut',
    detail: { output?: unknown; error?: string; cause?: string },
  ): void {
    const { history } = integration;
    const data =
      outcome === 'Submitted' || outcome === 'Succeeded'
        ? { output: toJsonText(detail.output), outputDetails: { truncated: false } }
        : { error: detail.error, cause: detail.cause };
    if (history.kind === 'lambdaFunction') {
      const field = { Succeeded: 'lambdaFunctionSucceededEventDetails', Failed: 'lambdaFunctionFailedEventDetails', TimedOut: 'lambdaFunctionTimedOutEventDetails' } as const;
      if (outcome === 'Submitted') return;
      this.record(execution, { type: `LambdaFunction${outcome}`, [field[outcome]]: data });
      return;
    }
    const field = {
      Submitted: 'taskSubmittedEventDetails',
      Succeeded: 'taskSucceededEventDetails',
      Failed: 'taskFailedEventDetails',
      TimedOut: 'taskTimedOutEventDetails',
    } as const;
    this.record(execution, {
      type: `Task${outcome}`,
      [field[outcome]]: { resourceType: history.resourceType, resource: history.resource, ...data },
    });
  }

  describeExecution(request: ExecutionArnRequest): DescribeExecutionOutput {
    const execution = this.findExecution(request.executionArn);
    return {
      ...executionListItem(execution),
      input: execution.input,
      inputDetails: { included: true },
      ...(execution.status === 'SUCCEEDED' && { output: execution.output, outputDetails: { included: true } }),
      error: execution.error,
      cause: execution.cause,
    };
  }

  listExecutions(request: ListExecutionsRequest): ListExecutionsOutput {
    if (request.stateMachineArn !== undefined) this.findStateMachine(request.stateMachineArn);
    const matching = [...this.executions.values()]
      .filter((execution) => request.stateMachineArn === undefined || execution.stateMachineArn === request.stateMachineArn)
      .filter((execution) => request.statusFilter === undefined || execution.status === request.statusFilter)
      .reverse();
    const { page, nextToken } = paginate(matching, request.maxResults, request.nextToken);
    return { executions: page.map(executionListItem), nextToken };
  }

  getExecutionHistory(request: GetExecutionHistoryRequest): GetExecutionHistoryOutput {
    const execution = this.findExecution(request.executionArn);
    const ordered = request.reverseOrder ? [...execution.history].reverse() : execution.history;
    const { page, nextToken } = paginate(ordered, request.maxResults, request.nextToken);
    const events = request.includeExecutionData === false ? page.map(withoutExecutionData) : page;
    return { events, nextToken };
  }

  stopExecution(request: StopExecutionRequest): StopExecutionOutput {
    const execution = this.findExecution(request.executionArn);
    this.stop(execution, { error: request.error, cause: request.cause });
    return { stopDate: execution.stopDate };
  }

  sendTaskSuccess(request: SendTaskSuccessRequest): Record<string, never> {
    const task = this.tokens.open(request.taskToken);
    task.succeed(parseJsonText(request.output, 'InvalidOutput', 'Output'));
    return {};
  }

  sendTaskFailure(request: SendTaskFailureRequest): Record<string, never> {
    const task = this.tokens.open(request.taskToken);
    const failure = new Error(request.cause ?? '');
    failure.name = request.error ?? '';
    task.fail(failure);
    return {};
  }

  sendTaskHeartbeat(request: SendTaskHeartbeatRequest): Record<string, never> {
    this.tokens.open(request.taskToken).heartbeat();
    return {};
  }

  /** Stops every running execution, so no interpreter work or timer outlives the host. */
  close(): void {
    for (const execution of this.executions.values()) {
      this.stop(execution, { error: 'States.Aborted', cause: 'The local Step Functions endpoint was closed' });
    }
  }
}

const EXECUTION_DATA_FIELDS = new Set(['input', 'output', 'parameters']);

/** GetExecutionHistory with includeExecutionData=false leaves out inputs, outputs and task parameters. */
function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const fields = Object.entries(event).map(([key, value]: [string, unknown]) =>
    key.endsWith('EventDetails') && isJsonObject(value)
      ? [key, Object.fromEntries(Object.entries(value).filter(([field]) => !EXECUTION_DATA_FIELDS.has(field)))]
      : [key, value],
  );
  return Object.fromEntries(fields) as HistoryEvent;
}
