import type { Actor } from './actor';
import { actorName } from './actor';
import type { Applicant } from './applicant';
import type { AuditDraft } from './audit';
import { addWorkingDays, shiftBySuspension } from './calendar';
import { conflict, validationError } from './errors';
import type { CaseRetention } from './retention';
import { retentionOnClosing } from './retention';
import type { LocalizedText, TransactionType } from './transaction-type';
import { findStatus } from './transaction-type';
import type { StepFailure } from './step-failure';

export interface StatusChange {
  readonly status: string;
  readonly at: string;
  readonly by: string;
}

export interface Decision {
  readonly outcome: string;
  readonly reason?: string;
  readonly decidedAt: string;
  readonly decidedBy: string;
}

/** A document the case produced for the applicant, such as the certificate itself. */
export interface CaseDocument {
  readonly kind: 'certificate' | 'permit';
  readonly reference: string;
  readonly issuedAt: string;
  readonly language: keyof LocalizedText;
  readonly title: LocalizedText;
  readonly text: LocalizedText;
  /** The rendered document (a PDF) in the document store; absent on documents issued before files were kept. */
  readonly file?: DocumentFile;
}

/** Where a document's file is kept and how to check it: the SHA-256 of its bytes, in hex. */
export interface DocumentFile {
  readonly key: string;
  /** Every document is issued as a PDF. */
  readonly contentType: 'application/pdf';
  readonly size: number;
  readonly sha256: string;
}

/** An extension (verlenging) of the legal deadline. */
export interface Extension {
  readonly days: number;
  readonly reason: string;
  readonly at: string;
  readonly by: string;
}

/** A message as its waiting step received it. */
export interface DeliveredMessage {
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly receivedAt: string;
  readonly by: string;
}

/** A case (zaak): one applicant's transaction of one type, for one tenant. */
export interface Case {
  readonly id: string;
  /** Human number per tenant and year, e.g. `44021-2026-000123`. */
  readonly number: string;
  readonly tenant: string;
  readonly type: { readonly key: string; readonly version: number };
  readonly applicant: Applicant;
  readonly data: Readonly<Record<string, unknown>>;
  readonly status: string;
  readonly statusHistory: readonly StatusChange[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly dueAt: string;
  /** When the case reached a final status; absent while it is open. */
  readonly closedAt?: string;
  /** What happens to the case when its retention ends, and from when: set as it closes, from its type's version. */
  readonly retention?: CaseRetention;
  readonly decision?: Decision;
  readonly confidentiality: string;
  readonly executionArn: string;
  /**
   * The published workflow version the case's execution runs (a Step Functions version ARN):
   * recorded as the case is submitted, or by its start when the submission could not tell it; a
   * later start (a reopening, a restarted local engine) runs it again.
   */
  readonly workflowVersionArn?: string;
  readonly documents: readonly CaseDocument[];
  /** Set while the case is suspended (opgeschort): the deadline clock stands still. */
  readonly suspendedSince?: string;
  readonly extensions?: readonly Extension[];
  /** Messages delivered to the workflow, kept so that a re-run of the workflow does not wait for them again. */
  readonly messages?: readonly DeliveredMessage[];
  /** Set while the case needs an operator: its workflow ended or cannot be started, and it is not closed. */
  readonly attention?: Attention;
  /** The step that closed the case `failed`: its state, error and cause. */
  readonly failure?: StepFailure;
  /** Optimistic-locking version: every saved change increments it by one. */
  readonly version: number;
}

/** Why an open case needs an operator, and since when. */
export interface Attention {
  readonly reason: string;
  readonly since: string;
}

/**
 * Flags an open case for an operator (its workflow ended while it is open). A case flagged
 * for the same reason already changes nothing (undefined); a closed case is never flagged.
 */
export function flagAttention(subject: Case, type: TransactionType, reason: string, actor: Actor, now: Date): { case: Case; audit: AuditDraft } | undefined {
  if (isClosed(subject, type) || subject.attention?.reason === reason) return undefined;
  const at = now.toISOString();
  return {
    case: { ...subject, attention: { reason, since: at }, updatedAt: at },
    audit: { action: 'case.needs-attention', actor, at, details: { reason } },
  };
}

/** Clears the flag once the case's workflow runs again (an operator redrove it); a case without one changes nothing. */
export function clearAttention(subject: Case, actor: Actor, now: Date): { case: Case; audit: AuditDraft } | undefined {
  if (!subject.attention) return undefined;
  const at = now.toISOString();
  return {
    case: { ...subject, attention: undefined, updatedAt: at },
    audit: { action: 'case.attention-cleared', actor, at, details: { reason: subject.attention.reason } },
  };
}

export function caseNumber(tenant: string, year: number, sequence: number): string {
  return `${tenant}-${year}-${String(sequence).padStart(6, '0')}`;
}

export interface NewCase {
  readonly id: string;
  readonly number: string;
  readonly tenant: string;
  readonly type: TransactionType;
  readonly applicant: Applicant;
  readonly data: Readonly<Record<string, unknown>>;
  readonly dueAt: Date;
  readonly executionArn: string;
  /** The workflow version new cases of the type start on, when the submission could tell it. */
  readonly workflowVersionArn?: string;
  readonly actor: Actor;
  readonly now: Date;
  readonly reason?: string;
}

/** Opens a case in the type's first status, with the audit event that records the submission. */
export function openCase(input: NewCase): { case: Case; audit: AuditDraft } {
  const at = input.now.toISOString();
  // A type declares at least two statuses (transactionTypeSchema): the first is where every case opens.
  const status = input.type.statuses[0]!.code;
  const opened: Case = {
    id: input.id,
    number: input.number,
    tenant: input.tenant,
    type: { key: input.type.key, version: input.type.version },
    applicant: input.applicant,
    data: input.data,
    status,
    statusHistory: [{ status, at, by: actorName(input.actor) }],
    createdAt: at,
    updatedAt: at,
    dueAt: input.dueAt.toISOString(),
    confidentiality: input.type.confidentiality,
    executionArn: input.executionArn,
    ...(input.workflowVersionArn === undefined ? {} : { workflowVersionArn: input.workflowVersionArn }),
    documents: [],
    version: 0,
  };
  return {
    case: opened,
    audit: {
      action: 'case.submitted',
      actor: input.actor,
      at,
      reason: input.reason,
      details: { number: opened.number, type: opened.type, status, ...(input.workflowVersionArn === undefined ? {} : { versionArn: input.workflowVersionArn }) },
    },
  };
}

export function isClosed(subject: Case, type: TransactionType): boolean {
  return findStatus(type, subject.status)?.final ?? false;
}

export interface Transition {
  readonly status: string;
  readonly actor: Actor;
  readonly now: Date;
  readonly decision?: Omit<Decision, 'decidedAt'>;
  readonly document?: CaseDocument;
  readonly details?: Readonly<Record<string, unknown>>;
  /** The step that failed, when the status closes the case `failed`. */
  readonly failure?: StepFailure;
}

/** Moves a case to a status its type declares; a closed case moves no more, and gets its retention as it closes. */
export function transition(subject: Case, type: TransactionType, change: Transition): { case: Case; audit: AuditDraft } {
  const target = findStatus(type, change.status);
  if (!target) throw conflict(`status '${change.status}' is not declared by type '${type.key}'`);
  if (isClosed(subject, type)) throw conflict(`case ${subject.number} is closed with status '${subject.status}'`);
  const at = change.now.toISOString();
  const decision = change.decision ? { ...change.decision, decidedAt: at } : subject.decision;
  return {
    case: {
      ...subject,
      status: target.code,
      statusHistory: [...subject.statusHistory, { status: target.code, at, by: actorName(change.actor) }],
      updatedAt: at,
      ...(target.final ? { closedAt: at, retention: retentionOnClosing(type, change.now) } : {}),
      decision,
      documents: change.document ? [...subject.documents, change.document] : subject.documents,
      ...(change.failure ? { failure: change.failure } : {}),
    },
    audit: {
      action: 'case.status-changed',
      actor: change.actor,
      at,
      // The status's flags and the document go with the change: what the change's events tell (case-change-events.ts).
      details: {
        from: subject.status,
        to: target.code,
        ...(change.decision ? { decision } : {}),
        ...change.details,
        inform: target.inform,
        final: target.final,
        ...(change.document ? { document: { reference: change.document.reference, kind: change.document.kind } } : {}),
      },
    },
  };
}

interface LifecycleAction {
  readonly actor: Actor;
  readonly now: Date;
  readonly reason?: string;
}

function requireOpen(subject: Case, type: TransactionType): void {
  if (isClosed(subject, type)) throw conflict(`case ${subject.number} is closed with status '${subject.status}'`);
}

/** The applicant withdraws the request: the case closes as `withdrawn`. */
export function withdraw(subject: Case, type: TransactionType, action: LifecycleAction): { case: Case; audit: AuditDraft } {
  requireOpen(subject, type);
  if (!findStatus(type, 'withdrawn')) throw conflict(`type '${type.key}' cannot be withdrawn`);
  const moved = transition(subject, type, { status: 'withdrawn', actor: action.actor, now: action.now });
  return { case: { ...moved.case, suspendedSince: undefined }, audit: { ...moved.audit, action: 'case.withdrawn', reason: action.reason } };
}

/** Suspends (schort op) a case whose type allows it: the deadline stops until it resumes. */
export function suspend(subject: Case, type: TransactionType, action: LifecycleAction): { case: Case; audit: AuditDraft } {
  requireOpen(subject, type);
  if (!type.suspension.allowed) throw conflict(`type '${type.key}' does not allow suspension`);
  if (subject.suspendedSince) throw conflict(`case ${subject.number} is already suspended`);
  const at = action.now.toISOString();
  return {
    case: { ...subject, suspendedSince: at, updatedAt: at },
    audit: { action: 'case.suspended', actor: action.actor, at, reason: action.reason, details: { dueAt: subject.dueAt } },
  };
}

/** Resumes a suspended case: the due date moves by the time it stood still. */
export function resume(subject: Case, type: TransactionType, action: LifecycleAction): { case: Case; audit: AuditDraft } {
  requireOpen(subject, type);
  if (!subject.suspendedSince) throw conflict(`case ${subject.number} is not suspended`);
  const suspendedMs = Math.max(0, action.now.getTime() - Date.parse(subject.suspendedSince));
  const dueAt = shiftBySuspension(new Date(subject.dueAt), suspendedMs).toISOString();
  const at = action.now.toISOString();
  return {
    case: { ...subject, suspendedSince: undefined, dueAt, updatedAt: at },
    audit: {
      action: 'case.resumed',
      actor: action.actor,
      at,
      reason: action.reason,
      details: { suspendedSince: subject.suspendedSince, suspendedMs, previousDueAt: subject.dueAt, dueAt },
    },
  };
}

/** Extends (verlengt) the deadline by working days, within what the type allows. */
export function extend(
  subject: Case,
  type: TransactionType,
  action: LifecycleAction & { days: number; reason: string },
): { case: Case; audit: AuditDraft } {
  requireOpen(subject, type);
  const rule = type.extension;
  if (!rule.allowed) throw conflict(`type '${type.key}' does not allow extending the deadline`);
  const extensions = subject.extensions ?? [];
  if (extensions.length >= rule.times) throw conflict(`the deadline of case ${subject.number} was already extended ${extensions.length} time(s), the most its type allows`);
  if (action.days > rule.maxDays) {
    throw validationError('extension too long', [{ path: 'days', message: `at most ${rule.maxDays} working days for type '${type.key}'` }]);
  }
  const at = action.now.toISOString();
  const dueAt = addWorkingDays(new Date(subject.dueAt), action.days).toISOString();
  const extension: Extension = { days: action.days, reason: action.reason, at, by: actorName(action.actor) };
  return {
    case: { ...subject, dueAt, extensions: [...extensions, extension], updatedAt: at },
    audit: { action: 'case.extended', actor: action.actor, at, reason: action.reason, details: { days: action.days, previousDueAt: subject.dueAt, dueAt } },
  };
}

/** The name of a case's current execution: the last part of its ARN (the case id, or `<case id>-<n>` once restarted). */
export function executionNameOf(subject: Pick<Case, 'executionArn'>): string {
  return subject.executionArn.slice(subject.executionArn.lastIndexOf(':') + 1);
}

/**
 * The name of a case's next execution (a reopening, a move to another version): `<case id>-<n>`,
 * one more than the current one's; the first execution is named after the case alone, so the
 * second is `-2`.
 */
export function nextExecutionName(subject: Pick<Case, 'id' | 'executionArn'>): string {
  const restarts = /^-(\d+)$/.exec(executionNameOf(subject).slice(subject.id.length))?.[1];
  return `${subject.id}-${restarts ? Number(restarts) + 1 : 2}`;
}

/**
 * Reopens a case an operator finds closed `failed` by mistake (an outage the steps took for the
 * case's own failure): it returns to the last open status it had, with neither closing date nor
 * retention, and its workflow starts again as a new execution (`<case id>-<n>`), since the one
 * that closed it ended. Any other status is a conflict.
 */
export function reopen(subject: Case, type: TransactionType, action: LifecycleAction & { executionArnOf: (name: string) => string }): { case: Case; audit: AuditDraft } {
  if (subject.status !== 'failed') throw conflict(`case ${subject.number} has status '${subject.status}'; only a case closed 'failed' can be reopened`);
  const open = [...subject.statusHistory].reverse().find((change) => !(findStatus(type, change.status)?.final ?? false));
  if (!open) throw conflict(`case ${subject.number} never had an open status to return to`);
  const executionArn = action.executionArnOf(nextExecutionName(subject));
  const at = action.now.toISOString();
  return {
    case: {
      ...subject,
      status: open.status,
      statusHistory: [...subject.statusHistory, { status: open.status, at, by: actorName(action.actor) }],
      closedAt: undefined,
      retention: undefined,
      attention: undefined,
      failure: undefined,
      executionArn,
      updatedAt: at,
    },
    audit: {
      action: 'case.reopened',
      actor: action.actor,
      at,
      reason: action.reason,
      details: {
        from: subject.status,
        to: open.status,
        inform: findStatus(type, open.status)?.inform ?? false,
        previousExecution: executionNameOf(subject),
        execution: executionNameOf({ executionArn }),
      },
    },
  };
}

/**
 * Whether a step that records `status` finds it reached already (a retried or re-run step):
 * an open status the case had before counts; a final one does not, since an open case that
 * had one was reopened and may close again.
 */
export function hasReached(subject: Case, type: TransactionType, status: string): boolean {
  if (findStatus(type, status)?.final) return false;
  return subject.statusHistory.some((change) => change.status === status);
}
