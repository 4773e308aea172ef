import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { JsonValue } from './api-conventions';
import { MAX_TIMER_SECONDS, readReferencePath, type JsonObject, type WaitSpecification } from './asl-definition';
import { recordEvent, toJsonText, type ExecutionHistory } from './execution-history';
import type { TaskPlan } from './state-machines';
import { TaskAttempt, type TaskDeadlines } from './task-attempt';
import type { TaskCallbacks } from './task-callbacks';
import type { TaskIntegration } from './task-integrations';
import type { TimeoutErrorFactory } from './states-timeout';

export interface TaskRunnerOptions {
  readonly region: string;
  readonly timeScale: number;
  /** Caps every taken-over Wait state at this many seconds, after timeScale. */
  readonly maxWaitSeconds?: number;
  readonly newTimeoutError: TimeoutErrorFactory;
}

/** What the task runner needs of the execution a task runs in. */
export interface RunningExecution extends ExecutionHistory {
  readonly status: ExecutionStatus;
  /** Failed when the execution ends, so no task outlives it. */
  readonly openTasks: Set<TaskAttempt>;
  /** Aborted when the execution ends, so no wait the runner runs outlives it. */
  readonly ended: AbortController;
}

function runtimeError(message: string): Error {
  return Object.assign(new Error(message), { name: 'States.Runtime' });
}

function secondsField(state: JsonObject, field: string, input: unknown): number | undefined {
  const direct = state[field];
  const path = state[`${field}Path`];
  const seconds = typeof direct === 'number' ? direct : typeof path === 'string' ? readReferencePath(input, path) : undefined;
  if (seconds === undefined) return undefined;
  if (typeof seconds !== 'number' || !(seconds > 0)) throw runtimeError(`${field}Path '${String(path)}' must point to a positive number`);
  return seconds;
}

/**
 * Runs what the interpreter hands to local handlers: each Task state entry (its integration,
 * under its timeout and heartbeat, with a token of its own when it waits for a callback) and
 * each Wait state taken over to be capped, and records the task events of the history.
 */
export class TaskRunner {
  constructor(
    private readonly options: TaskRunnerOptions,
    private readonly callbacks: TaskCallbacks,
  ) {}

  private deadlines(state: JsonObject, input: unknown): TaskDeadlines {
    const toMs = (seconds: number | undefined) =>
      seconds === undefined ? undefined : Math.min(seconds * this.options.timeScale, MAX_TIMER_SECONDS) * 1000;
    return {
      timeoutMs: toMs(secondsField(state, 'TimeoutSeconds', input)),
      heartbeatMs: toMs(secondsField(state, 'HeartbeatSeconds', input)),
    };
  }

  /**
   * Runs a Wait state taken over from the interpreter: as long as it asks (Seconds and
   * SecondsPath scaled by timeScale, timestamps as they are, as the interpreter does), but at
   * most maxWaitSeconds.
   */
  async runWait(execution: RunningExecution, wait: WaitSpecification, input: JsonValue): Promise<JsonValue> {
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
  async runTask(execution: RunningExecution, plan: TaskPlan, effectiveInput: JsonValue): Promise<JsonValue> {
    // The interpreter calls this synchronously right after logging StateEntered; yielding a
    // macrotask lets that event reach the history before this task's own events.
    await nextMacrotask();
    if (execution.status !== 'RUNNING') throw runtimeError('Execution is no longer running');
    const { integration, state } = plan;
    const attempt = new TaskAttempt(this.deadlines(state, effectiveInput), this.options.newTimeoutError);
    execution.openTasks.add(attempt);
    try {
      const token = integration.waitsForTaskToken ? this.callbacks.mint(attempt) : undefined;
      const input = token === undefined ? effectiveInput : this.callbacks.withToken(effectiveInput, token);
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

  private recordTaskScheduled(execution: RunningExecution, plan: TaskPlan, input: unknown): void {
    const { history } = plan.integration;
    const timeoutInSeconds = typeof plan.state.TimeoutSeconds === 'number' ? plan.state.TimeoutSeconds : undefined;
    const heartbeatInSeconds = typeof plan.state.HeartbeatSeconds === 'number' ? plan.state.HeartbeatSeconds : undefined;
    if (history.kind === 'lambdaFunction') {
      recordEvent(execution, {
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: {
          resource: history.resource,
          input: toJsonText(input),
          inputDetails: { truncated: false },
          timeoutInSeconds,
        },
      });
      recordEvent(execution, { type: 'LambdaFunctionStarted' });
      return;
    }
    const { resourceType, resource } = history;
    recordEvent(execution, {
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
    recordEvent(execution, { type: 'TaskStarted', taskStartedEventDetails: { resourceType, resource } });
  }

  private recordTaskEvent(
    execution: RunningExecution,
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
      recordEvent(execution, { type: `LambdaFunction${outcome}`, [field[outcome]]: data });
      return;
    }
    const field = {
      Submitted: 'taskSubmittedEventDetails',
      Succeeded: 'taskSucceededEventDetails',
      Failed: 'taskFailedEventDetails',
      TimedOut: 'taskTimedOutEventDetails',
    } as const;
    recordEvent(execution, {
      type: `Task${outcome}`,
      [field[outcome]]: { resourceType: history.resourceType, resource: history.resource, ...data },
    });
  }
}
