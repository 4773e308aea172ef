import { caseRepository } from '../adapters/case.repository';
import { workflowEngine } from '../adapters/workflow-engine';
import { logger } from '../commons/powertools';
import type { Caller } from '../commons/http';
import { fieldErrors } from '../commons/http';
import type { Case, DeliveredMessage } from '../domain/case';
import { extend, isClosed, resume, suspend, withdraw } from '../domain/case';
import { conflict, notFound, validationError } from '../domain/errors';
import type { Task } from '../domain/task';
import { cancelTask, claimTask as claim, isActive } from '../domain/task';
import { schemaValidator } from '../domain/transaction-type';
import { typeOfCase } from '../../workflows/catalogue';

async function save(caseId: string, decide: Parameters<typeof caseRepository.update>[1]): Promise<Case> {
  const saved = await caseRepository.update(caseId, decide);
  if (!saved) throw notFound(`case ${caseId}`);
  return saved;
}

/**
 * Withdraws a case for the applicant:
 * 1. closes it as `withdrawn` and cancels its active tasks, with the audit event, in one transaction;
 * 2. stops its workflow execution (one that already ended is left alone).
 */
export async function withdrawCase(subject: Case, caller: Caller, reason?: string): Promise<Case> {
  const active = (await caseRepository.tasksOfCase(subject.id)).filter(isActive);
  const saved = await save(subject.id, (current) => ({
    ...withdraw(current, typeOfCase(current), { actor: caller, now: new Date(), reason }),
    tasks: active.map((task) => ({ task: cancelTask(task), expect: 'active' as const })),
  }));
  await workflowEngine.stop(saved.executionArn, `Withdrawn by ${caller.subject}`);
  return saved;
}

export async function suspendCase(subject: Case, caller: Caller, reason?: string): Promise<Case> {
  return save(subject.id, (current) => suspend(current, typeOfCase(current), { actor: caller, now: new Date(), reason }));
}

export async function resumeCase(subject: Case, caller: Caller, reason?: string): Promise<Case> {
  return save(subject.id, (current) => resume(current, typeOfCase(current), { actor: caller, now: new Date(), reason }));
}

export async function extendCase(subject: Case, caller: Caller, days: number, reason: string): Promise<Case> {
  return save(subject.id, (current) => extend(current, typeOfCase(current), { actor: caller, now: new Date(), days, reason }));
}

/**
 * Delivers a message to the workflow step of a case that waits for it:
 * 1. checks the type declares the message and validates its data;
 * 2. finds the waiting step; when none waits, the message is refused (409), not lost;
 * 3. ends the wait and records the delivery in one transaction (a concurrent delivery loses);
 * 4. resumes the step with the message (SendTaskSuccess).
 */
export async function deliverMessage(subject: Case, caller: Caller, name: string, data: Record<string, unknown>): Promise<Case> {
  const type = typeOfCase(subject);
  const definition = type.messages[name];
  if (!definition) {
    throw validationError('unknown message', [{ path: 'name', message: `type '${type.key}' declares no message '${name}'` }]);
  }
  const valid = schemaValidator(definition.dataSchema).safeParse(data);
  if (!valid.success) throw validationError('message data does not match its schema', fieldErrors(valid.error.issues, ['data']));
  if (isClosed(subject, type)) throw conflict(`case ${subject.number} is closed with status '${subject.status}'`);
  const wait = await caseRepository.messageWait(subject.id, name);
  if (!wait) throw conflict(`no step of case ${subject.number} is waiting for message '${name}'`);
  const now = new Date();
  const delivered: DeliveredMessage = { name, data: valid.data as Record<string, unknown>, receivedAt: now.toISOString(), by: caller.subject };
  const saved = await save(subject.id, (current) => {
    // A wait that suspended the deadline ends the suspension when the message arrives.
    const resumed = wait.suspendsDeadline && current.suspendedSince ? resume(current, type, { actor: caller, now }).case : current;
    return {
      case: { ...resumed, messages: [...(current.messages ?? []), delivered], updatedAt: now.toISOString() },
      audit: {
        action: 'message.received',
        actor: caller,
        at: now.toISOString(),
        details: { name, ...(resumed !== current ? { dueAt: resumed.dueAt, previousDueAt: current.dueAt } : {}) },
      },
      deliverMessage: wait,
    };
  });
  try {
    await workflowEngine.resume(wait.token, delivered);
  } catch (error) {
    logger.warn('Message delivered to a step that no longer waits', { caseId: subject.id, name, error: (error as Error).name });
    throw conflict(`the step of case ${subject.number} no longer waits for message '${name}'`);
  }
  return saved;
}

/** A clerk takes a task of the tenant; the task, the case's version and the audit event change together. */
export async function claimTask(taskId: string, caller: Caller): Promise<Task> {
  const task = await caseRepository.getTask(taskId);
  if (!task || task.tenant !== caller.tenant) throw notFound(`task ${taskId}`);
  let claimed: Task = task;
  await save(task.caseId, (current) => {
    const change = claim(task, caller, new Date());
    if (!change) return undefined;
    claimed = change.task;
    return { case: current, audit: change.audit, tasks: [{ task: change.task, expect: 'active' }] };
  });
  return claimed;
}
