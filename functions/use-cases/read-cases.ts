import type { Caller } from '../domain/actor';
import type { AuditEvent } from '../domain/audit';
import type { StoredCase, TrailVerdict } from '../domain/audit-trail';
import { verifyTrail } from '../domain/audit-trail';
import type { Case } from '../domain/case';
import { forbidden, notFound } from '../domain/errors';
import type { MessageWait } from '../domain/message-wait';
import { decodeCursor, encodeCursor } from '../domain/page-cursor';
import { permissions, requireRole, taskRoles } from '../domain/permissions';
import type { Task, TaskStatus } from '../domain/task';
import type { TransactionType } from '../domain/transaction-type';
import { applicantId } from '../domain/applicant';
import type { AuditSeal } from '../ports/audit-seal.port';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseReads, CaseStore, CaseSummary } from '../ports/case-store.port';
import { isCaseId, ownCaseOnly, ownRecordOnly } from './own-case';
import type { AccessDependencies } from './record-access';
import { recordAccess } from './record-access';

export interface CaseView {
  readonly case: Case;
  readonly type: TransactionType;
  readonly tasks: readonly Task[];
  readonly waits: readonly MessageWait[];
}

export interface ReadCaseDependencies extends AccessDependencies {
  readonly cases: Pick<CaseStore, 'getWithTasksAndWaits'>;
  readonly catalogue: Catalogue;
}

/** Why the caller reads: its X-Purpose, or the route it called. */
export interface Purposeful {
  readonly purpose: string;
}

/**
 * One case of the caller's tenant with its tasks and awaited messages, all read at once from the
 * case's partition (issue 14: two round trips, the read and the log, where three were). The
 * tenant check comes before anything is shown, and the read is in the processing log before the
 * case is.
 */
export function getCase(deps: ReadCaseDependencies) {
  return async (command: { caller: Caller; caseId: string } & Purposeful): Promise<CaseView> => {
    requireRole(command.caller, permissions.readCase);
    const id = command.caseId;
    if (!isCaseId(id)) throw notFound(`case ${id}`);
    const { case: found, tasks, waits } = ownRecordOnly(command.caller, id, await deps.cases.getWithTasksAndWaits(id));
    await recordAccess(deps, { tenant: found.tenant, actor: command.caller, applicantId: applicantId(found.applicant), caseId: found.id, action: 'case.read', purpose: command.purpose });
    return { case: found, type: deps.catalogue.ofCase(found), tasks, waits };
  };
}

export interface CaseHistory {
  readonly case: Case;
  readonly events: readonly AuditEvent[];
  /** Whether the trail tells the truth, and if not, its first bad position and why. */
  readonly verdict: TrailVerdict;
}

export interface CaseHistoryDependencies extends AccessDependencies {
  readonly cases: Pick<CaseStore, 'getAudited'>;
  readonly reads: Pick<CaseReads, 'history'>;
  readonly seal: Pick<AuditSeal, 'verify'>;
}

/** How often the case and its trail are read again when a change landed between the two reads. */
const historyReads = 3;

/**
 * A case's audit trail, verified:
 * 1. reads the caller's tenant's case with the head of its trail, then the trail; a change that
 *    commits between the two reads makes them disagree, so they are read again (a few times:
 *    a trail that still disagrees is judged as read);
 * 2. records the read in the processing log;
 * 3. verifies the trail from genesis against its head, its seals and the case as stored.
 */
export function caseHistory(deps: CaseHistoryDependencies) {
  return async (command: { caller: Caller; caseId: string } & Purposeful): Promise<CaseHistory> => {
    requireRole(command.caller, permissions.readCase);
    const id = command.caseId;
    const readOwn = async (): Promise<StoredCase> => {
      const stored = isCaseId(id) ? await deps.cases.getAudited(id) : undefined;
      return { ...stored, case: ownCaseOnly(command.caller, id, stored?.case) };
    };
    let found = await readOwn();
    let events = await deps.reads.history(id);
    for (let read = 2; read <= historyReads && events.length !== found.head?.sequence; read++) {
      found = await readOwn();
      events = await deps.reads.history(id);
    }
    const subject = found.case;
    await recordAccess(deps, { tenant: subject.tenant, actor: command.caller, applicantId: applicantId(subject.applicant), caseId: subject.id, action: 'case.history', purpose: command.purpose });
    const verdict = await verifyTrail({ caseId: subject.id, events, stored: found }, (message, mac) => deps.seal.verify(message, mac));
    return { case: subject, events, verdict };
  };
}

export interface SearchCasesCommand {
  readonly caller: Caller;
  /** Why the caller searches (recorded when the search names a person). */
  readonly purpose: string;
  readonly status?: string;
  readonly type?: string;
  readonly applicant?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface CasePage {
  readonly items: ReadonlyArray<{ summary: CaseSummary; type: TransactionType | undefined }>;
  readonly nextCursor?: string;
}

/**
 * Searches the caller's tenant's cases; every filter is served by an index, never a scan.
 * A cursor is bound to the tenant and the filters it was issued for.
 */
export function searchCases(deps: { reads: Pick<CaseReads, 'searchCases'>; catalogue: Catalogue } & AccessDependencies) {
  return async (command: SearchCasesCommand): Promise<CasePage> => {
    requireRole(command.caller, permissions.readCase);
    const { caller, cursor, purpose, ...filters } = command;
    const scope = { tenant: caller.tenant, status: filters.status, type: filters.type, applicant: filters.applicant, limit: filters.limit };
    const after = cursor === undefined ? undefined : decodeCursor(cursor, scope);
    const page = await deps.reads.searchCases({ ...scope, after });
    if (filters.applicant !== undefined) {
      await recordAccess(deps, { tenant: caller.tenant, actor: caller, applicantId: filters.applicant, action: 'case.search', purpose });
    }
    return {
      items: page.items.map((summary) => ({ summary, type: deps.catalogue.versionOf(summary.type) })),
      ...(page.after ? { nextCursor: encodeCursor(scope, page.after) } : {}),
    };
  };
}

export interface ListTasksCommand {
  readonly caller: Caller;
  readonly role?: string;
  readonly status?: TaskStatus;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * The tenant's task inbox: tasks of the caller's task roles (or one of them), soonest due
 * first, open and claimed unless a status is asked. A cursor is bound to the tenant, roles,
 * statuses and page size it was issued for.
 */
export function listTasks(deps: { reads: Pick<CaseReads, 'tasksByRole'> }) {
  return async (command: ListTasksCommand): Promise<{ items: Task[]; nextCursor?: string }> => {
    const { caller, role, status, limit, cursor } = command;
    const held = taskRoles(caller.roles);
    if (held.length === 0) throw forbidden('working tasks needs a task role such as clerk');
    if (role !== undefined && !held.includes(role)) throw forbidden(`you do not hold role '${role}'`);
    const roles = role ? [role] : held;
    const statuses: TaskStatus[] = status ? [status] : ['open', 'claimed'];
    const scope = { tenant: caller.tenant, roles, statuses, limit };
    const after = cursor === undefined ? undefined : decodeCursor(cursor, scope);
    const page = await deps.reads.tasksByRole({ ...scope, after });
    return { items: page.items, ...(page.after ? { nextCursor: encodeCursor(scope, page.after) } : {}) };
  };
}

/**
 * The caller's tenant's open cases that need an operator (their workflow ended while they are
 * open), longest waiting first; a cursor is bound to the tenant and page size.
 */
export function casesNeedingAttention(deps: { reads: Pick<CaseReads, 'casesNeedingAttention'>; catalogue: Catalogue }) {
  return async (command: { caller: Caller; limit: number; cursor?: string }): Promise<CasePage> => {
    requireRole(command.caller, permissions.operateCases);
    // Stryker disable next-line BooleanLiteral: the flag's presence sets this listing's cursors apart from the others'; its value does not matter, so `false` is the same program
    const scope = { tenant: command.caller.tenant, attention: true, limit: command.limit };
    const after = command.cursor === undefined ? undefined : decodeCursor(command.cursor, scope);
    const page = await deps.reads.casesNeedingAttention({ tenant: scope.tenant, limit: scope.limit, after });
    return {
      items: page.items.map((summary) => ({ summary, type: deps.catalogue.versionOf(summary.type) })),
      ...(page.after ? { nextCursor: encodeCursor(scope, page.after) } : {}),
    };
  };
}
