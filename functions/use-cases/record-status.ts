import type { Actor } from '../domain/actor';
import { systemActor } from '../domain/actor';
import type { StepFailure } from '../domain/step-failure';
import { hasReached, isClosed, transition } from '../domain/case';
import { closingNoticeEffects } from '../domain/closing-notice';
import { findStatus } from '../domain/transaction-type';
import { cancelTask, isActive } from '../domain/task';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseChange, CaseStore } from '../ports/case-store.port';
import type { Case } from '../domain/case';
import type { Clock, Telemetry } from '../ports/services.port';
import type { ReportedDecision } from './decision';
import { decisionOf } from './decision';

export interface RecordStatusCommand {
  readonly caseId: string;
  readonly status: string;
  readonly actor: Actor;
  readonly decision?: ReportedDecision;
  readonly cancelOpenTasks?: boolean;
  readonly details?: Record<string, unknown>;
  /** The step that failed, when the status is `failed`: the case keeps it for its view. */
  readonly failure?: StepFailure;
}

export interface RecordStatusDependencies {
  readonly cases: Pick<CaseStore, 'change' | 'tasksOfCase' | 'taskOfCase'>;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
}

/** The case's status after a recorded transition, and its type's key when the transition closed it. */
interface Moved {
  readonly status: string;
  readonly closedType?: string;
}

/**
 * Records a status transition decided by a workflow step:
 * 1. a case that reached the status before is left alone (a retried or re-run step), and so is
 *    a case closed meanwhile (withdrawn);
 * 2. otherwise the case moves to the status, with its audit event (and the decision, whose
 *    reason a clerk gave is read from the deciding task),
 * 3. cancelling its active tasks in the same transaction when asked (a timeout or a failure);
 * 4. a closing that is no failure writes its closing notice (CaseClosed.v1) to the outbox in the
 *    same transaction, unless the case's type version publishes it in its workflow (closing-notice);
 * 5. a case that closed is counted.
 * Returns the case's status afterwards.
 */
export function recordStatus(deps: RecordStatusDependencies) {
  return async (command: RecordStatusCommand): Promise<string> => {
    const now = deps.clock.now();
    const decision = command.decision && (await decisionOf(deps.cases, command.caseId, command.decision));
    const moved = await deps.cases.change(command.caseId, async (current) => {
      const type = deps.catalogue.ofCase(current);
      if (hasReached(current, type, command.status) || isClosed(current, type)) {
        return { result: (saved): Moved => ({ status: saved.status }) };
      }
      const activeTasks = command.cancelOpenTasks ? (await deps.cases.tasksOfCase(current.id)).filter(isActive) : [];
      const next = transition(current, type, {
        status: command.status,
        actor: command.actor,
        now,
        decision,
        details: command.details,
        failure: command.failure,
      });
      // A closing announces itself (CaseClosed.v1) where its type version leaves that to the step; a failure never did.
      const effects = command.failure ? [] : closingNoticeEffects(next.case);
      return {
        change: { ...next, tasks: activeTasks.map((task) => ({ task: cancelTask(task), expect: task })), effects },
        result: (saved): Moved => ({ status: saved.status, closedType: isClosed(saved, type) ? type.key : undefined }),
      };
    });
    if (moved.closedType !== undefined) deps.telemetry.caseClosed(moved.closedType, moved.status);
    return moved.status;
  };
}

/**
 * What a waiting step (create-task, await-message) asks of the case before it waits: a status
 * that is not final, recorded as a record-status step before it would record it, with the step as
 * the actor. The step writes it in the transaction that opens its task or wait (CaseChange.then),
 * so that no reader sees the status without the wait, and a message sent the moment the status
 * shows finds its wait. Undefined when the case reached the status before (a re-run) or closed
 * meanwhile. A final status is refused (the workflow's mistake, which fails the case): the case
 * would close, then wait for a task or message that cannot come. The lint tells the designer first
 * (LOKET_STATUS_FINAL_ON_WAIT).
 */
export type StatusBeforeWaiting = (current: Case, command: { readonly status: string; readonly step: 'create-task' | 'await-message' }) => Pick<CaseChange, 'case' | 'audit'> | undefined;

export function statusBeforeWaiting(deps: Pick<RecordStatusDependencies, 'catalogue' | 'clock'>): StatusBeforeWaiting {
  return (current, { status, step }) => {
    const type = deps.catalogue.ofCase(current);
    if (findStatus(type, status)?.final) throw new Error(`${step} cannot record the final status '${status}': the case would close before it waits`);
    if (hasReached(current, type, status) || isClosed(current, type)) return undefined;
    return transition(current, type, { status, actor: systemActor(step), now: deps.clock.now() });
  };
}

/** The change a waiting step writes: its own, after the status it records first when there is one. */
export function afterStatus(status: Pick<CaseChange, 'case' | 'audit'> | undefined, change: CaseChange): CaseChange {
  return status === undefined ? change : { ...status, then: change };
}
