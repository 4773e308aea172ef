import type { Caller } from '../domain/actor';
import type { Case } from '../domain/case';
import { extend, resume, suspend, withdraw } from '../domain/case';
import { permissions, requireRole } from '../domain/permissions';
import { cancelTask, isActive } from '../domain/task';
import type { TransactionType } from '../domain/transaction-type';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseChange, CaseStore } from '../ports/case-store.port';
import type { Clock, Telemetry } from '../ports/services.port';
import type { CaseOutcome } from './own-case';
import { readOwnCase } from './own-case';

export interface CaseActionCommand {
  readonly caller: Caller;
  readonly caseId: string;
  readonly reason: string;
}

export interface ExtendCaseCommand extends CaseActionCommand {
  readonly days: number;
}

export interface CaseActionDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change'>;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
}

/** A lifecycle rule's change: the case and its audit event, and any effects it sends through the outbox. */
type Rule = (current: Case, type: TransactionType, now: Date) => Pick<CaseChange, 'case' | 'audit' | 'effects'>;

/**
 * One lifecycle action on the caller's tenant's case:
 * 1. checks the caller's role;
 * 2. finds the case (another tenant's answers 404);
 * 3. applies the domain rule to the case as it is when written, with its audit event, in one transaction.
 */
export async function act(deps: CaseActionDependencies, command: CaseActionCommand, roles: readonly string[], rule: Rule): Promise<CaseOutcome> {
  requireRole(command.caller, roles);
  const found = await readOwnCase(deps.cases, command.caller, command.caseId);
  const type = deps.catalogue.ofCase(found);
  const now = deps.clock.now();
  return deps.cases.change(
    found.id,
    (current) => ({
      change: rule(current, type, now),
      result: (saved) => ({ case: saved, type }),
    }),
    { from: found },
  );
}

/** Suspends a case: its deadline clock stops. */
export function suspendCase(deps: CaseActionDependencies) {
  return (command: CaseActionCommand) =>
    act(deps, command, permissions.suspendCase, (current, type, now) => suspend(current, type, { actor: command.caller, now, reason: command.reason }));
}

/** Resumes a suspended case: its due date moves by the time it stood still. */
export function resumeCase(deps: CaseActionDependencies) {
  return (command: CaseActionCommand) =>
    act(deps, command, permissions.resumeCase, (current, type, now) => resume(current, type, { actor: command.caller, now, reason: command.reason }));
}

/** Extends a case's legal deadline by working days, within what its type allows. */
export function extendCase(deps: CaseActionDependencies) {
  return (command: ExtendCaseCommand) =>
    act(deps, command, permissions.extendCase, (current, type, now) =>
      extend(current, type, { actor: command.caller, now, days: command.days, reason: command.reason }),
    );
}

export interface WithdrawCaseDependencies extends CaseActionDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change' | 'tasksOfCase'>;
  /** A withdrawal closes the case: it is counted with the other final statuses. */
  readonly telemetry: Pick<Telemetry, 'caseClosed'>;
}

/**
 * Withdraws a case for the applicant:
 * 1. closes it as `withdrawn` and cancels its active tasks as they are when it is written (each
 *    conditioned on its state as read), with the audit event, in one transaction;
 * 2. stops its workflow execution through the outbox, in the same transaction;
 * 3. counts the case as closed `withdrawn`.
 */
export function withdrawCase(deps: WithdrawCaseDependencies) {
  return async (command: CaseActionCommand): Promise<CaseOutcome> => {
    requireRole(command.caller, permissions.withdrawCase);
    const found = await readOwnCase(deps.cases, command.caller, command.caseId);
    const type = deps.catalogue.ofCase(found);
    const now = deps.clock.now();
    const withdrawn = await deps.cases.change(found.id, async (current) => {
      // Read with the case: a task opened meanwhile changes the case's version, and the decision runs again.
      const active = (await deps.cases.tasksOfCase(current.id)).filter(isActive);
      const change: CaseChange = {
        ...withdraw(current, type, { actor: command.caller, now, reason: command.reason }),
        tasks: active.map((task) => ({ task: cancelTask(task), expect: task })),
        effects: [{ kind: 'stop-workflow', caseId: current.id, executionId: current.executionArn, cause: `Withdrawn by ${command.caller.subject}` }],
      };
      return { change, result: (saved) => saved };
    }, { from: found });
    deps.telemetry.caseClosed(type.key, withdrawn.status);
    return { case: withdrawn, type };
  };
}
