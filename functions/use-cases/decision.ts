import type { Decision } from '../domain/case';
import type { CaseStore } from '../ports/case-store.port';

/**
 * A decision as a workflow step reports it. When a clerk decided, the step names the completed
 * task (`taskId`) instead of passing on its reason: the workflow carries no free text, which may
 * name the applicant. A reason the workflow states itself (a deadline passed, the register
 * decided) comes as `reason`.
 */
export interface ReportedDecision {
  readonly outcome: string;
  readonly decidedBy: string;
  readonly reason?: string;
  readonly taskId?: string;
}

/**
 * The reason a clerk gave with the completion of `taskId`, read from the table; undefined when
 * there is no such task of this case, or it was completed without a reason.
 */
export async function reasonOfTask(cases: Pick<CaseStore, 'taskOfCase'>, caseId: string, taskId: string | undefined): Promise<string | undefined> {
  if (!taskId) return undefined;
  return (await cases.taskOfCase(caseId, taskId))?.completion?.reason;
}

/** The decision to record: the reported one, with the deciding task's reason when the workflow names a task. */
export async function decisionOf(cases: Pick<CaseStore, 'taskOfCase'>, caseId: string, reported: ReportedDecision): Promise<Omit<Decision, 'decidedAt'>> {
  const { taskId, reason, ...decision } = reported;
  const given = reason ?? (await reasonOfTask(cases, caseId, taskId));
  return given ? { ...decision, reason: given } : decision;
}
