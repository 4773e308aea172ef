import type { Caller } from '../domain/actor';
import { notFound } from '../domain/errors';
import type { Task } from '../domain/task';
import { claimTask as claim, completeTask as complete, isRepeatedCompletion, taskResultOf } from '../domain/task';
import { DomainError, fieldErrors, validationError } from '../domain/errors';
import { schemaValidator, type TransactionType } from '../domain/transaction-type';
import type { CaseStore } from '../ports/case-store.port';
import type { Catalogue } from '../ports/catalogue.port';
import type { Clock } from '../ports/services.port';

const taskIdPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The caller's tenant's task; another tenant's task answers exactly like a missing one. */
async function readOwnTask(cases: Pick<CaseStore, 'getTask'>, caller: Caller, taskId: string): Promise<Task> {
  const task = taskIdPattern.test(taskId) ? await cases.getTask(taskId) : undefined;
  if (!task || task.tenant !== caller.tenant) throw notFound(`task ${taskId}`);
  return task;
}

export interface ClaimTaskCommand {
  readonly caller: Caller;
  readonly taskId: string;
}

export interface ClaimTaskDependencies {
  readonly cases: Pick<CaseStore, 'getTask' | 'change'>;
  readonly clock: Clock;
}

/**
 * A clerk takes a task of the tenant:
 * 1. finds the task within the caller's tenant;
 * 2. checks role and state (the domain rule); claiming one's own claimed task again changes nothing;
 * 3. writes the claimed task, the case's version and the audit event in one transaction, under
 *    the condition that the task is exactly as it was read: of concurrent claims one wins.
 */
export function claimTask(deps: ClaimTaskDependencies) {
  return async (command: ClaimTaskCommand): Promise<Task> => {
    const task = await readOwnTask(deps.cases, command.caller, command.taskId);
    const now = deps.clock.now();
    return deps.cases.change(task.caseId, (current) => {
      const claimed = claim(task, command.caller, now);
      if (!claimed) return { result: () => task };
      return {
        change: { case: current, audit: claimed.audit, tasks: [{ task: claimed.task, expect: task }] },
        result: () => claimed.task,
      };
    });
  };
}

export interface CompleteTaskCommand {
  readonly caller: Caller;
  readonly taskId: string;
  readonly outcome: string;
  readonly data?: Readonly<Record<string, unknown>>;
  /** The motivation of the decision, from the body. */
  readonly reason?: string;
  /** The reason for the action (X-Audit-Reason), kept in the audit event next to the body's reason. */
  readonly auditReason?: string;
}

export interface CompleteTaskDependencies {
  readonly cases: Pick<CaseStore, 'getTask' | 'change'>;
  readonly catalogue: Pick<Catalogue, 'ofCase'>;
  readonly clock: Clock;
}

/** A completion's data, checked against the data schema its task declares in type.json; a mismatch is a 400 naming the fields. */
function checkCompletionData(type: TransactionType, task: Task, data: Readonly<Record<string, unknown>> | undefined): void {
  if (data === undefined) return;
  const schema = type.tasks[task.name]?.dataSchema;
  if (!schema) throw validationError('unknown task', [{ path: 'data', message: `type '${type.key}' declares no task '${task.name}'` }]);
  const valid = schemaValidator(schema).safeParse(data);
  if (!valid.success) throw validationError('completion data does not match its task’s schema', fieldErrors(valid.error.issues, ['data']));
}

/**
 * Completes a task for a clerk:
 * 1. finds the task within the caller's tenant (another tenant's task does not exist for them);
 * 2. checks role, state and outcome (the domain rule); the same completion repeated by the
 *    same clerk (a retry) answers the completed task again and changes nothing; then checks
 *    the data against the schema the task declares in its type;
 * 3. writes the completed task, the case's version, the audit event and the outcome for the
 *    waiting step (through the outbox) in one transaction, under the condition that the task
 *    is exactly as it was read (status, assignee and the token of the step that waits): of
 *    concurrent completions, or a completion racing a re-run of the step, one wins.
 */
export function completeTask(deps: CompleteTaskDependencies) {
  return async (command: CompleteTaskCommand): Promise<Task> => {
    const task = await readOwnTask(deps.cases, command.caller, command.taskId);
    const now = deps.clock.now();
    const completeAsRead = () =>
      deps.cases.change(task.caseId, (current) => {
        const done = complete(task, {
          outcome: command.outcome,
          actor: command.caller,
          now,
          reason: command.reason,
          auditReason: command.auditReason,
          data: command.data,
        });
        if (!done) return { result: () => task };
        checkCompletionData(deps.catalogue.ofCase(current), task, command.data);
        const effect = { kind: 'resume-step', caseId: task.caseId, token: task.token, output: { ...taskResultOf({ ...done.task, completion: done.task.completion! }) }, answers: { task: task.id } } as const;
        return {
          change: { case: current, audit: done.audit, tasks: [{ task: done.task, expect: task }], effects: [effect] },
          result: () => done.task,
        };
      });
    try {
      return await completeAsRead();
    } catch (error) {
      // A retry racing the request it repeats loses the write; it is answered like any later retry.
      if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
      const after = await deps.cases.getTask(task.id);
      if (after && isRepeatedCompletion(after, { outcome: command.outcome, actor: command.caller })) return after;
      throw error;
    }
  };
}
