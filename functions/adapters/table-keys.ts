/**
 * The one place that knows the table's key formats. Items of every kind share the table
 * (single-table design); the GSIs are overloaded, each serving the patterns named below.
 */
import type { Task } from '../domain/task';
import type { Delivery } from '../domain/webhook-delivery';
import type { CaseSummary, OpenCase } from '../ports/case-store.port';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** A global secondary index: its name and key attributes, as the table definition declares them. */
export interface IndexKeys {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

const gsi = (n: number): IndexKeys => ({ name: `GSI${n}`, partitionKey: `GSI${n}PK`, sortKey: `GSI${n}SK` });

/** The table's own key attributes. */
export const tableKeys = { partitionKey: 'PK', sortKey: 'SK' } as const;

/** What a case search result shows; the indexes that only serve searches copy just these. */
export const caseSummaryAttributes = ['id', 'number', 'tenant', 'type', 'applicant', 'status', 'createdAt', 'updatedAt', 'dueAt', 'attention'] as const satisfies ReadonlyArray<keyof CaseSummary>;

/** What the reconciler reads of an open case; the index of open cases copies just these. */
export const openCaseAttributes = ['id', 'tenant', 'type', 'dueAt', 'attention'] as const satisfies ReadonlyArray<keyof OpenCase>;

/** Every attribute of a task: the inbox is read from an index, whole. */
export const taskAttributes = ['id', 'caseId', 'caseNumber', 'tenant', 'name', 'title', 'role', 'status', 'outcomes', 'createdAt', 'dueAt', 'assignee', 'completion', 'token'] as const satisfies ReadonlyArray<keyof Task>;

/** Every attribute of a webhook delivery: the due ones and a subscription's are read from indexes, whole. */
export const deliveryAttributes = ['id', 'receiver', 'tenant', 'caseId', 'sequence', 'run', 'event', 'status', 'createdAt', 'nextAttemptAt', 'attempts'] as const satisfies ReadonlyArray<keyof Delivery>;

// A field added to Task, Delivery, CaseSummary or OpenCase that the lists above lack would be missing from what the
// indexes return: these fail to compile until the field is listed (and so projected).
type Unlisted<T, Listed extends ReadonlyArray<keyof T>> = Exclude<keyof T, Listed[number]>;
const everyTaskAttribute: Unlisted<Task, typeof taskAttributes> extends never ? true : never = true;
const everyDeliveryAttribute: Unlisted<Delivery, typeof deliveryAttributes> extends never ? true : never = true;
const everySummaryAttribute: Unlisted<CaseSummary, typeof caseSummaryAttributes> extends never ? true : never = true;
const everyOpenCaseAttribute: Unlisted<OpenCase, typeof openCaseAttributes> extends never ? true : never = true;
void [everyTaskAttribute, everyDeliveryAttribute, everySummaryAttribute, everyOpenCaseAttribute];

export const keys = {
  case: (id: string) => ({ PK: `CASE#${id}`, SK: 'CASE' }),
  caseNumber: (number: string) => ({ PK: `CASENO#${number}`, SK: 'CASENO' }),
  auditEvent: (caseId: string, sequence: number) => ({ PK: `CASE#${caseId}`, SK: `AUDIT#${pad(sequence, 8)}` }),
  auditPrefix: 'AUDIT#',
  /**
   * A task, in its case's partition, sorting just after the case (CASE < CASE#TASK#… < OUTBOX#): one consistent
   * Query reads a case with its waits and its tasks. Found by its id alone through `byTaskId`.
   */
  task: (caseId: string, id: string) => ({ PK: `CASE#${caseId}`, SK: `CASE#TASK#${id}` }),
  taskPrefix: 'CASE#TASK#',
  /** Where a task lay before it moved into its case's partition (issue 14); only the migration reads it. */
  formerTask: (id: string) => ({ PK: `TASK#${id}`, SK: 'TASK' }),
  messageWait: (caseId: string, name: string) => ({ PK: `CASE#${caseId}`, SK: `AWAIT#${name}` }),
  messageWaitPrefix: 'AWAIT#',
  /** An undelivered effect of a change to the case: its outbox item, in the case's own partition. */
  outbox: (caseId: string, id: string) => ({ PK: `CASE#${caseId}`, SK: `OUTBOX#${id}` }),
  outboxPrefix: 'OUTBOX#',
  caseNumberCounter: (tenant: string, year: number) => ({ PK: `COUNTER#${tenant}#${year}`, SK: 'CASENO' }),
  tenant: (id: string) => ({ PK: `TENANT#${id}`, SK: 'TENANT' }),
  /** A person's access records within a tenant (the processing log), in time order. */
  accessRecord: (tenant: string, person: string, at: string, id: string) => ({ PK: `ACCESS#${tenant}#${person}`, SK: `${at}#${id}` }),
  accessPartition: (tenant: string, person: string) => `ACCESS#${tenant}#${person}`,
  /** A submission's Idempotency-Key, scoped to its tenant. */
  idempotency: (tenant: string, key: string) => ({ PK: `IDEMPOTENCY#${tenant}#${key}`, SK: 'IDEMPOTENCY' }),
  /** A tenant's webhook subscriptions, in its own partition (a tenant holds a handful). */
  subscription: (tenant: string, id: string) => ({ PK: `TENANT#${tenant}#SUBSCRIPTIONS`, SK: `SUBSCRIPTION#${id}` }),
  subscriptionsPartition: (tenant: string) => `TENANT#${tenant}#SUBSCRIPTIONS`,
  /**
   * A delivery of an event to a receiver: one partition per receiver and case (a delivery line),
   * ordered by the event's place in its case, so that the line's earliest pending delivery is
   * the first of a query.
   */
  delivery: (receiver: string, caseId: string, orderKey: string) => ({ PK: `DELIVERIES#${receiver}#CASE#${caseId}`, SK: `DELIVERY#${orderKey}` }),
  deliveryLine: (receiver: string, caseId: string) => `DELIVERIES#${receiver}#CASE#${caseId}`,
  deliveryPrefix: 'DELIVERY#',
  /** A tenant's event log, by time, for replay (ids and codes only; it expires). */
  loggedEvent: (tenant: string, time: string, id: string) => ({ PK: `TENANT#${tenant}#EVENTS`, SK: `${time}#${id}` }),
  eventLogPartition: (tenant: string) => `TENANT#${tenant}#EVENTS`,
  /** How far the retention job has handled the archive schedule (GSI7): the month its reads start at. */
  retentionProgress: { PK: 'RETENTION', SK: 'PROGRESS' },
  /** That a table's items were moved where a version keeps them (a data migration ran to its end): `SK` names the move. */
  migrated: (move: string) => ({ PK: 'MIGRATION', SK: move }),
} as const;

/** GSI1: a tenant's cases by status, and its tasks by role and status, each ordered by due date. */
export const byStatus = {
  index: gsi(1),
  cases: (tenant: string, status: string, dueAt: string, id: string) => ({
    GSI1PK: `TENANT#${tenant}#CASES#${status}`,
    GSI1SK: `${dueAt}#${id}`,
  }),
  casesPartition: (tenant: string, status: string) => `TENANT#${tenant}#CASES#${status}`,
  tasks: (tenant: string, role: string, status: string, dueAt: string, id: string) => ({
    GSI1PK: `TENANT#${tenant}#TASKS#${role}#${status}`,
    GSI1SK: `${dueAt}#${id}`,
  }),
  tasksPartition: (tenant: string, role: string, status: string) => `TENANT#${tenant}#TASKS#${role}#${status}`,
} as const;

/**
 * GSI1, overloaded: pending deliveries by their next attempt, for the scheduled retries. Sparse:
 * a delivery is in it only while it is pending. One partition for all receivers: it holds only
 * what waits, and the retry run reads it from its oldest end.
 */
export const byDeliveryDue = {
  index: gsi(1),
  partition: 'DELIVERIES#DUE',
  delivery: (nextAttemptAt: string, id: string) => ({ GSI1PK: 'DELIVERIES#DUE', GSI1SK: `${nextAttemptAt}#${id}` }),
} as const;

/** GSI2, overloaded: a subscription's deliveries in the order they were recorded. */
export const bySubscription = {
  index: gsi(2),
  partition: (subscriptionId: string) => `SUBSCRIPTION#${subscriptionId}#DELIVERIES`,
  delivery: (subscriptionId: string, createdAt: string, id: string) => ({ GSI2PK: `SUBSCRIPTION#${subscriptionId}#DELIVERIES`, GSI2SK: `${createdAt}#${id}` }),
} as const;

/** GSI2: a tenant's cases by applicant (by the applicant's pseudonym, never the number; newest last). */
export const byOwner = {
  index: gsi(2),
  cases: (tenant: string, applicantId: string, createdAt: string, id: string) => ({
    GSI2PK: `TENANT#${tenant}#APPLICANT#${applicantId}`,
    GSI2SK: `${createdAt}#${id}`,
  }),
  casesPartition: (tenant: string, applicantId: string) => `TENANT#${tenant}#APPLICANT#${applicantId}`,
} as const;

/**
 * GSI3: open cases across tenants by due date, for the deadline watcher. Sparse (closed
 * cases drop out) and partitioned per due day, so that no single partition runs hot.
 */
export const byDueDay = {
  index: gsi(3),
  cases: (dueAt: string, id: string) => ({ GSI3PK: `DUE#${dueAt.slice(0, 10)}`, GSI3SK: `${dueAt}#${id}` }),
} as const;

/** GSI6: a tenant's open cases that need an operator, longest waiting first. Sparse: only flagged cases are in it. */
export const byAttention = {
  index: gsi(6),
  partition: (tenant: string) => `TENANT#${tenant}#ATTENTION`,
  cases: (tenant: string, since: string, id: string) => ({ GSI6PK: `TENANT#${tenant}#ATTENTION`, GSI6SK: `${since}#${id}` }),
} as const;

/**
 * GSI7: closed cases by the month their retention ends (the archive schedule), for the
 * retention job. Sparse: a case is in it from its closing until it is destroyed or found due
 * for transfer to the archive. One partition per month across tenants: a month's cases are
 * written as they close, years before they are due, so no partition runs hot; within a month
 * by tenant, then due date, so that one tenant's due cases are one key range. Ids and dates
 * only: nothing personal in a key.
 */
export const byArchiveMonth = {
  index: gsi(7),
  partition: (month: string) => `ARCHIVE#${month}`,
  cases: (tenant: string, dueOn: string, id: string) => ({ GSI7PK: `ARCHIVE#${dueOn.slice(0, 7)}`, GSI7SK: `${tenant}#${dueOn}#${id}` }),
  /** The sort keys of a tenant's cases of one month partition that are due on or before `day`. */
  dueRange: (tenant: string, day: string) => ({ from: `${tenant}#`, to: `${tenant}#${day}#~` }),
} as const;

/** GSI4 and GSI5: a tenant's cases by type, and all its cases, each in order of submission. */
export const bySubmission = {
  typeIndex: gsi(4),
  allIndex: gsi(5),
  typePartition: (tenant: string, typeKey: string) => `TENANT#${tenant}#TYPE#${typeKey}`,
  allPartition: (tenant: string) => `TENANT#${tenant}#CASES`,
  cases: (tenant: string, typeKey: string, createdAt: string, id: string) => ({
    GSI4PK: `TENANT#${tenant}#TYPE#${typeKey}`,
    GSI4SK: `${createdAt}#${id}`,
    GSI5PK: `TENANT#${tenant}#CASES`,
    GSI5SK: `${createdAt}#${id}`,
  }),
} as const;

/**
 * GSI5, overloaded (keys only): a task by its id, for the requests that name only the task (claim, complete). The
 * entry holds the task's table keys, so its case; written once, when the task is, as its keys never change.
 */
export const byTaskId = {
  index: gsi(5),
  partition: (id: string) => `TASK#${id}`,
  task: (id: string) => ({ GSI5PK: `TASK#${id}`, GSI5SK: 'TASK' }),
  /** The case a task's table key names. */
  caseIdOf: (partitionKey: string) => partitionKey.slice('CASE#'.length),
} as const;

/** Attributes that are keys, not domain data; stripped when an item becomes a domain object. */
export const keyAttributes = [
  tableKeys.partitionKey,
  tableKeys.sortKey,
  ...[byStatus.index, byOwner.index, byDueDay.index, bySubmission.typeIndex, bySubmission.allIndex, byAttention.index, byArchiveMonth.index].flatMap((index) => [index.partitionKey, index.sortKey]),
  'entity',
];

export function withoutKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const attribute of keyAttributes) delete copy[attribute];
  return copy as T;
}
