import type { AuditDraft, AuditEvent } from '../domain/audit';
import type { StoredCase } from '../domain/audit-trail';
import type { Case } from '../domain/case';
import type { Effect, OutboxItem } from '../domain/effect';
import type { MessageWait } from '../domain/message-wait';
import type { Task, TaskStatus } from '../domain/task';

/**
 * How a task is written with a change: a new task, or an update of the task exactly as it was
 * read (same status, assignee and token), so that of two racing changes only one holds.
 */
export interface TaskWrite {
  readonly task: Task;
  /** `new`: the task must not exist yet. Otherwise the task as read: it must be unchanged since. */
  readonly expect: 'new' | Task;
}

/** What one change to a case writes, all together or not at all. */
export interface CaseChange {
  /** The case after the change; the store gives it the next version. */
  readonly case: Case;
  readonly audit: AuditDraft;
  readonly tasks?: readonly TaskWrite[];
  /** A step starts waiting for a message (replacing an earlier wait of the same name). */
  readonly awaitMessage?: MessageWait;
  /** A message is delivered: its wait ends, provided it is still the same wait. */
  readonly deliverMessage?: MessageWait;
  /** What must follow in the workflow: written to the outbox in the same transaction. */
  readonly effects?: readonly Effect[];
  /**
   * A further change in the same transaction, made on the case as this one leaves it, with its
   * own audit event after this one's (a waiting step records its status, then opens its wait:
   * no reader sees the one without the other).
   */
  readonly then?: CaseChange;
}

/** A change and the changes that follow it in its transaction, in order. */
export function changesOf(change: CaseChange): CaseChange[] {
  return change.then === undefined ? [change] : [change, ...changesOf(change.then)];
}

/** What a use case decided about a case: what to write, and what to answer. */
export interface Decision<R> {
  /** Absent: nothing changes. */
  readonly change?: CaseChange;
  /** The use case's answer, from the case as saved (with its new version), or as read when nothing changed. */
  readonly result: (saved: Case) => R;
}

/** The record that ties an Idempotency-Key to the case its first request created. */
export interface IdempotencyRecord {
  readonly tenant: string;
  readonly key: string;
  readonly requestHash: string;
  readonly caseId: string;
  /** Epoch seconds; the record is forgotten after it. */
  readonly expiresAt: number;
}

/** Another request with the same Idempotency-Key created its case first. */
export class IdempotencyKeyTaken extends Error {
  constructor() {
    super('the Idempotency-Key was used by a concurrent request');
    this.name = 'IdempotencyKeyTaken';
  }
}

/**
 * The case aggregate: a case, its tasks, its awaited messages and its audit trail. Every
 * change appends the next audit event, sealed with the audit seal, and bumps the case's
 * version under the condition that nobody changed it since it was read.
 */
export interface CaseStore {
  get(id: string): Promise<Case | undefined>;
  /** The case with its tasks and the messages its workflow waits for, in one consistent read: what a case's page shows. */
  getWithTasksAndWaits(id: string): Promise<{ readonly case: Case; readonly tasks: Task[]; readonly waits: MessageWait[] } | undefined>;
  /**
   * The case as stored, with the head of its audit trail and whether its item's keys are its
   * own: what its trail is verified against.
   */
  getAudited(id: string): Promise<StoredCase | undefined>;
  /**
   * Reads the case, applies `decide` and saves its change in one transaction. `decide` may
   * read more of the aggregate (its tasks): anything that changes those also changes the
   * case's version, so a decision on stale reads never commits. A concurrent
   * change of the case makes `decide` run again on the new state (a few times, then a
   * TransientError); a task or message wait that changed since it was read is a conflict.
   * Throws not-found when the case does not exist; returns what `decide` answers.
   *
   * `from`: the case as this store returned it a moment ago (`get`, the case's page, its audited
   * read). The first try decides on it instead of reading the case again (one read less on a
   * step's path); its version still conditions the write, so a case changed since costs only a
   * try more, on the case as it then is. A case the store did not hand out is read as usual.
   */
  change<R>(id: string, decide: (current: Case) => Decision<R> | Promise<Decision<R>>, options?: { readonly from?: Case }): Promise<R>;
  /** Hands out the next number of a tenant's year; a failed submission leaves a gap, never a duplicate. */
  nextNumberSequence(tenant: string, year: number): Promise<number>;
  /**
   * Writes a new case with its number, its first audit event and its Idempotency-Key, all or
   * nothing; throws IdempotencyKeyTaken when a concurrent request holds the key.
   */
  create(subject: Case, audit: AuditDraft, idempotency?: IdempotencyRecord, effects?: readonly Effect[]): Promise<void>;
  /**
   * A task found by its id alone (a request that names only the task): its case is looked up first, then the task
   * read as it is now. The lookup may lag the task's creation (on AWS an index); it is asked again for a short while.
   */
  getTask(id: string): Promise<Task | undefined>;
  /** A task of a known case, read as it is now; undefined when the case has no such task. */
  taskOfCase(caseId: string, id: string): Promise<Task | undefined>;
  /** A case's tasks, read as they are now. */
  tasksOfCase(caseId: string): Promise<Task[]>;
  messageWait(caseId: string, name: string): Promise<MessageWait | undefined>;
  messageWaitsOf(caseId: string): Promise<MessageWait[]>;
}

/** The effects written with case changes that have not been delivered yet. */
export interface Outbox {
  /** A case's undelivered effects, oldest first. */
  pendingOf(caseId: string): Promise<OutboxItem[]>;
  /** Marks an item delivered (removes it); an item removed before is no error. */
  delivered(item: OutboxItem): Promise<void>;
}

/** The Idempotency-Keys a tenant's submissions used. */
export interface IdempotencyStore {
  find(tenant: string, key: string): Promise<IdempotencyRecord | undefined>;
}

export interface Page<T> {
  readonly items: T[];
  /** The position after which the next page starts; absent on the last page. */
  readonly after?: string;
}

/** A case as the search indexes hold it. */
export type CaseSummary = Pick<Case, 'id' | 'number' | 'tenant' | 'type' | 'applicant' | 'status' | 'createdAt' | 'updatedAt' | 'dueAt' | 'attention'>;

/**
 * An open case as the reconciler reads it: what the index of open cases holds. Nothing here
 * changes with a case's status or its other writes, so those leave that index unwritten.
 */
export type OpenCase = Pick<Case, 'id' | 'tenant' | 'type' | 'dueAt' | 'attention'>;

export interface CaseQuery {
  readonly tenant: string;
  readonly status?: string;
  readonly type?: string;
  readonly applicant?: string;
  readonly limit: number;
  readonly after?: string;
}

export interface TaskQuery {
  readonly tenant: string;
  readonly roles: readonly string[];
  readonly statuses: readonly TaskStatus[];
  readonly limit: number;
  readonly after?: string;
}

/** The read side: inboxes, searches and audit trails, each served by an index. */
export interface CaseReads {
  tasksByRole(query: TaskQuery): Promise<Page<Task>>;
  searchCases(query: CaseQuery): Promise<Page<CaseSummary>>;
  /** A case's audit trail in order. */
  history(caseId: string): Promise<AuditEvent[]>;
  /** Every open case, across tenants, a page at a time (for the reconciler; not a request path). */
  openCases(after: string | undefined, limit: number): Promise<Page<OpenCase>>;
  /** A tenant's open cases that need an operator, longest waiting first. */
  casesNeedingAttention(query: { tenant: string; limit: number; after?: string }): Promise<Page<CaseSummary>>;
}
