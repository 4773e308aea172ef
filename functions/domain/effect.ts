import type { CaseEvent } from './case-event';

/**
 * What must happen after a case change commits, in its workflow or outside Loket. A change writes its effects to
 * the outbox in the same transaction; a dispatcher delivers each until it has happened, so a
 * commit is never followed by a call that could fail and leave the two apart.
 */
export type Effect =
  /**
   * Start the case's workflow (named as the case records it, so a repeated start runs it once);
   * for a case moved to another version, stop the execution it leaves first, and start the new
   * one at the mapped state with the input the case's data had there.
   */
  | { readonly kind: 'start-workflow'; readonly caseId: string; readonly resume?: Resume }
  /** Hand a waiting step its result: a task's outcome, or a message. */
  | {
      readonly kind: 'resume-step';
      readonly caseId: string;
      readonly token: string;
      readonly output: Readonly<Record<string, unknown>>;
      /** What the result answers, for the audit trail when the step no longer waits. */
      readonly answers: { readonly task: string } | { readonly message: string };
    }
  /** Stop the case's execution (a closed case); one that already ended is left alone. */
  | { readonly kind: 'stop-workflow'; readonly caseId: string; readonly executionId: string; readonly cause: string }
  /** Run an execution that ended while its case is open again, from where it failed. */
  | { readonly kind: 'redrive-workflow'; readonly caseId: string; readonly executionId: string }
  /**
   * Publish an event of the change: on the event bus, then to the exchange (the tenant's
   * subscriptions, the citizen's case overview). Written by the case store with every change,
   * so no event is lost and none is published without its change.
   */
  | { readonly kind: 'publish-event'; readonly caseId: string; readonly event: CaseEvent }
  /** Announce on the event bus that a workflow step closed the case (`CaseClosed.v1`, see closing-notice). */
  | { readonly kind: 'publish-closing-notice'; readonly caseId: string; readonly notice: ClosingNotice };

/** Where a moved case's new execution starts, and the execution it replaces. */
export interface Resume {
  /** The execution the case ran on the version it left. */
  readonly replaces: string;
  /** The top-level state of the new version the execution starts at. */
  readonly state: string;
  /** What the case's data was in the state it left: the input that state had (ids and codes, as every workflow input). */
  readonly input: Readonly<Record<string, unknown>>;
}

/** An effect as the outbox holds it until it is delivered. */
export interface OutboxItem {
  /** A ULID: outbox items of a case sort in the order they were written. */
  readonly id: string;
  readonly caseId: string;
  readonly effect: Effect;
  readonly createdAt: string;
}

/**
 * `CaseClosed.v1` on the event bus (source `loket.cases`): what the first workflows published at
 * their end, in the `PublishCaseClosed` state every deployed workflow ended with. Superseded by
 * `be.loket.case.closed.v1` (a CloudEvent with a JSON Schema, published with every closing), and
 * kept, as it was, for the consumers that rely on it: a case that a workflow step closes (not a
 * failure, nor a withdrawal, which no workflow step records) announces it once.
 */
export interface ClosingNotice {
  readonly caseId: string;
  readonly tenant: string;
  /** The transaction type's key. */
  readonly type: string;
  readonly status: string;
}
