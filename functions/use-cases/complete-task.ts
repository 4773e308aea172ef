import type { CompleteTaskRequest } from '../api/api.schemas';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { caseRepository } from '../adapters/case.repository';
import { workflowEngine } from '../adapters/workflow-engine';
import { logger } from '../commons/powertools';
import type { Caller } from '../commons/http';
import { conflict, notFound } from '../domain/errors';
import type { Task } from '../domain/task';
import { completeTask as complete, taskResultOf } from '../domain/task';

/**
 * Completes a task for a clerk:
 * 1. finds the task within the caller's tenant (another tenant's task does not exist for them);
 * 2. checks role, state and outcome (the domain rule);
 * 3. writes the completed task, the case's version and the audit event in one transaction,
 *    under the condition that the task is still active: of concurrent completions one wins;
 * 4. resumes the waiting workflow step with the outcome (SendTaskSuccess).
 */
export async function completeTask(taskId: string, request: CompleteTaskRequest, caller: Caller, reason?: string): Promise<Task> {
  const task = await caseRepository.getTask(taskId);
  if (!task || task.tenant !== caller.tenant) throw notFound(`task ${taskId}`);
  const now = new Date();
  let completed: Task | undefined;
  await caseRepository.update(
    task.caseId,
    (current) => {
      const done = complete(task, { outcome: request.outcome, actor: caller, now, reason: request.reason ?? reason, data: request.data });
      completed = done.task;
      return { case: current, audit: done.audit, tasks: [{ task: done.task, expect: 'active', expectToken: task.token }] };
    });
  if (!completed?.completion) throw notFound(`case of task ${taskId}`);
  try {
    await workflowEngine.resume(task.token, taskResultOf(completed.completion));
  } catch (error) {
    if (error instanceof SFNServiceException && ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes(error.name)) {
      logger.warn('Completed task whose workflow step no longer waits', { taskId, error: error.name });
      throw conflict(`task ${taskId} is no longer awaited by its workflow (${error.name}); its deadline has passed`);
    }
    throw error;
  }
  return completed;
}
