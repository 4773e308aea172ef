import type { CaseSummary } from '../ports/case-store.port';
import { applicantKind } from '../domain/applicant';
import type { AuditEvent } from '../domain/audit';
import type { TrailVerdict } from '../domain/audit-trail';
import type * as api from './api.schemas';
import type { View } from './route-contract';
import type { Case } from '../domain/case';
import type { MessageWait } from '../domain/message-wait';
import type { Task } from '../domain/task';
import { isActive } from '../domain/task';
import type { Language, TransactionType } from '../domain/transaction-type';
import { findStatus } from '../domain/transaction-type';

/** A task as the API shows it: everything but its task token. */
export function taskView(task: Task): View<typeof api.taskViewSchema> {
  const { token: _token, ...visible } = task;
  return visible;
}

function statusView(subject: Pick<Case, 'status'>, type: TransactionType | undefined, language: Language) {
  const status = type ? findStatus(type, subject.status) : undefined;
  return { code: subject.status, text: status?.citizenText[language] ?? subject.status, final: status?.final ?? false };
}

/** A task as the inbox lists it: a completion without its reason and data, which may speak of the applicant. */
export function taskSummary(task: Task): View<typeof api.taskSummarySchema> {
  const { completion, ...visible } = taskView(task);
  return { ...visible, ...(completion ? { completion: { outcome: completion.outcome, by: completion.by, at: completion.at } } : {}) };
}

/** A case as a list shows it: no personal data, so that listing needs no access record. */
export function caseSummary(subject: CaseSummary, type: TransactionType | undefined, language: Language): View<typeof api.caseSummarySchema> {
  return {
    id: subject.id,
    number: subject.number,
    type: subject.type,
    applicantKind: applicantKind(subject.applicant),
    status: statusView(subject, type, language),
    createdAt: subject.createdAt,
    updatedAt: subject.updatedAt,
    dueAt: subject.dueAt,
    ...(subject.attention ? { attention: subject.attention } : {}),
  };
}

/** A case as the API shows it, with its status explained in the caller's language. */
export function caseView(
  subject: Case,
  type: TransactionType | undefined,
  language: Language,
  tasks: readonly Task[] = [],
  waits: readonly MessageWait[] = [],
): View<typeof api.caseViewSchema> {
  const status = statusView(subject, type, language);
  return {
    id: subject.id,
    number: subject.number,
    type: subject.type,
    applicant: subject.applicant,
    data: subject.data,
    status,
    statusHistory: subject.statusHistory,
    createdAt: subject.createdAt,
    updatedAt: subject.updatedAt,
    dueAt: subject.dueAt,
    ...(subject.closedAt ? { closedAt: subject.closedAt } : {}),
    ...(subject.decision ? { decision: subject.decision } : {}),
    confidentiality: subject.confidentiality,
    documents: subject.documents,
    ...(subject.suspendedSince ? { suspendedSince: subject.suspendedSince } : {}),
    extensions: subject.extensions ?? [],
    openTasks: tasks.filter(isActive).map(taskView),
    completedTasks: tasks.filter((task) => task.status === 'completed').map(taskView),
    // A wait that timed out, or of a withdrawn case, waits for nothing any more.
    awaitingMessages: status.final ? [] : waits.map((wait) => ({ name: wait.name, since: wait.since })),
    ...(subject.attention ? { attention: subject.attention } : {}),
    ...(subject.failure ? { failure: subject.failure } : {}),
    version: subject.version,
  };
}

export function transactionTypeSummary(type: TransactionType, language: Language): View<typeof api.transactionTypeSummarySchema> {
  return {
    key: type.key,
    version: type.version,
    title: type.title,
    description: type.description,
    displayTitle: type.title[language],
    applicantKinds: type.applicantKinds,
    legalDeadline: type.legalDeadline,
    fee: type.fee,
  };
}

/** A type's versions, oldest first: the last is current. */
export function transactionTypeVersionList(versions: readonly TransactionType[], language: Language): View<typeof api.transactionTypeVersionListSchema> {
  const current = versions.at(-1) as TransactionType;
  return { key: current.key, current: current.version, items: versions.map((type) => transactionTypeSummary(type, language)) };
}

export function transactionTypeView(type: TransactionType, language: Language): View<typeof api.transactionTypeViewSchema> {
  return {
    ...transactionTypeSummary(type, language),
    inputSchema: type.inputSchema,
    example: type.example,
    statuses: type.statuses,
    roles: type.roles,
    tasks: type.tasks,
    messages: type.messages,
    suspension: type.suspension,
    extension: type.extension,
    confidentiality: type.confidentiality,
    retention: type.retention,
  };
}

/** A case's audit trail as the API shows it, with the verdict on it: when it does not verify, where and why. */
export function historyView(subject: Case, events: readonly AuditEvent[], verdict: TrailVerdict): View<typeof api.caseHistorySchema> {
  const where = verdict.verified ? {} : { firstBadSequence: verdict.firstBadSequence, fault: verdict.reason };
  return { caseId: subject.id, number: subject.number, verified: verdict.verified, ...where, items: events };
}
