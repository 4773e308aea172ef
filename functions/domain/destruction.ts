/**
 * Applying a closed case's retention when it is due: a `destroy` case is destroyed and leaves a
 * tombstone, the last event of its audit trail; a `keep` case is marked due for transfer to the
 * archive. The audit trail itself stays: its events hold ids, codes, dates and staff reasons,
 * never the applicant or the case's data.
 */
import { createHash } from 'node:crypto';
import type { Actor } from './actor';
import type { AuditDraft } from './audit';
import { canonicalJson } from './audit';
import { brusselsDate } from './calendar';
import type { Case } from './case';
import type { OutboxItem } from './effect';
import { conflict } from './errors';
import type { MessageWait } from './message-wait';
import type { CaseRetention } from './retention';
import { isRetentionDue } from './retention';
import type { Task } from './task';

/** A record that only points at a case: its number, or the Idempotency-Key it was submitted with. */
export interface CaseReference {
  readonly kind: 'case-number' | 'idempotency-key';
  /** The number, or the key, by which the record is found (the key within the case's tenant). */
  readonly value: string;
}

/** Everything kept of a case besides its audit trail: what destroying it removes. */
export interface CaseRemains {
  readonly case: Case;
  readonly tasks: readonly Task[];
  readonly messageWaits: readonly MessageWait[];
  /** Effects of the case's changes not delivered yet. */
  readonly outbox: readonly OutboxItem[];
  readonly references: readonly CaseReference[];
  /** The keys of the files kept for the case: its issued documents. */
  readonly documentKeys: readonly string[];
}

/** How many items of each kind a destruction removes: what its tombstone tells, without the items. */
export interface DestroyedItems {
  readonly cases: number;
  readonly tasks: number;
  readonly messageWaits: number;
  readonly outboxItems: number;
  readonly caseNumbers: number;
  readonly idempotencyKeys: number;
  readonly documents: number;
}

/** The audit action of a tombstone. */
export const tombstoneAction = 'case.destroyed';
/** The audit action that marks a `keep` case due for transfer to the archive. */
export const transferDueAction = 'case.archive-transfer-due';

export function destroyedItems(remains: CaseRemains): DestroyedItems {
  const references = (kind: CaseReference['kind']) => remains.references.filter((reference) => reference.kind === kind).length;
  return {
    cases: 1,
    tasks: remains.tasks.length,
    messageWaits: remains.messageWaits.length,
    outboxItems: remains.outbox.length,
    caseNumbers: references('case-number'),
    idempotencyKeys: references('idempotency-key'),
    documents: remains.documentKeys.length,
  };
}

/** Each list's keys are distinct (ids, names, storage keys), so no two items compare equal. */
// Stryker disable next-line EqualityOperator: equivalent; no two keys are equal, so `<=` sorts the same
const sortedBy = <T>(items: readonly T[], key: (item: T) => string): T[] => [...items].sort((a, b) => (key(a) < key(b) ? -1 : 1));

/**
 * The SHA-256 of the remains as canonical JSON, each list in key order: whoever holds a copy of
 * the case (a backup) can show it is what was destroyed, while the digest reveals nothing of it.
 */
export function remainsDigest(remains: CaseRemains): string {
  const canonical = canonicalJson({
    case: remains.case,
    tasks: sortedBy(remains.tasks, (task) => task.id),
    messageWaits: sortedBy(remains.messageWaits, (wait) => wait.name),
    outbox: sortedBy(remains.outbox, (item) => item.id),
    references: sortedBy(remains.references, (reference) => `${reference.kind}#${reference.value}`),
    documentKeys: sortedBy(remains.documentKeys, (key) => key),
  });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** The rule a case's retention came from: its type's version and that version's retention, and when it ran out. */
function ruleOf(subject: Case, retention: CaseRetention) {
  return { type: subject.type, action: retention.action, years: retention.years, closedAt: subject.closedAt, dueOn: retention.dueOn };
}

/** The case's retention, provided it is closed, its retention has this action and is due on `now`'s date. */
function dueRetention(subject: Case, action: CaseRetention['action'], now: Date): CaseRetention {
  const retention = subject.retention;
  if (subject.closedAt === undefined || !retention) throw conflict(`case ${subject.number} is not closed`);
  if (retention.action !== action) throw conflict(`case ${subject.number} is to be ${retention.action === 'keep' ? 'kept' : 'destroyed'}`);
  if (!isRetentionDue(retention, brusselsDate(now))) throw conflict(`the retention of case ${subject.number} ends on ${retention.dueOn}`);
  return retention;
}

/**
 * Begins destroying a closed case whose retention says `destroy` and is due: the case is marked
 * as being destroyed and the tombstone records what goes (counts of each kind of item and a
 * digest of them), when, and under which rule. Written first, the tombstone makes the deletes
 * that follow restartable: a case marked this way is only finished, never tombstoned again.
 */
export function beginDestruction(remains: CaseRemains, actor: Actor, now: Date): { case: Case; audit: AuditDraft } {
  const subject = remains.case;
  const retention = dueRetention(subject, 'destroy', now);
  if (retention.destroyingSince) throw conflict(`case ${subject.number} is being destroyed since ${retention.destroyingSince}`);
  const at = now.toISOString();
  return {
    case: { ...subject, retention: { ...retention, destroyingSince: at }, updatedAt: at },
    audit: {
      action: tombstoneAction,
      actor,
      at,
      details: { tenant: subject.tenant, rule: ruleOf(subject, retention), destroyed: destroyedItems(remains), digest: remainsDigest(remains) },
    },
  };
}

/**
 * Marks a closed case whose retention says `keep` and is due as due for transfer to the
 * archive (overbrenging); a case marked before changes nothing (undefined).
 */
export function markTransferDue(subject: Case, actor: Actor, now: Date): { case: Case; audit: AuditDraft } | undefined {
  const retention = dueRetention(subject, 'keep', now);
  if (retention.transferDueSince) return undefined;
  const at = now.toISOString();
  return {
    case: { ...subject, retention: { ...retention, transferDueSince: at }, updatedAt: at },
    audit: { action: transferDueAction, actor, at, details: { tenant: subject.tenant, rule: ruleOf(subject, retention) } },
  };
}
