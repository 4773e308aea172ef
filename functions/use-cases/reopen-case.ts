import { reopen } from '../domain/case';
import { permissions } from '../domain/permissions';
import type { WorkflowEngine } from '../ports/workflow-engine.port';
import type { CaseActionCommand, CaseActionDependencies } from './lifecycle-actions';
import { act } from './lifecycle-actions';
import type { CaseOutcome } from './own-case';

export interface ReopenCaseDependencies extends CaseActionDependencies {
  /** Names the new execution. */
  readonly workflows: Pick<WorkflowEngine, 'executionIdFor'>;
}

/**
 * An operator reopens a case closed `failed` by mistake, so that it reaches its real final status:
 * 1. the case must be the operator's tenant's;
 * 2. it must be closed `failed` as it is written (the change is conditioned on the version read,
 *    and decided again on the case as stored): any other status is a conflict (409);
 * 3. it returns to its last open status, without closing date or retention, and the start of a
 *    new execution (`<case id>-<n>`; the one that closed it ended in its Fail state, which a redrive
 *    would only repeat) goes through the outbox, with the audit event and the operator's reason,
 *    in one transaction. The new execution runs the workflow from the start: steps the case
 *    passed are left alone and tasks answered before resume with their stored answers.
 */
export function reopenCase(deps: ReopenCaseDependencies) {
  return (command: CaseActionCommand): Promise<CaseOutcome> =>
    act(deps, command, permissions.reopenCase, (current, type, now) => ({
      ...reopen(current, type, {
        actor: command.caller,
        now,
        reason: command.reason,
        executionArnOf: (name) => deps.workflows.executionIdFor(type.key, name),
      }),
      effects: [{ kind: 'start-workflow', caseId: current.id }],
    }));
}
