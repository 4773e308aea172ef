import type { DeliveredMessage } from './case';

/** A workflow step that waits for a message on a case (documents supplied, payment received). */
export interface MessageWait {
  readonly caseId: string;
  readonly name: string;
  readonly since: string;
  /** The waiting step's task token: stored, never shown. */
  readonly token: string;
  /** The case was suspended for the wait: the message resumes its deadline. */
  readonly suspendsDeadline?: boolean;
}

/**
 * What the waiting workflow step receives when its message arrives: which message, when and
 * from whom. The message's data stays with the case in the table, like a task's reason.
 */
export interface MessageResult {
  readonly name: string;
  readonly receivedAt: string;
  readonly by: string;
}

export function messageResultOf(message: DeliveredMessage): MessageResult {
  return { name: message.name, receivedAt: message.receivedAt, by: message.by };
}
