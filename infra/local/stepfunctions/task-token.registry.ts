import { randomBytes } from 'node:crypto';
import { SfnError } from './sfn-error';

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

/** Task tokens stay known after their task closes, so late callbacks get TaskTimedOut, as on AWS. */
export class TaskTokenRegistry {
  private readonly targets = new Map<string, CallbackTarget>();

  mint(target: CallbackTarget): string {
    const token = Buffer.concat([TOKEN_MARK, randomBytes(TOKEN_BYTES - TOKEN_MARK.length)]).toString('base64url');
    this.targets.set(token, target);
    return token;
  }

  /** The open task behind a token, or the error Step Functions answers for it. */
  open(token: string): CallbackTarget {
    if (!isWellFormed(token)) throw new SfnError('InvalidToken', 'Invalid Token: malformed task token');
    const target = this.targets.get(token);
    if (!target) throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
    if (target.settled) throw new SfnError('TaskTimedOut', 'Task Timed Out: the task of this token is no longer waiting');
    return target;
  }
}
