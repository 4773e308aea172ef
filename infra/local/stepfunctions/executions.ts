import './promise-with-resolvers.polyfill';
import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionOutput,
  DescribeStateMachineForExecutionOutput,
  ExecutionListItem,
  ExecutionStatus,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsOutput,
  RedriveExecutionOutput,
  StartExecutionOutput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { ExecutionError, ExecutionTimeoutError, type RunOptions, type StateMachine } from 'aws-local-stepfunctions';
import { assertExecutionArn, assertValidName, executionArnOf, paginate, parseJsonText, type JsonValue } from './api-conventions';
import { isJsonObject, type WaitSpecification } from './asl-definition';
import { historyEventsFor, recordEvent, toJsonText, type HistoryEventDraft } from './execution-history';
import { SfnError } from './sfn-error';
import type { MachineRevision, StateMachineRecord, StateMachines } from './state-machines';
import type {
  ExecutionArnRequest,
  GetExecutionHistoryRequest,
  ListExecutionsRequest,
  RedriveExecutionRequest,
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
  readonly stateMachineName: string;
  readonly roleArn: string;
  /** The revision the execution started on; a redrive runs this one even after UpdateStateMachine, as on AWS. */
  readonly revision: MachineRevision;
  /** The version it runs, when started on a version or an alias. */
  readonly stateMachineVersionArn?: string;
  readonly stateMachineAliasArn?: string;
  /** The machine's update date at the start, for DescribeStateMachineForExecution. */
  readonly machineUpdateDate?: Date;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** Replaced on redrive, so the waits of the new run are not cut short by the end of the last one. */
  ended: AbortController;
  /** Also numbers the interpreter runs: only the run started at the current count may still act on the execution. */
  redriveCount: number;
  redriveDate?: Date;
  /** The client tokens of recent redrives and the redriveDate each answered, oldest first. */
  readonly redriveClientTokens: Map<string, Date>;
  /** Aborts the interpreter's current run. */
  abort: () => void;
}

interface ExecutionEnd {
  output?: string;
  error?: string;
  cause?: string;
}

/** AWS redrives executions that ended unsuccessfully in the last 14 days. */
const REDRIVABLE_PERIOD_MS = 14 * 24 * 60 * 60 * 1000;
/** AWS answers the last 10 client tokens of successful redrives idempotently, for 15 minutes each. */
const REDRIVE_CLIENT_TOKENS_KEPT = 10;
const REDRIVE_CLIENT_TOKEN_TTL_MS = 15 * 60 * 1000;

/** What DescribeExecution and ListExecutions both say of an execution. */
function executionListItem(execution: ExecutionRecord): ExecutionListItem {
  return {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachineArn,
    stateMachineVersionArn: execution.stateMachineVersionArn,
    stateMachineAliasArn: execution.stateMachineAliasArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    stopDate: execution.stopDate,
    redriveCount: execution.redriveCount,
    redriveDate: execution.redriveDate,
  };
}

/**
 * The execution as one interpreter run sees it. Once a redrive supersedes the run (an aborted
 * run may still finish, retry or catch its current state), the run reads the execution as
 * ended and its history as closed, so it can no longer run tasks or write history.
 */
function runView(execution: ExecutionRecord, isCurrent: () => boolean): RunningExecution {
  const { ended } = execution;
  return {
    get status() {
      return isCurrent() ? execution.status : 'ABORTED';
    },
    history: execution.history,
    get historyClosed() {
      return !isCurrent() || execution.historyClosed;
    },
    set historyClosed(closed: boolean) {
      execution.historyClosed = closed;
    },
    openTasks: execution.openTasks,
    ended,
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
    const { machine, revision, versionArn, aliasArn } = this.stateMachines.resolveExecutionTarget(request.stateMachineArn);
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
      stateMachineName: machine.name,
      roleArn: revision.roleArn,
      revision,
      stateMachineVersionArn: versionArn,
      stateMachineAliasArn: aliasArn,
      machineUpdateDate: machine.updateDate,
      input: inputText,
      startDate: new Date(),
      status: 'RUNNING',
      history: [],
      historyClosed: false,
      openTasks: new Set(),
      ended: new AbortController(),
      redriveCount: 0,
      redriveClientTokens: new Map(),
      abort: () => undefined,
    };
    this.executions.set(arn, execution);
    recordEvent(execution, {
      type: 'ExecutionStarted',
      executionStartedEventDetails: {
        input: inputText,
        inputDetails: { truncated: false },
        roleArn: revision.roleArn,
        stateMachineVersionArn: versionArn,
        stateMachineAliasArn: aliasArn,
      },
    });
    this.run(execution, input);
    this.options.log(`execution started: ${arn}`);
    return { executionArn: arn, startDate: execution.startDate };
  }

  /**
   * Runs the execution's definition on the interpreter from StartAt. Runs are numbered by the
   * redrive count: one that a redrive has superseded can no longer run tasks, write history or
   * settle the execution.
   */
  private run(execution: ExecutionRecord, input: JsonValue): void {
    const { interpreter, tasks, waits } = execution.revision.compiled;
    const runNumber = execution.redriveCount;
    const isCurrent = () => execution.redriveCount === runNumber;
    const thisRun = runView(execution, isCurrent);
    const handlers: LocalTaskHandlers = {};
    for (const [stateName, plan] of tasks) {
      handlers[stateName] = (taskInput) => this.tasks.runTask(thisRun, plan, taskInput);
    }
    for (const [stateName, wait] of waits) {
      handlers[stateName] = (waitInput) => this.tasks.runWait(thisRun, wait, waitInput);
    }
    const run = interpreter.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: execution.arn,
          Name: execution.name,
          RoleArn: execution.roleArn,
          StartTime: execution.startDate.toISOString(),
          RedriveCount: execution.redriveCount,
          ...(execution.redriveDate && { RedriveTime: execution.redriveDate.toISOString() }),
        },
        StateMachine: { Id: execution.stateMachineArn, Name: execution.stateMachineName },
        Task: { Token: this.callbacks.tokenPlaceholder },
      },
    });
    execution.abort = run.abort;
    void this.follow(execution, thisRun, run, waits, isCurrent);
  }

  /** Records the interpreter's events and settles the execution once its result is known, while the run is current. */
  private async follow(
    execution: ExecutionRecord,
    thisRun: RunningExecution,
    run: Interpreted,
    waits: ReadonlyMap<string, WaitSpecification>,
    isCurrent: () => boolean,
  ): Promise<void> {
    const eventsRecorded = (async () => {
      for await (const event of run.eventLogs) {
        // A Wait the runner took over runs as a Task inside the interpreter; its history stays a Wait's.
        const asWritten = 'state' in event && waits.has(event.state.name) ? { ...event, state: { ...event.state, type: 'Wait' as const } } : event;
        for (const draft of historyEventsFor(asWritten as typeof event)) recordEvent(thisRun, draft);
      }
    })().catch((error: unknown) => this.options.log(`history of ${execution.arn} incomplete: ${String(error)}`));
    const outcome = await run.result.then(
      (output) => ({ ok: true as const, output }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await eventsRecorded;
    if (!isCurrent()) return;
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

  /** Why RedriveExecution would answer ExecutionNotRedrivable, in AWS's words; undefined when it would not. */
  private notRedrivableReason(execution: ExecutionRecord): string | undefined {
    if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') {
      return `Execution is ${execution.status} and cannot be redriven.`;
    }
    if (!this.stateMachines.exists(execution.stateMachineArn)) return 'State machine is in DELETING status.';
    if (execution.stopDate && Date.now() - execution.stopDate.getTime() > REDRIVABLE_PERIOD_MS) {
      return 'Execution redrivable period exceeded.';
    }
    return undefined;
  }

  describeExecution(request: ExecutionArnRequest): DescribeExecutionOutput {
    const execution = this.find(request.executionArn);
    const notRedrivable = this.notRedrivableReason(execution);
    return {
      ...executionListItem(execution),
      input: execution.input,
      inputDetails: { included: true },
      ...(execution.status === 'SUCCEEDED' && { output: execution.output, outputDetails: { included: true } }),
      error: execution.error,
      cause: execution.cause,
      redriveStatus: notRedrivable === undefined ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
      redriveStatusReason: notRedrivable,
    };
  }

  listExecutions(request: ListExecutionsRequest): ListExecutionsOutput {
    const { stateMachineArn } = request;
    if (stateMachineArn !== undefined) this.stateMachines.resolveExecutionTarget(stateMachineArn);
    const ranOn = (execution: ExecutionRecord) =>
      [execution.stateMachineArn, execution.stateMachineVersionArn, execution.stateMachineAliasArn].includes(stateMachineArn);
    const matching = [...this.executions.values()]
      .filter((execution) => stateMachineArn === undefined || ranOn(execution))
      .filter((execution) => request.statusFilter === undefined || execution.status === request.statusFilter)
      .filter((execution) => request.redriveFilter === undefined || (execution.redriveCount > 0) === (request.redriveFilter === 'REDRIVEN'))
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

  /** The definition the execution runs, which an update of its state machine since has not changed. */
  describeStateMachineForExecution(request: ExecutionArnRequest): DescribeStateMachineForExecutionOutput {
    const execution = this.find(request.executionArn);
    const { revision } = execution;
    return {
      stateMachineArn: execution.stateMachineArn,
      name: execution.stateMachineName,
      definition: revision.definition,
      roleArn: revision.roleArn,
      updateDate: execution.machineUpdateDate ?? execution.startDate,
      revisionId: revision.revisionId,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  stopExecution(request: StopExecutionRequest): StopExecutionOutput {
    const execution = this.find(request.executionArn);
    this.stop(execution, { error: request.error, cause: request.cause });
    return { stopDate: execution.stopDate };
  }

  /**
   * RedriveExecution: runs a FAILED, TIMED_OUT or ABORTED execution again under the same ARN,
   * with the definition and input it started with, and counts the redrive (redriveCount and
   * redriveDate in DescribeExecution and ListExecutions, `$$.Execution.RedriveCount` and
   * `RedriveTime` in the context, an ExecutionRedriven event continuing its history).
   *
   * The one difference from AWS: AWS resumes from the states that did not succeed and keeps
   * the results of those that did; the interpreter cannot start mid-way, so the local engine
   * runs the definition again from StartAt. Loket's steps are idempotent (a case does not
   * re-enter statuses it reached, re-ask answered tasks or await messages it received), so a
   * workflow ends the same either way; a definition whose early states are not idempotent would
   * repeat their effects locally.
   *
   * Task tokens of the earlier run stay closed (SendTask* answers TaskTimedOut, as for any
   * ended execution); the new run mints its own. There is no running-execution limit locally,
   * so ExecutionLimitExceeded is never answered.
   */
  redriveExecution(request: RedriveExecutionRequest): RedriveExecutionOutput {
    const execution = this.find(request.executionArn);
    const { clientToken } = request;
    const earlier = clientToken === undefined ? undefined : execution.redriveClientTokens.get(clientToken);
    if (earlier && Date.now() - earlier.getTime() <= REDRIVE_CLIENT_TOKEN_TTL_MS) return { redriveDate: earlier };
    const notRedrivable = this.notRedrivableReason(execution);
    if (notRedrivable !== undefined) {
      throw new SfnError('ExecutionNotRedrivable', `Execution Not Redrivable: '${execution.arn}': ${notRedrivable}`);
    }

    const redriveDate = new Date();
    execution.redriveCount += 1;
    execution.redriveDate = redriveDate;
    execution.status = 'RUNNING';
    execution.stopDate = undefined;
    execution.output = undefined;
    execution.error = undefined;
    execution.cause = undefined;
    execution.ended = new AbortController();
    execution.historyClosed = false;
    recordEvent(execution, { type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: execution.redriveCount } });
    if (clientToken !== undefined) {
      execution.redriveClientTokens.delete(clientToken);
      execution.redriveClientTokens.set(clientToken, redriveDate);
      for (const oldest of execution.redriveClientTokens.keys()) {
        if (execution.redriveClientTokens.size <= REDRIVE_CLIENT_TOKENS_KEPT) break;
        execution.redriveClientTokens.delete(oldest);
      }
    }
    this.run(execution, parseJsonText(execution.input, 'InvalidExecutionInput', 'Execution Input'));
    this.options.log(`execution redriven (${execution.redriveCount}): ${execution.arn}`);
    return { redriveDate };
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
