import './promise-with-resolvers.polyfill';
import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionOutput,
  ExecutionListItem,
  ExecutionStatus,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsOutput,
  StartExecutionOutput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { ExecutionError, ExecutionTimeoutError, type RunOptions, type StateMachine } from 'aws-local-stepfunctions';
import { assertExecutionArn, assertValidName, executionArnOf, paginate, parseJsonText } from './api-conventions';
import { isJsonObject, type WaitSpecification } from './asl-definition';
import { historyEventsFor, recordEvent, toJsonText, type HistoryEventDraft } from './execution-history';
import { SfnError } from './sfn-error';
import type { StateMachineRecord, StateMachines } from './state-machines';
import type {
  ExecutionArnRequest,
  GetExecutionHistoryRequest,
  ListExecutionsRequest,
  StartExecutionRequest,
  StopExecutionRequest,
} from './stepfunctions.schemas';
import type { TaskCallbacks } from './task-callbacks';
import { TaskRunner, type RunningExecution, type TaskRunnerOptions } from './task-runner';

type LocalTaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type Interpreted = ReturnType<StateMachine['run']>;

export interface ExecutionsOptions extends TaskRunnerOptions {
  readonly log: (line: string) => void;
}

interface ExecutionRecord extends RunningExecution {
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
  /** Aborts the interpreter's run. */
  abort: () => void;
}

interface ExecutionEnd {
  output?: string;
  error?: string;
  cause?: string;
}

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

/**
 * The execution runner: starts executions of the control plane's state machines on their
 * compiled interpreter, with the task runner as the local handler of every Task state, follows
 * each to its end, keeps its history, and stops, describes and lists them. Executions live in
 * memory only.
 */
export class Executions {
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly tasks: TaskRunner;

  constructor(
    private readonly options: ExecutionsOptions,
    private readonly stateMachines: StateMachines,
    private readonly callbacks: TaskCallbacks,
  ) {
    this.tasks = new TaskRunner(options, callbacks);
  }

  private find(arn: string): ExecutionRecord {
    assertExecutionArn(arn);
    const record = this.executions.get(arn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  startExecution(request: StartExecutionRequest): StartExecutionOutput {
    const machine = this.stateMachines.find(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    assertValidName(name);
    const inputText = request.input ?? '{}';
    const input = parseJsonText(inputText, 'InvalidExecutionInput', 'Execution Input');
    const arn = executionArnOf(this.options.region, machine.name, name);
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
    recordEvent(execution, {
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: inputText, inputDetails: { truncated: false }, roleArn: machine.roleArn },
    });

    const { interpreter, tasks, waits } = machine.compiled;
    const handlers: LocalTaskHandlers = {};
    for (const [stateName, plan] of tasks) {
      handlers[stateName] = (taskInput) => this.tasks.runTask(execution, plan, taskInput);
    }
    for (const [stateName, wait] of waits) {
      handlers[stateName] = (waitInput) => this.tasks.runWait(execution, wait, waitInput);
    }
    const run = interpreter.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: arn, Name: name, RoleArn: machine.roleArn, StartTime: execution.startDate.toISOString() },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: this.callbacks.tokenPlaceholder },
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
        // A Wait the runner took over runs as a Task inside the interpreter; its history stays a Wait's.
        const asWritten = 'state' in event && waits.has(event.state.name) ? { ...event, state: { ...event.state, type: 'Wait' as const } } : event;
        for (const draft of historyEventsFor(asWritten as typeof event)) recordEvent(execution, draft);
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
    if (event) recordEvent(execution, event);
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

  describeExecution(request: ExecutionArnRequest): DescribeExecutionOutput {
    const execution = this.find(request.executionArn);
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
    if (request.stateMachineArn !== undefined) this.stateMachines.find(request.stateMachineArn);
    const matching = [...this.executions.values()]
      .filter((execution) => request.stateMachineArn === undefined || execution.stateMachineArn === request.stateMachineArn)
      .filter((execution) => request.statusFilter === undefined || execution.status === request.statusFilter)
      .reverse();
    const { page, nextToken } = paginate(matching, request.maxResults, request.nextToken);
    return { executions: page.map(executionListItem), nextToken };
  }

  getExecutionHistory(request: GetExecutionHistoryRequest): GetExecutionHistoryOutput {
    const execution = this.find(request.executionArn);
    const ordered = request.reverseOrder ? [...execution.history].reverse() : execution.history;
    const { page, nextToken } = paginate(ordered, request.maxResults, request.nextToken);
    const events = request.includeExecutionData === false ? page.map(withoutExecutionData) : page;
    return { events, nextToken };
  }

  stopExecution(request: StopExecutionRequest): StopExecutionOutput {
    const execution = this.find(request.executionArn);
    this.stop(execution, { error: request.error, cause: request.cause });
    return { stopDate: execution.stopDate };
  }

  /** Stops the running executions of a deleted state machine. */
  stopExecutionsOf(stateMachine: StateMachineRecord): void {
    for (const execution of this.executions.values()) {
      if (execution.stateMachineArn === stateMachine.arn) {
        this.stop(execution, { error: 'States.Aborted', cause: 'The state machine was deleted' });
      }
    }
  }

  /** Stops every running execution, so no interpreter work or timer outlives the host. */
  close(): void {
    for (const execution of this.executions.values()) {
      this.stop(execution, { error: 'States.Aborted', cause: 'The local Step Functions endpoint was closed' });
    }
  }
}
