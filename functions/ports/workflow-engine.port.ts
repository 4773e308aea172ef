import type { ExecutionPosition } from '../domain/migration';

/**
 * The input every workflow receives: ids and codes only. Steps read personal data (the
 * applicant, the case's data) from the table when they need it, so no execution input,
 * history or log holds it.
 */
export interface WorkflowInput {
  readonly caseId: string;
  readonly tenant: string;
  readonly type: string;
  readonly version: number;
}

/**
 * The input of an execution that resumes a case moved to another version: the input the
 * state it left had, the case's ids and codes, and the state to start at (see domain/migration).
 */
export interface ResumedInput extends WorkflowInput {
  readonly resumeAt: string;
  readonly [field: string]: unknown;
}

/** The step a result was meant for no longer waits: it timed out, or its workflow ended. */
export class StepNoLongerWaits extends Error {
  constructor(readonly reason: string) {
    super(`the workflow step no longer waits (${reason})`);
    this.name = 'StepNoLongerWaits';
  }
}

/** Where a case's execution stands; `missing` when it was never started. */
export type ExecutionState = 'running' | 'succeeded' | 'failed' | 'timed-out' | 'aborted' | 'missing';

/** An execution's state and, once it ended with one, its error name (never its cause, which may carry data). */
export interface ExecutionStatus {
  readonly state: ExecutionState;
  /** e.g. `FailureNotRecorded`, `States.Timeout`; absent while it runs, and for one that succeeded. */
  readonly error?: string;
}

/**
 * The error every workflow fails with when a step failed and its failure recorder could not
 * write either (the `FailureNotRecorded` Fail state the workflow lint requires): an
 * infrastructure failure, not the case's own `failed` end. The case stays open.
 */
export const failureNotRecorded = 'FailureNotRecorded';

/** A published version of a type's workflow: its Step Functions version ARN and the type version it publishes. */
export interface PublishedVersion {
  readonly versionArn: string;
  /** Absent when the engine cannot tell. */
  readonly typeVersion?: number;
}

/** An execution as started: its id, and the version of the workflow it runs on. */
export interface StartedWorkflow {
  readonly executionId: string;
  /** The published workflow version the execution runs (a Step Functions version ARN); absent when it runs an unversioned workflow. */
  readonly versionArn?: string;
  /** The type version that workflow version publishes; absent when the engine cannot tell. */
  readonly typeVersion?: number;
}

/** The engine that runs the transaction types' workflows (Step Functions on both hosts). */
export interface WorkflowEngine {
  /** The id the engine gives a case's execution; the case records it when it is opened. */
  executionIdFor(typeKey: string, caseId: string): string;
  /**
   * The published version new cases of a type start on now (what its alias routes to), and the
   * type version it publishes; undefined when the engine cannot tell before a start (an alias
   * split between two versions).
   */
  currentVersion(typeKey: string): Promise<PublishedVersion | undefined>;
  /**
   * Starts a case's workflow, named after the case: a repeated start cannot run it twice. It
   * starts on `versionArn` when given (the version the case records), otherwise on the type's
   * current version; either way the answer says which version runs (a start that finds the
   * execution running says the version it runs, which may not be the one asked for).
   */
  start(typeKey: string, caseId: string, input: WorkflowInput | ResumedInput, versionArn?: string): Promise<StartedWorkflow>;
  /** Stops an execution with an error name (`CaseClosed` unless given) and a cause; one that already ended is left as it is. */
  stop(executionId: string, cause: string, error?: string): Promise<void>;
  /** Runs an execution that failed, timed out or was aborted again; false when it cannot be (it runs, or it succeeded). */
  redrive(executionId: string): Promise<boolean>;
  /** Where an execution stands, and the error it ended with. */
  describe(executionId: string): Promise<ExecutionStatus>;
  /** Resumes a waiting step with its result; throws StepNoLongerWaits when it waits no more. */
  resume(token: string, output: unknown): Promise<void>;
}

/** A published version of a type's workflow, as the engine keeps it. */
export interface PublishedWorkflowVersion {
  readonly versionArn: string;
  /** The type version it runs; absent for a version whose description names none. */
  readonly typeVersion?: number;
  /** Its definition, parsed: the states a case can be moved to and from. */
  readonly definition: unknown;
}

/** What moving running cases to another version reads of the engine. */
export interface WorkflowPositions {
  /** The published versions of a type's workflow. */
  versionsOf(typeKey: string): Promise<readonly PublishedWorkflowVersion[]>;
  /** The executions that run on a version now. */
  runningOn(versionArn: string): Promise<readonly string[]>;
  /**
   * The top-level state an execution is in and the input that state had; undefined when it
   * no longer runs or is in none (between two states). `topLevel` names the top-level states of
   * the version it runs, which the caller read once for all its executions.
   */
  positionOf(executionId: string, topLevel: ReadonlySet<string>): Promise<ExecutionPosition | undefined>;
}
