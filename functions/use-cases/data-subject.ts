import type { AccessRecord } from '../domain/access-record';
import type { Caller } from '../domain/actor';
import type { Applicant } from '../domain/applicant';
import { applicantId } from '../domain/applicant';
import type { AuditEvent } from '../domain/audit';
import type { Case } from '../domain/case';
import type { Task } from '../domain/task';
import { decodeCursor, encodeCursor } from '../domain/page-cursor';
import { permissions, requireRole } from '../domain/permissions';
import type { CaseReads, CaseStore } from '../ports/case-store.port';
import type { AccessDependencies } from './record-access';
import { recordAccess } from './record-access';

export interface DataSubjectCommand {
  readonly caller: Caller;
  /** The person or business: an INSZ or a KBO number, normalised. */
  readonly applicant: Applicant;
  readonly purpose: string;
}

/**
 * The data protection officer's view of who processed a person's data within the tenant
 * (GDPR art. 15 and 30): the access records, oldest first. Asking is itself recorded.
 */
export function processingLogOf(deps: AccessDependencies) {
  return async (command: DataSubjectCommand & { limit: number; cursor?: string }): Promise<{ items: AccessRecord[]; nextCursor?: string }> => {
    requireRole(command.caller, permissions.dataSubject);
    const tenant = command.caller.tenant;
    const person = await deps.pseudonyms.of(applicantId(command.applicant));
    // Stryker disable next-line BooleanLiteral: the flag's presence sets this listing's cursors apart from the others'; its value does not matter, so `false` is the same program
    const scope = { tenant, person, limit: command.limit, log: true };
    const after = command.cursor === undefined ? undefined : decodeCursor(command.cursor, scope);
    const page = await deps.processingLog.ofPerson({ tenant, person, limit: command.limit, after });
    await recordAccess(deps, { tenant, actor: command.caller, applicantId: applicantId(command.applicant), action: 'data-subject.processing-log', purpose: command.purpose });
    return { items: page.items, ...(page.after ? { nextCursor: encodeCursor(scope, page.after) } : {}) };
  };
}

export interface DataSubjectExport {
  readonly person: string;
  /** Each case with its tasks (their outcomes, reasons and notes are about the person too) and its audit trail. */
  readonly cases: ReadonlyArray<{ case: Case; tasks: readonly Task[]; history: readonly AuditEvent[] }>;
  readonly accessRecords: readonly AccessRecord[];
}

export interface ExportDependencies extends AccessDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'tasksOfCase'>;
  readonly reads: Pick<CaseReads, 'searchCases' | 'history'>;
}

/**
 * Everything the tenant holds about a person or business (GDPR art. 15): each of their cases
 * whole, with its tasks, its audit trail and its documents (as links in the view), and the processing
 * log. The export is itself recorded.
 */
export function exportDataSubject(deps: ExportDependencies) {
  return async (command: DataSubjectCommand): Promise<DataSubjectExport> => {
    requireRole(command.caller, permissions.dataSubject);
    const tenant = command.caller.tenant;
    const identifier = applicantId(command.applicant);
    const person = await deps.pseudonyms.of(identifier);
    const cases: Array<{ case: Case; tasks: readonly Task[]; history: readonly AuditEvent[] }> = [];
    let after: string | undefined;
    do {
      const page = await deps.reads.searchCases({ tenant, applicant: identifier, limit: 100, after });
      for (const summary of page.items) {
        const found = await deps.cases.get(summary.id);
        if (found) cases.push({ case: found, tasks: await deps.cases.tasksOfCase(found.id), history: await deps.reads.history(found.id) });
      }
      after = page.after;
    } while (after !== undefined);
    const accessRecords: AccessRecord[] = [];
    let logAfter: string | undefined;
    do {
      const page = await deps.processingLog.ofPerson({ tenant, person, limit: 100, after: logAfter });
      accessRecords.push(...page.items);
      logAfter = page.after;
    } while (logAfter !== undefined);
    await recordAccess(deps, { tenant, actor: command.caller, applicantId: applicantId(command.applicant), action: 'data-subject.export', purpose: command.purpose });
    return { person, cases, accessRecords };
  };
}
