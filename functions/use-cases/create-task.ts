import { ulid } from '../domain/ulid';
import { systemActor } from '../domain/actor';
import { addDays } from '../domain/calendar';
import { DomainError, notFound, TransientError } from '../domain/errors';
import { isActive, openTask, taskResultOf } from '../domain/task';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseStore } from '../ports/case-store.port';
import type { Clock } from '../ports/services.port';
import type { WorkflowEngine } from '../ports/workflow-engine.port';
import type { StatusBeforeWaiting } from './record-status';
import { afterStatus } from './record-status';
import type { Case } from '../domain/case';

export interface CreateTaskCommand {
  readonly caseId: string;
  readonly name: string;
  readonly taskToken: string;
  /** A status the case moves to before the task opens (one that is not final), as a record-status step before it would. */
  readonly status?: string;
}

export interface CreateTaskDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change' | 'tasksOfCase'>;
  readonly workflows: Pick<WorkflowEngine, 'resume'>;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  /** The status the step names, recorded in the transaction that opens or reissues the task (record-status's own rules). */
  readonly recordStatus: StatusBeforeWaiting;
}

/**
 * Creates the human task a workflow step waits on:
 * 0. moves the case to the status the step names, if any, as a record-status step would (a
 *    re-run that finds it there, or further, leaves it), in the transaction of what follows: no
 *    reader sees the status before the task;
 * 1. finds the task's definition (role, outcomes, due date) in the case's type;
 * 2. when a re-run workflow (recovery, redrive) asks again what a task already answered,
 *    resumes the step at once with the stored answer (through the outbox, in the commit of the
 *    status, when there is one to record);
 * 3. when the step is retried and its task is still active, hands that task the new token;
 * 4. otherwise opens a new task, written with its audit event in one transaction.
 * A task that changes between the read and the write (a clerk completes it while the step is
 * retried) is read again and decided anew; one that keeps changing is a transient failure.
 */
export function createTask(deps: CreateTaskDependencies) {
  /** `from`: the case as just read, which the change decides on first instead of reading it again. */
  const createOnce = async (command: CreateTaskCommand, subject: Case, from: Case | undefined): Promise<{ taskId: string }> => {
    const type = deps.catalogue.ofCase(subject);
    const definition = type.tasks[command.name];
    if (!definition) throw new Error(`type '${type.key}' declares no task '${command.name}'`);
    const tasks = await deps.cases.tasksOfCase(subject.id);
    // Only a completed task carries a completion: a task is cancelled only while it is active.
    const done = tasks.find((task) => task.name === command.name && task.completion);
    const statusOf = (read: Case) => (command.status === undefined ? undefined : deps.recordStatus(read, { status: command.status, step: 'create-task' }));
    if (done?.completion) {
      const output = taskResultOf({ ...done, completion: done.completion });
      // Where the status is recorded first, the answer goes to the step through the outbox in that commit, not in a call after it.
      const resumedThroughOutbox =
        command.status !== undefined &&
        (await deps.cases.change<boolean>(subject.id, (read) => {
          const status = statusOf(read);
          if (!status) return { result: () => false };
          const resume = { kind: 'resume-step', caseId: subject.id, token: command.taskToken, output: { ...output }, answers: { task: done.id } } as const;
          return { change: { ...status, effects: [resume] }, result: () => true };
        }, { from }));
      if (!resumedThroughOutbox) await deps.workflows.resume(command.taskToken, output);
      return { taskId: done.id };
    }
    const existing = tasks.find((task) => task.name === command.name && isActive(task));
    const now = deps.clock.now();
    return deps.cases.change(subject.id, (read) => {
      const status = statusOf(read);
      const current = status?.case ?? read;
      if (existing) {
        return {
          change: afterStatus(status, {
            case: current,
            audit: { action: 'task.reissued', actor: systemActor('create-task'), at: now.toISOString(), details: { taskId: existing.id } },
            tasks: [{ task: { ...existing, token: command.taskToken }, expect: existing }],
          }),
          result: () => ({ taskId: existing.id }),
        };
      }
      const opened = openTask({
        id: ulid(now.getTime()),
        caseId: current.id,
        caseNumber: current.number,
        tenant: current.tenant,
        name: command.name,
        definition,
        dueAt: addDays(now, definition.dueInWorkingDays, 'working'),
        token: command.taskToken,
        now,
      });
      return {
        change: afterStatus(status, { case: current, audit: opened.audit, tasks: [{ task: opened.task, expect: 'new' }] }),
        result: () => ({ taskId: opened.task.id }),
      };
    }, { from });
  };

  return async (command: CreateTaskCommand): Promise<{ taskId: string }> => {
    // The case as first read gives the task's type and definition; each try decides on the case as it then is.
    const subject = await deps.cases.get(command.caseId);
    if (!subject) throw notFound(`case ${command.caseId}`);
    // A status the type does not declare, or a final one, is refused before anything is written, and not retried.
    if (command.status !== undefined) deps.recordStatus(subject, { status: command.status, step: 'create-task' });
    for (let attempt = 1; ; attempt++) {
      try {
        // Only the first try starts from the case as read: a conflict means its version moved since.
        return await createOnce(command, subject, attempt === 1 ? subject : undefined);
      } catch (error) {
        if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
        if (attempt >= 3) throw new TransientError(`task '${command.name}' of case ${command.caseId} kept changing while its step was retried`, { cause: error });
      }
    }
  };
}
