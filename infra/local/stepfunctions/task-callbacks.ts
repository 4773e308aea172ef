import { randomBytes, randomUUID } from 'node:crypto';
import { parseJsonText } from './api-conventions';
import { SfnError } from './sfn-error';
import type { SendTaskFailureRequest, SendTaskHeartbeatRequest, SendTaskSuccessRequest } from './stepfunctions.schemas';

/** A Task state entry that waits for SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat. */
export interface CallbackTarget {
  readonly settled: boolean;
  succeed(output: unknown): void;
  fail(error: Error): void;
  heartbeat(): void;
}

/** Marks tokens minted here, so a malformed token is told apart from one that is merely unknown. */
const TOKEN_MARK = Buffer.from('LKSF');
const TOKEN_BYTES = 64;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{86}$/;

function isWellFormed(token: string): boolean {
  if (!TOKEN_PATTERN.test(token)) return false;
  const bytes = Buffer.from(token, 'base64url');
  return bytes.length === TOKEN_BYTES && bytes.subarray(0, TOKEN_MARK.length).equals(TOKEN_MARK);
}

function replaceInJson(value: unknown, placeholder: string, replacement: string): unknown {
  if (typeof value === 'string') return value.replaceAll(placeholder, replacement);
  if (Array.isArray(value)) return value.map((item) => replaceInJson(item, placeholder, replacement));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceInJson(item, placeholder, replacement)]));
  }
  return value;
}

/**
 * The task tokens of callback states and the SendTask* operations that answer them. Each entry
 * into a callback state gets its own token (parallel branches wait at once), and tokens stay
 * known after their task closes, so late callbacks get TaskTimedOut, as on AWS.
 */
export class TaskCallbacks {
  private readonly targets = new Map<string, CallbackTarget>();
  /**
   * What executions see as `$$.Task.Token`: the interpreter has one context per execution,
   * so the task runner swaps this for the token it mints per task entry (`withToken`).
   */
  readonly tokenPlaceholder = `loket-sfn-task-token-${randomUUID()}`;

  mint(target: CallbackTarget): string {
    const token = Buffer.concat([TOKEN_MARK, randomBytes(TOKEN_BYTES - TOKEN_MARK.length)]).toString('base64url');
    this.targets.set(token, target);
    return token;
  }

  /** A task's effective input with its own token in place of the placeholder. */
  withToken<T>(input: T, token: string): T {
    return replaceInJson(input, this.tokenPlaceholder, token) as T;
  }

  /** The open task behind a token, or the error Step Functions answers for it. */
  private open(token: string): CallbackTarget {
    if (!isWellFormed(token)) throw new SfnError('InvalidToken', 'Invalid Token: malformed task token');
    const target = this.targets.get(token);
    if (!target) throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
    if (target.settled) throw new SfnError('TaskTimedOut', 'Task Timed Out: the task of this token is no longer waiting');
    return target;
  }

  sendTaskSuccess(request: SendTaskSuccessRequest): Record<string, never> {
    const task = this.open(request.taskToken);
    task.succeed(parseJsonText(request.output, 'InvalidOutput', 'Output'));
    return {};
  }

  sendTaskFailure(request: SendTaskFailureRequest): Record<string, never> {
    const task = this.open(request.taskToken);
    const failure = new Error(request.cause ?? '');
    failure.name = request.error ?? '';
    task.fail(failure);
    return {};
  }

  sendTaskHeartbeat(request: SendTaskHeartbeatRequest): Record<string, never> {
    this.open(request.taskToken).heartbeat();
    return {};
  }
}
