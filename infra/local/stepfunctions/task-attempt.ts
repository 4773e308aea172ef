import type { CallbackTarget } from './task-callbacks';

export interface TaskDeadlines {
  /** Milliseconds the whole task may take; absent means no limit. */
  readonly timeoutMs?: number;
  /** Milliseconds allowed between heartbeats; absent means none are required. */
  readonly heartbeatMs?: number;
}

/**
 * A missed heartbeat is its own error on AWS, States.HeartbeatTimeout, which a retrier or catcher
 * names apart from States.Timeout (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
function heartbeatTimeout(): Error {
  return Object.assign(new Error('The task did not send a heartbeat in time'), { name: 'States.HeartbeatTimeout' });
}

/**
 * One entry into a Task state. It settles exactly once: with the task's result, with a failure,
 * when a deadline passes, or when its execution ends; whatever arrives later is ignored.
 */
export class TaskAttempt implements CallbackTarget {
  settled = false;
  timedOut = false;
  readonly result: Promise<unknown>;
  private resolveResult!: (output: unknown) => void;
  private rejectResult!: (error: Error) => void;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deadlines: TaskDeadlines,
    private readonly newTimeoutError: () => Error,
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
  }

  start(): void {
    if (this.deadlines.timeoutMs !== undefined) {
      this.timeoutTimer = setTimeout(() => this.timeOut(this.newTimeoutError()), this.deadlines.timeoutMs);
    }
    this.heartbeat();
  }

  heartbeat(): void {
    if (this.settled || this.deadlines.heartbeatMs === undefined) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.timeOut(heartbeatTimeout()), this.deadlines.heartbeatMs);
  }

  succeed(output: unknown): void {
    if (this.settle()) this.resolveResult(output);
  }

  fail(error: Error): void {
    if (this.settle()) this.rejectResult(error);
  }

  private timeOut(error: Error): void {
    if (this.settled) return;
    this.timedOut = true;
    this.fail(error);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.heartbeatTimer);
    return true;
  }
}
