import type { Caller } from '../domain/actor';
import { isClosed } from '../domain/case';
import { conflict } from '../domain/errors';
import { permissions, requireRole } from '../domain/permissions';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseStore } from '../ports/case-store.port';
import type { Clock } from '../ports/services.port';
import type { WorkflowEngine } from '../ports/workflow-engine.port';
import type { CaseOutcome } from './own-case';
import { readOwnCase } from './own-case';

export interface RedriveCaseCommand {
  readonly caller: Caller;
  readonly caseId: string;
  readonly reason: string;
}

export interface RedriveCaseDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change'>;
  readonly workflows: Pick<WorkflowEngine, 'describe'>;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
}

/**
 * An operator runs a case's ended workflow again:
 * 1. the case must be the operator's tenant's, and still open (a closed case is done);
 * 2. its execution must have failed, timed out or been aborted (a running or succeeded one is
 *    not redriven: conflict);
 * 3. the redrive (through the outbox) and its audit event, with the operator's reason, are
 *    written in one transaction, which also clears the case's attention flag: the operator has
 *    acted on it, and a redriven execution may take the case to its final status before the
 *    reconciler sees it run (a closed case is never reconciled, so its flag would stay). If
 *    the execution ends again, the reconciler flags the case again.
 */
export function redriveCase(deps: RedriveCaseDependencies) {
  return async (command: RedriveCaseCommand): Promise<CaseOutcome> => {
    requireRole(command.caller, permissions.redriveCase);
    const found = await readOwnCase(deps.cases, command.caller, command.caseId);
    const type = deps.catalogue.ofCase(found);
    if (isClosed(found, type)) throw conflict(`case ${found.number} is closed with status '${found.status}'`);
    const { state } = await deps.workflows.describe(found.executionArn);
    if (state === 'running' || state === 'succeeded' || state === 'missing') {
      throw conflict(`the workflow of case ${found.number} is ${state === 'missing' ? 'not started yet' : state}; only a failed, timed-out or aborted one can be redriven`);
    }
    const now = deps.clock.now();
    const saved = await deps.cases.change(found.id, (current) => ({
      change: {
        case: { ...current, attention: undefined, updatedAt: now.toISOString() },
        audit: {
          action: 'case.redriven',
          actor: command.caller,
          at: now.toISOString(),
          reason: command.reason,
          details: { execution: state, ...(current.attention ? { attentionCleared: current.attention.reason } : {}) },
        },
        effects: [{ kind: 'redrive-workflow', caseId: current.id, executionId: current.executionArn }],
      },
      result: (changed) => changed,
    }), { from: found });
    return { case: saved, type };
  };
}
