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
